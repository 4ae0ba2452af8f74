// "Did you mean …?" for a misspelt key or value: a vendor who writes `apiToken` or `clok` should be told the word the
// kit expected, not only that theirs is unknown. A dozen candidates at most, so a plain Levenshtein is plenty.

/** The edit distance of two strings (insertions, deletions and substitutions each cost 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate `word` was most likely meant to be: one that differs only in case, else the nearest within an edit
 * distance of 2 (the first of equals), else undefined.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const sameButCase = candidates.find((c) => c.toLowerCase() === word.toLowerCase());
  if (sameButCase !== undefined) return sameButCase;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
