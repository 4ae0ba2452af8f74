// Inputs derived from the contracts' JSON Schemas: fast-check arbitraries for the subset of JSON Schema 2020-12 the
// request schemas use (type, enum, const, properties, required, allOf, oneOf, anyOf, if/then/else, dependentRequired,
// minLength, maxLength, minimum, maximum, pattern, format uuid/email/uri), and single mutations that each break one
// thing. Neither side decides validity: the caller asks Ajv with the project's setup, so "the schema accepts" means
// what the contract says, and a generator or mutation that misses is only less efficient, never wrong.
import fc from 'fast-check';

/** A dereferenced JSON Schema (the subset above); extra keywords are ignored. */
export type Schema = { [keyword: string]: any };

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Values to prefer for a property or parameter, by its name (fixture credentials, tokens of existing objects), so
 * that schema-valid inputs also reach the state the server holds instead of being refused as unknown.
 */
export type Hints = Readonly<Record<string, readonly Json[]>>;

/**
 * How inputs are drawn: `mixed` prefers hints (two to one) and leaves optional properties out at random; `full` always
 * takes a hint where there is one and sends every property, the broadest base for mutations.
 */
export type HintMode = 'mixed' | 'full';

const STRUCTURE = ['allOf', 'oneOf', 'anyOf', 'if', 'then', 'else', 'not'];

const jsonType = (v: Json): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;

/** The JSON types a flat schema allows; empty for "anything". */
function typesOf(s: Schema): string[] {
  if (s.type !== undefined) return Array.isArray(s.type) ? s.type : [s.type];
  if ('const' in s) return [jsonType(s.const)];
  if (Array.isArray(s.enum)) return [...new Set(s.enum.map(jsonType))];
  if (s.properties || s.required) return ['object'];
  if (s.pattern !== undefined || s.format !== undefined || s.minLength !== undefined) return ['string'];
  if (s.minimum !== undefined || s.maximum !== undefined) return ['integer'];
  return [];
}

/** Two flat schemas as one, for generation: constraints of both (Ajv has the last word on what is valid). */
function merge(a: Schema, b: Schema): Schema {
  const out: Schema = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (k === 'properties') {
      const props: Schema = { ...(a.properties ?? {}) };
      for (const [name, sub] of Object.entries(v as Schema)) props[name] = props[name] ? { allOf: [props[name], sub] } : sub;
      out.properties = props;
    } else if (k === 'required') out.required = [...new Set([...(a.required ?? []), ...(v as string[])])];
    else if (k === 'type' && a.type !== undefined) {
      const ta = typesOf(a);
      const both = typesOf(b).filter((t) => ta.includes(t) || (t === 'integer' && ta.includes('number')));
      out.type = both.length > 0 ? both : typesOf(b);
    } else if (k === 'minLength' || k === 'minimum') out[k] = Math.max(a[k] ?? -Infinity, v as number);
    else if (k === 'maxLength' || k === 'maximum') out[k] = Math.min(a[k] ?? Infinity, v as number);
    else out[k] = v;
  }
  return out;
}

/** The flat alternatives of a schema: allOf merged in, one entry per oneOf/anyOf branch and per if/then/else arm. */
export function alternatives(s: Schema): Schema[] {
  const base: Schema = {};
  for (const [k, v] of Object.entries(s)) if (!STRUCTURE.includes(k)) base[k] = v;
  let out = [base];
  const cross = (choices: Schema[]) => (out = out.flatMap((o) => choices.map((c) => merge(o, c))));
  for (const sub of (s.allOf ?? []) as Schema[]) cross(alternatives(sub));
  if (s.oneOf) cross((s.oneOf as Schema[]).flatMap(alternatives));
  if (s.anyOf) cross((s.anyOf as Schema[]).flatMap(alternatives));
  // if/then: either arm; whether the `if` holds is left to the validator.
  if (s.if) cross([...alternatives(s.then ?? {}), ...alternatives(s.else ?? {})]);
  return out;
}

/** Strings of any kind: mostly ASCII, sometimes any Unicode (bodies may also carry lone surrogates). */
function text(minLength: number, maxLength: number, anyUnit: boolean): fc.Arbitrary<string> {
  const units = anyUnit ? fc.constantFrom<'grapheme-ascii' | 'grapheme' | 'binary'>('grapheme-ascii', 'grapheme-ascii', 'grapheme', 'binary') : fc.constantFrom<'grapheme-ascii' | 'grapheme'>('grapheme-ascii', 'grapheme');
  return units.chain((unit) => fc.string({ unit, minLength, maxLength }));
}

/** Fully qualified http(s) URLs, ASCII and internationalised. */
const urls = fc.oneof(
  fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true, withFragments: true }),
  fc.constantFrom('https://bücher.example/straße?q=ü', 'http://例え.jp/パス', 'HTTPS://EXAMPLE.COM', 'http://127.0.0.1:8080/x', 'https://[::1]/'),
);

/** Integers between two bounds, the bounds themselves often. */
function integers(min: number, max: number): fc.Arbitrary<number> {
  const any = fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number);
  return fc.oneof({ weight: 1, arbitrary: fc.constantFrom(min, max) }, { weight: 3, arbitrary: any });
}

/** Derives values from schemas, preferring the hints given by name. */
export class SchemaArbitraries {
  constructor(
    private readonly hints: Hints,
    private readonly mode: HintMode,
    /** Whether strings may hold any code unit (a JSON body), or only what a URL can carry (a parameter). */
    private readonly anyUnit: boolean,
  ) {}

  /** Values for `schema`, found under `name` (a property or parameter name) when it has one. */
  of(schema: Schema, name?: string): fc.Arbitrary<Json> {
    const hinted = name !== undefined ? this.hints[name] : undefined;
    const own = fc.oneof(...alternatives(schema).map((flat) => this.flat(flat)));
    if (!hinted || hinted.length === 0) return own;
    const hint = fc.constantFrom(...hinted);
    // Mixed: hints twice as often as the schema alone, so that inputs with several hinted fields still reach 2xx.
    return this.mode === 'full' ? hint : fc.oneof({ weight: 2, arbitrary: hint }, { weight: 1, arbitrary: own });
  }

  private flat(s: Schema): fc.Arbitrary<Json> {
    if ('const' in s) return fc.constant(s.const as Json);
    if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as Json[]));
    const types = typesOf(s);
    if (types.length === 0) return fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>;
    return fc.oneof(...types.map((t) => this.typed(t, s)));
  }

  private typed(type: string, s: Schema): fc.Arbitrary<Json> {
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return integers(s.minimum ?? (s.maximum !== undefined ? s.maximum - 1000 : -1000), s.maximum ?? (s.minimum ?? 0) + 1000);
      case 'number':
        return fc.double({ noNaN: true, noDefaultInfinity: true, min: s.minimum ?? -1e6, max: s.maximum ?? 1e6 });
      case 'string':
        return this.string(s);
      case 'array':
        return fc.array(this.of(s.items ?? {}), { maxLength: 3 }) as fc.Arbitrary<Json>;
      default:
        return this.object(s);
    }
  }

  private string(s: Schema): fc.Arbitrary<Json> {
    const min = s.minLength ?? 0;
    const max = Math.max(min, Math.min(s.maxLength ?? 24, 64));
    if (s.format === 'uuid') return fc.tuple(fc.uuid(), fc.boolean()).map(([u, upper]) => (upper ? u.toUpperCase() : u));
    if (s.format === 'email') return fc.emailAddress();
    if (s.format === 'uri' || s.format === 'iri') return urls;
    if (typeof s.pattern === 'string') {
      const matching = fc.stringMatching(new RegExp(s.pattern, 'u'));
      // Long patterns (URLs, emails) are hard to hit at random: the examples of the schema help.
      return fc.oneof(matching, ...(s.examples ? [fc.constantFrom(...(s.examples as Json[]))] : []), ...(/https\?/i.test(s.pattern) ? [urls] : []));
    }
    return text(min, max, this.anyUnit);
  }

  private object(s: Schema): fc.Arbitrary<Json> {
    const properties = (s.properties ?? {}) as Record<string, Schema>;
    const required = new Set<string>(s.required ?? []);
    const model: Record<string, fc.Arbitrary<Json>> = {};
    for (const [name, sub] of Object.entries(properties)) model[name] = this.of(sub, name);
    for (const name of required) model[name] ??= this.of({}, name);
    return fc.record(model, { requiredKeys: this.mode === 'full' ? Object.keys(model) : [...required] }) as fc.Arbitrary<Json>;
  }
}

// ------------------------------------------------------------------ mutations

/** What a mutation breaks, in the words of the issue. */
export type MutationKind =
  | 'wrong type'
  | 'null'
  | 'missing required'
  | 'out of range'
  | 'bad pattern'
  | 'bad format'
  | 'unknown enum'
  | 'violates if/then'
  | 'excluded together';

/** One single change to a value: at `path`, `to` replaces the value (or removes it when `remove`). */
export interface Mutation {
  kind: MutationKind;
  path: (string | number)[];
  to?: Json;
  remove?: boolean;
}

/** Every schema that may speak for a value: the schema, its allOf parts, oneOf/anyOf branches and then/else arms. */
function candidates(s: Schema): Schema[] {
  const out = [s];
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) for (const sub of (s[key] ?? []) as Schema[]) out.push(...candidates(sub));
  if (s.then) out.push(...candidates(s.then));
  if (s.else) out.push(...candidates(s.else));
  return out;
}

/** The schemas that may speak for the value at `path` below `root`. */
export function schemasAt(root: Schema, path: (string | number)[]): Schema[] {
  let set = candidates(root);
  for (const key of path) set = set.flatMap((s) => (s.properties?.[key] ? candidates(s.properties[key]) : []));
  return set;
}

/** Every location inside a JSON value. */
function locations(value: Json, at: (string | number)[] = []): (string | number)[][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return [at, ...Object.entries(value).flatMap(([k, v]) => locations(v, [...at, k]))];
  return [at];
}

const get = (value: Json, path: (string | number)[]): Json | undefined =>
  path.reduce<Json | undefined>((v, k) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Json>)[k as string] : undefined), value);

/** A copy of `value` with one mutation applied. */
export function applyMutation(value: Json, m: Mutation): Json | undefined {
  if (m.path.length === 0) return m.remove ? undefined : m.to!;
  const [head, ...rest] = m.path;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const copy: Record<string, Json> = { ...value };
  if (rest.length === 0) {
    if (m.remove) delete copy[head as string];
    else copy[head as string] = m.to!;
  } else {
    const inner = applyMutation(copy[head as string] ?? {}, { ...m, path: rest });
    if (inner !== undefined) copy[head as string] = inner;
  }
  return copy;
}

const SAMPLE_OF_TYPE: Record<string, Json> = { string: 'x', integer: 7, number: 1.5, boolean: true, object: {}, array: [] };

/** A value that violates a pattern: the first of a few that does not match it. */
function breakingPattern(pattern: string): string | undefined {
  const re = new RegExp(pattern, 'u');
  return ['', ' ', 'x', '!', '😀 ü', 'a b', 'x\u0000y'].find((s) => !re.test(s));
}

/** Values that break a format, as validators read it (the server may read it more loosely: that is the point). */
const BREAKING_FORMAT: Record<string, Json[]> = {
  uuid: ['not-a-uuid', 'urn:uuid:875b8930-eff8-4c2d-a594-3f4cc4ed4d0d', '875b8930eff84c2da5943f4cc4ed4d0d'],
  email: ['no-at-sign', 'user@localhost', 'a b@example.com', 'user@@example.com'],
  uri: ['not a url', 'ftp://example.com/', 'http://', '//example.com/x', 'http://exa mple.com/'],
};

/**
 * The single mutations of `value` that the schema gives reason to expect it to refuse (each one distinct); `hints`
 * give the values added where a `not` excludes a key. Whether the schema does refuse the result is Ajv's call.
 */
export function mutationsOf(root: Schema, value: Json, options: { hints?: Hints } = {}): Mutation[] {
  const out: Mutation[] = [];
  const push = (m: Mutation) => out.push(m);
  const unique = () => {
    const seen = new Set<string>();
    return out.filter((m) => !seen.has(JSON.stringify(m)) && !!seen.add(JSON.stringify(m)));
  };
  for (const path of locations(value)) {
    const here = get(value, path);
    const schemas = schemasAt(root, path);
    if (schemas.length === 0) continue;
    const allowed = new Set(schemas.flatMap(typesOf));
    // A schema that says nothing of the value's type lets anything through, unless its branches or parts do say.
    const anything = schemas.some((s) => typesOf(s).length === 0 && !['enum', 'const', ...STRUCTURE].some((k) => k in s));
    if (!anything && !allowed.has('null')) push({ kind: 'null', path, to: null });
    if (!anything) {
      // Two types the schemas do not allow (an integer is a number too): the likeliest wrong ones come first.
      const wrong = Object.keys(SAMPLE_OF_TYPE).filter((t) => !allowed.has(t) && !(t === 'integer' && allowed.has('number')));
      for (const t of wrong.slice(0, 2)) push({ kind: 'wrong type', path, to: SAMPLE_OF_TYPE[t]! });
    }
    for (const s of schemas) {
      if (typeof s.minimum === 'number') push({ kind: 'out of range', path, to: s.minimum - 1 });
      if (typeof s.maximum === 'number') push({ kind: 'out of range', path, to: s.maximum + 1 });
      if (typeof s.minLength === 'number' && s.minLength > 0) push({ kind: 'out of range', path, to: 'x'.repeat(s.minLength - 1) });
      if (typeof s.maxLength === 'number') push({ kind: 'out of range', path, to: 'x'.repeat(s.maxLength + 1) });
      if (typeof s.pattern === 'string') {
        const bad = breakingPattern(s.pattern);
        if (bad !== undefined) push({ kind: 'bad pattern', path, to: bad });
      }
      const format = s.format === 'iri' ? 'uri' : s.format;
      for (const bad of BREAKING_FORMAT[format as string] ?? []) push({ kind: 'bad format', path, to: bad });
      if (Array.isArray(s.enum)) {
        const strings = s.enum.filter((e: Json) => typeof e === 'string') as string[];
        push({ kind: 'unknown enum', path, to: 'not-in-enum' });
        for (const e of strings) if (e.toUpperCase() !== e) push({ kind: 'unknown enum', path, to: e.toUpperCase() });
      }
      if (here !== null && typeof here === 'object' && !Array.isArray(here)) {
        for (const r of (s.required ?? []) as string[]) if (r in here) push({ kind: 'missing required', path: [...path, r], remove: true });
        for (const [key, needs] of Object.entries((s.dependentRequired ?? {}) as Record<string, string[]>)) {
          if (key in here) for (const r of needs) if (r in here) push({ kind: 'violates if/then', path: [...path, r], remove: true });
        }
        if (s.if) conditionalBreaks(s, here as Record<string, Json>, path).forEach(push);
        if (s.not) exclusionBreaks(s.not as Schema, here as Record<string, Json>, path, options.hints ?? {}).forEach(push);
      }
    }
  }
  return unique();
}

/**
 * Makes an `if` hold while removing what its `then` requires: as the node is, by setting what the `if` asks a
 * property to be (a flag set to false), or by removing what the `if` asks to be absent.
 */
function conditionalBreaks(s: Schema, node: Record<string, Json>, path: (string | number)[]): Mutation[] {
  const out: Mutation[] = [];
  const thenRequired = (s.then?.required ?? []) as string[];
  const without = (n: Record<string, Json>, keys: string[]) => Object.fromEntries(Object.entries(n).filter(([k]) => !keys.includes(k)));
  for (const r of thenRequired) {
    if (r in node) out.push({ kind: 'violates if/then', path: [...path, r], remove: true });
  }
  for (const cond of candidates(s.if as Schema)) {
    for (const [key, sub] of Object.entries((cond.properties ?? {}) as Record<string, Schema>)) {
      if ('const' in sub) out.push({ kind: 'violates if/then', path, to: without({ ...node, [key]: sub.const as Json }, thenRequired) });
    }
    const absent = (cond.not?.required ?? []) as string[];
    if (absent.length > 0) out.push({ kind: 'violates if/then', path, to: without(node, [...absent, ...thenRequired]) });
  }
  return out;
}

/** Adds what a `not` excludes (a key that must not come with the others), with a plausible value. */
function exclusionBreaks(not: Schema, node: Record<string, Json>, path: (string | number)[], hints: Hints): Mutation[] {
  const out: Mutation[] = [];
  for (const cond of candidates(not)) {
    for (const key of (cond.required ?? []) as string[]) {
      if (key in node && node[key] !== null && node[key] !== '') continue;
      const value = hints[key]?.[0] ?? '875b8930-eff8-4c2d-a594-3f4cc4ed4d0d';
      out.push({ kind: 'excluded together', path: [...path, key], to: value });
    }
  }
  return out;
}
