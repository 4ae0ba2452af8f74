/**
 * A chaos rule's path pattern as a test on a request path (without its query). Segments are compared one by one:
 * a segment `**` stands for any number of segments, none included (`/session/**` matches `/session`,
 * `/session/login` and `/session/v6.0/login`); a `*` inside a segment for any text within that segment
 * (`/session/*` matches `/session/login`, `/loudvoice/*.json` matches `/loudvoice/comments.json`); anything else is
 * literal, so a pattern without stars is an exact path. No regular expression is built, so no pattern can make
 * matching slow (it is at most patternSegments × pathSegments segment comparisons).
 */
export function pathPattern(pattern: string): (path: string) => boolean {
  if (!pattern.includes('*')) return (path) => path === pattern;
  const parts = pattern.split('/');
  return (path) => segmentsMatch(parts, path.split('/'));
}

/** Whether path segments match pattern segments, `**` spanning any number of them (dynamic programming). */
function segmentsMatch(parts: readonly string[], segments: readonly string[]): boolean {
  // reach[j]: the pattern segments taken so far match the first j path segments.
  let reach: boolean[] = segments.map(() => false).concat(false);
  reach[0] = true;
  for (const part of parts) {
    const next: boolean[] = new Array<boolean>(segments.length + 1).fill(false);
    if (part === '**') {
      let any = false;
      for (let j = 0; j <= segments.length; j++) next[j] = any ||= reach[j]!;
    } else {
      for (let j = 1; j <= segments.length; j++) next[j] = reach[j - 1]! && segmentMatches(part, segments[j - 1]!);
    }
    reach = next;
  }
  return reach[segments.length]!;
}

/** Whether one path segment matches a glob whose `*` stands for any text (the classic two-pointer wildcard match). */
function segmentMatches(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (g < glob.length && glob[g] !== '*' && glob[g] === text[t]) {
      g++;
      t++;
    } else if (g < glob.length && glob[g] === '*') {
      star = g++;
      resume = t;
    } else if (star >= 0) {
      g = star + 1;
      t = ++resume;
    } else return false;
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}
