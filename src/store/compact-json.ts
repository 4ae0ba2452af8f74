/**
 * A compact, lossless writing of JSON data for the Redis snapshot: an array of records that all have the same keys
 * (sessions, authors, comments: almost all of a snapshot) is written as its keys once and then every record's values
 * in a row, instead of repeating each key in each record. Nothing is dropped or guessed (a null stays a null), so
 * `decodeCompact(encodeCompact(x))` equals `JSON.parse(JSON.stringify(x))` for any JSON data, whatever the snapshot's
 * shape becomes: the codec knows no field of it.
 *
 * Every array is tagged by its first element, so nothing in the data can be mistaken for the encoding:
 *   [0, v1, v2, ...]                      an array as it is (its elements encoded)
 *   [1, [k1, ..., kn], a1, ..., an, b1, ...] records with keys k1..kn, in that order: n values per record
 * Objects keep their keys, their values encoded.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const PLAIN = 0;
const RECORDS = 1;

/** Sets an own property, even one named __proto__ (as JSON.parse makes it), never the prototype. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** The JSON text of `value` in the compact writing. */
export function encodeCompact(value: unknown): string {
  return JSON.stringify(encode(value));
}

/** Reads what encodeCompact wrote; throws on anything else (a wrong tag, a row of the wrong length). */
export function decodeCompact(text: string): unknown {
  return decode(JSON.parse(text) as Json);
}

/** The keys every element of `items` has, in one order, when all are plain records with a value under each; else null. */
function sharedKeys(items: unknown[]): string[] | null {
  if (items.length === 0) return null;
  let keys: string[] | null = null;
  for (const item of items) {
    if (item === null || typeof item !== 'object' || Array.isArray(item) || typeof (item as { toJSON?: unknown }).toJSON === 'function') return null;
    const own = Object.keys(item);
    // A key whose value JSON leaves out (undefined, a function) would become a null in a row: not lossless.
    for (const key of own) {
      const v = (item as Record<string, unknown>)[key];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return null;
    }
    if (keys === null) {
      if (own.length === 0) return null;
      keys = own;
    } else if (own.length !== keys.length || own.some((key, i) => key !== keys![i])) return null;
  }
  return keys;
}

function encode(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return encode((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) {
    const keys = sharedKeys(value);
    if (keys === null) return [PLAIN, ...value.map((item) => (item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : encode(item)))];
    const out: unknown[] = [RECORDS, keys];
    for (const item of value as Record<string, unknown>[]) for (const key of keys) out.push(encode(item[key]));
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined && typeof v !== 'function' && typeof v !== 'symbol') put(out, key, encode(v));
  return out;
}

function decode(value: Json): Json {
  if (value === null || typeof value !== 'object') return value;
  if (!Array.isArray(value)) {
    const out: { [key: string]: Json } = {};
    for (const [key, v] of Object.entries(value)) put(out, key, decode(v));
    return out;
  }
  if (value[0] === PLAIN) return value.slice(1).map(decode);
  if (value[0] === RECORDS && Array.isArray(value[1]) && value[1].length > 0 && value[1].every((k) => typeof k === 'string')) {
    const keys = value[1] as string[];
    const values = value.length - 2;
    if (values % keys.length !== 0) throw new Error(`compact JSON: ${values} values do not fill rows of ${keys.length}`);
    const rows: Json[] = [];
    for (let i = 2; i < value.length; i += keys.length) {
      const row: { [key: string]: Json } = {};
      for (let k = 0; k < keys.length; k++) put(row, keys[k]!, decode(value[i + k]!));
      rows.push(row);
    }
    return rows;
  }
  throw new Error('compact JSON: an array without a known tag');
}
