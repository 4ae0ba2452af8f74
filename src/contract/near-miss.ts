// Near misses: for a request no operation answers (a 404 or 405), the contract's operations closest to it, each with
// what differs. An integrator who typed `/session/v7.0/login` or `/loudvoice/authors` wants to read "the contract has
// /session/v6.0/login" or "the contract's path ends in authors.json", not only "no operation has this path". Pure: it
// reads the request's method and path and the candidate operations, nothing else.

/** An operation a request may have meant: its method, path template, and the values its enum path parameters allow. */
export interface NearMissCandidate {
  operationId: string;
  method: string;
  /** The contract's path template, e.g. `/session/{version}/login`. */
  template: string;
  /** For path parameters with an enum (LiveVox's `version`), the values the contract allows. */
  pathEnums?: Readonly<Record<string, readonly string[]>>;
}

/** One close operation and every way the request differs from it. */
export interface NearMiss {
  operationId: string;
  method: string;
  /** The contract's path template. */
  path: string;
  /** How far the request is from it (0 would be a match): lower is closer. */
  distance: number;
  /** Each difference in words, e.g. `version v7.0 is not one the contract serves; the nearest is v6.0`. */
  differences: string[];
}

/** The costs of each kind of difference: a typo-sized slip costs less than a wrong segment. */
const COST = { method: 1, segment: 1, missingJson: 0.25, extraJson: 0.25, letterCase: 0.25, version: 0.25, insertDelete: 0.9, parameter: 0.001 } as const;

/** Nothing farther than this is a near miss: two wrong segments and the method is a different request. */
const MAX_DISTANCE = 2;

/** How one request segment compares with one template segment: its cost, and what differs (none when it matches). */
interface SegmentCompare {
  cost: number;
  difference?: string;
}

/** A template segment as a regular expression: `{author_token}.json` is any text then `.json`. */
function segmentPattern(segment: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  const source = segment
    .split(/(\{[^}]+\})/)
    .map((part) => {
      if (part.startsWith('{') && part.endsWith('}')) {
        names.push(part.slice(1, -1));
        return '([^/]+?)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { re: new RegExp(`^${source}$`), names };
}

/** The version number of a segment such as `v6.0` (NaN when it is not one). */
const versionNumber = (value: string) => (/^v\d+(?:\.\d+)?$/i.test(value) ? Number(value.slice(1)) : Number.NaN);

/** The allowed value closest to the one sent: by version number when both are versions, else the first. */
function nearestValue(value: string, allowed: readonly string[]): string {
  const sent = versionNumber(value);
  if (Number.isNaN(sent)) return allowed[0]!;
  return [...allowed].sort((a, b) => Math.abs(versionNumber(a) - sent) - Math.abs(versionNumber(b) - sent) || versionNumber(b) - versionNumber(a))[0]!;
}

/** Compares one request segment (as sent) with one template segment. */
function compareSegment(sent: string, template: string, enums: Readonly<Record<string, readonly string[]>>, fullTemplate: string): SegmentCompare {
  const { re, names } = segmentPattern(template);
  const match = re.exec(sent);
  if (match) {
    // A parameter with an enum matches only its values: `v7.0` fits `{version}` as text, but the contract serves v6.0.
    for (const [i, name] of names.entries()) {
      const allowed = enums[name];
      const value = match[i + 1]!;
      if (allowed && allowed.length > 0 && !allowed.includes(value)) {
        const nearest = nearestValue(value, allowed);
        return { cost: COST.version, difference: `${name} ${value} is not one the contract serves; the nearest is ${nearest} (${fullTemplate.replace(`{${name}}`, nearest)})` };
      }
    }
    // A parameter takes any text, so it matches a little less surely than the same literal: when a segment could be
    // either, the alignment that keeps literals together wins (`/session/validate` misses `{sessionId}`, not `validate`).
    return { cost: names.length > 0 ? COST.parameter : 0 };
  }
  if (re.test(`${sent}.json`)) return { cost: COST.missingJson, difference: `missing .json: the contract's segment is ${template}, the request sent ${sent}` };
  if (sent.endsWith('.json') && re.test(sent.slice(0, -'.json'.length))) return { cost: COST.extraJson, difference: `extra .json: the contract's segment is ${template}, the request sent ${sent}` };
  if (names.length === 0 && sent.toLowerCase() === template.toLowerCase()) return { cost: COST.letterCase, difference: `letter case: the contract's segment is ${template}, the request sent ${sent} (paths are case-sensitive)` };
  return { cost: COST.segment, difference: `${template} instead of ${sent === '' ? '(an empty segment)' : sent}` };
}

/** The path's segments after the leading slash (a trailing slash gives a last empty segment, which can differ). */
const segmentsOf = (path: string) => path.replace(/^\//, '').split('/');

/** The cheapest alignment of the request's segments onto the template's, with the differences along it. */
function comparePath(path: string, template: string, enums: Readonly<Record<string, readonly string[]>>): { cost: number; differences: string[] } {
  const sent = segmentsOf(path);
  const wanted = segmentsOf(template);
  // Edit distance over segments (Levenshtein), substitution priced by compareSegment; the path is then walked back.
  const rows = sent.length + 1;
  const cols = wanted.length + 1;
  const cost: number[][] = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  const subst: SegmentCompare[][] = Array.from({ length: rows }, () => new Array<SegmentCompare>(cols));
  for (let i = 0; i < rows; i++) cost[i]![0] = i * COST.insertDelete;
  for (let j = 0; j < cols; j++) cost[0]![j] = j * COST.insertDelete;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const s = compareSegment(sent[i - 1]!, wanted[j - 1]!, enums, template);
      subst[i]![j] = s;
      cost[i]![j] = Math.min(cost[i - 1]![j - 1]! + s.cost, cost[i - 1]![j]! + COST.insertDelete, cost[i]![j - 1]! + COST.insertDelete);
    }
  }
  const differences: string[] = [];
  let i = sent.length;
  let j = wanted.length;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && cost[i]![j] === cost[i - 1]![j - 1]! + subst[i]![j]!.cost) {
      if (subst[i]![j]!.difference) differences.unshift(subst[i]![j]!.difference!);
      i--;
      j--;
    } else if (i > 0 && cost[i]![j] === cost[i - 1]![j]! + COST.insertDelete) {
      differences.unshift(`extra segment ${sent[i - 1] === '' ? '(an empty segment)' : sent[i - 1]}`);
      i--;
    } else {
      differences.unshift(`missing segment ${wanted[j - 1]}`);
      j--;
    }
  }
  return { cost: cost[sent.length]![wanted.length]!, differences };
}

/**
 * The operations closest to a request that none answers, closest first (at most `limit`), each with what differs:
 * the method, a segment, a version the contract does not serve (and the nearest it does), a missing or extra `.json`,
 * letter case, a missing or extra segment. Empty when nothing is near (everything is more than two slips away).
 */
export function nearMisses(request: { method: string; path: string }, candidates: readonly NearMissCandidate[], limit = 3): NearMiss[] {
  const method = request.method.toUpperCase();
  const scored = candidates.map((c, order) => {
    const path = comparePath(request.path, c.template, c.pathEnums ?? {});
    const differences = [...(c.method === method ? [] : [`method ${c.method}, not ${method}`]), ...path.differences];
    const distance = Math.round((path.cost + (c.method === method ? 0 : COST.method)) * 100) / 100;
    return { order, cost: path.cost, miss: { operationId: c.operationId, method: c.method, path: c.template, distance, differences } };
  });
  // A candidate with no difference is the operation itself (only the parameters' tiny cost sets it apart from 0).
  return scored
    .filter((s) => s.miss.differences.length > 0 && s.miss.distance <= MAX_DISTANCE)
    .sort((a, b) => a.miss.distance - b.miss.distance || a.cost - b.cost || a.order - b.order)
    .slice(0, limit)
    .map((s) => s.miss);
}

/** A near miss in one line, for `verify`'s error and `journal check`: `POST /session/{version}/login (loginVersioned): …`. */
export const nearMissLine = (m: NearMiss): string => `${m.method} ${m.path} (${m.operationId}): ${m.differences.join('; ')}`;
