// fast-check arbitraries for hostile requests: built from an operation of the contract, then broken in its path,
// query, method, headers and body. Values that only exist at run time (a fresh LiveVox session id, a fresh author
// session token) are placeholders the suite fills in.
import fc from 'fast-check';
import { DEMO, LOUDVOICE_AUTH } from '../helpers/test-app.js';
import { FIX } from '../loudvoice/harness.js';
import type { OperationSpec, ParameterSpec } from './operations.js';

/** Placeholders filled at run time with the ids of the state set up for that run. */
export const PLACEHOLDER = { lvSession: '$LV_SESSION$', authorSession: '$AUTHOR_SESSION$' } as const;

/** A request before its placeholders are filled: what the suite sends through inject. */
export interface FuzzRequest {
  /** What was done to the operation, for the failure report. */
  label: string;
  method: string;
  /** Path and query as sent (already percent-encoded or deliberately not). */
  url: string;
  /** Header name and value, in order; a name can repeat. */
  headers: [string, string][];
  body?: { text: string } | { bytes: number[] };
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/** Odd strings: control characters, bidi marks, emoji, lone surrogates, prototype names, escapes that are not. */
const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u202eevil\u202c',
  '\u200f\u200e',
  '\ufeff',
  '😀👩‍👩‍👧',
  '\ud800',
  '\udfff',
  'x\ud83dy',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  '[]',
  '{}',
  '%',
  '%zz',
  '%00',
  '../../etc/passwd',
  '\\',
  '"',
  "'; DROP TABLE authors; --",
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '0',
  '-1',
  '1e309',
  '9007199254740993',
];

/** Any string, including the odd ones and unusual units. */
export const weirdString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.uuid() },
);

/** Percent-encodes every byte of the UTF-8 form except the unreserved characters (lone surrogates become U+FFFD). */
export function pct(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Path or query text that is not (or not validly) percent-encoded. */
const RAW_SEGMENTS = ['%zz', '%', '%0', '%00', '%2F', '%2e%2e', '..', '.', '%E0%A4%A', '%C0%AF', '%FF', 'a%20b', '%25', ';', ',', '*', '@', '!'];

/** A header value that a HTTP parser accepts (no CR, LF or NUL), from ASCII and Latin-1 bytes. */
const headerText = fc.string({
  unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09)).map((c) => String.fromCharCode(c)),
  maxLength: 60,
});

/** Plausible values of a parameter by name (fixture ids, placeholders, in and out of range), else from its schema. */
function plausible(p: ParameterSpec): string[] {
  switch (p.name) {
    case 'sessionId':
      return [PLACEHOLDER.lvSession, '00000000-0000-4000-8000-000000000001', 'not-a-session'];
    case 'discussion_token':
      return [FIX.discussionToken, '00000000-0000-4000-8000-00000000ffff'];
    case 'author_token':
      return [FIX.authorToken, FIX.identityToken];
    case 'comment_token':
      return [FIX.comment1, FIX.comment2];
    case 'author_session_token':
      return [PLACEHOLDER.authorSession, FIX.authorToken];
    case 'discussion_reference':
      return [FIX.discussionReference, 'NO-SUCH-ARTICLE'];
    case 'author_reference':
      return [FIX.authorReference, 'NO-SUCH-USER'];
    case 'filters':
      return [`author_token:eq:${FIX.authorToken}`, 'author_token:eq:', 'name:eq:x', 'author_token:ne:x'];
  }
  const values = (p.schema.enum ?? []).map(String);
  if (p.schema.type === 'integer') {
    const min = p.schema.minimum ?? 0;
    const max = p.schema.maximum ?? 1_000_000;
    values.push(String(min), String(max), String(min - 1), String(max + 1), '1.5', '1e3', '0x10', ' 1', '+1', '007', '99999999999999999999');
  }
  if (p.schema.enum) values.push(...p.schema.enum.map((v) => String(v).toUpperCase()), '');
  return values.length > 0 ? values : ['x'];
}

/** A value for one parameter: plausible most of the time, anything otherwise. */
const paramValue = (p: ParameterSpec): fc.Arbitrary<string> =>
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...plausible(p)) }, { weight: 1, arbitrary: weirdString });

/** A path segment: encoded, or raw text that is not validly encoded, or very long. */
const pathSegment = (p: ParameterSpec): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: paramValue(p).map(pct) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 2000 }).map((n) => 'a'.repeat(n)) },
  );

/** Query pairs: the operation's parameters (some left out, some repeated), extra keys, arrays, objects, junk. */
function queryText(op: OperationSpec): fc.Arbitrary<string> {
  const declared = op.parameters.filter((p) => p.in === 'query');
  const pair = (key: string, value: string) => `${key}=${value}`;
  const declaredPairs = declared.map((p) =>
    fc.option(
      fc.oneof(
        { weight: 5, arbitrary: paramValue(p).map((v) => [pair(p.name, pct(v))]) },
        { weight: 1, arbitrary: fc.tuple(paramValue(p), paramValue(p)).map(([a, b]) => [pair(p.name, pct(a)), pair(p.name, pct(b))]) },
        { weight: 1, arbitrary: paramValue(p).map((v) => [pair(`${p.name}[]`, pct(v)), pair(`${p.name}[0]`, pct(v))]) },
        { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS).map((v) => [pair(p.name, v), p.name]) },
      ),
      { freq: 3 },
    ),
  );
  const extras = fc.array(
    fc.oneof(
      fc.tuple(weirdString, weirdString).map(([k, v]) => pair(pct(k), pct(v))),
      fc.constantFrom('__proto__[polluted]=yes', 'constructor[prototype][polluted]=yes', 'a[b][c]=d', '&&&', '=', '==x', '%zz=%zz', 'x=%', ';a=b'),
      fc.integer({ min: 1000, max: 30_000 }).map((n) => pair('huge', 'q'.repeat(n))),
    ),
    { maxLength: 3 },
  );
  return fc.tuple(fc.tuple(...declaredPairs), extras).map(([d, e]) => [...d.flatMap((x) => x ?? []), ...e].join('&'));
}

/** The path of an operation with its parameters filled. */
function pathOf(op: OperationSpec): fc.Arbitrary<string> {
  const params = op.parameters.filter((p) => p.in === 'path');
  if (params.length === 0) return fc.constant(op.template);
  return fc.tuple(...params.map(pathSegment)).map((values) => params.reduce((path, p, i) => path.replace(`{${p.name}}`, values[i]!), op.template));
}

/** A path that is not the operation's any more: unknown, traversing, badly encoded, doubled slashes, very long. */
const brokenPath = (path: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      '/',
      '/nope',
      '/session',
      '/session/',
      '/loudvoice',
      '/loudvoice/',
      '/loudvoice/nope.json',
      '/tools/',
      '/__admin',
      '/__admin/nope',
      '/__idp/nope',
      '/session/../__admin/sessions',
      '/loudvoice/../session/login',
      '/loudvoice/%2e%2e/session/login',
      '/session/%2e%2e/loudvoice/authors.json',
      '/session/v9.9/login',
      '/SESSION/LOGIN',
      '/LoudVoice/authors.json',
    ),
    fc.constantFrom(`${path}/`, `/${path}`, `${path}%00`, `${path}%zz`, `${path}/../..`, `${path}.json`, `${path};x=1`, path.toUpperCase(), `${path}/%2e%2e/%2e%2e/__admin/sessions`),
    fc.integer({ min: 1000, max: 20_000 }).map((n) => `${path}/${'x'.repeat(n)}`),
  );

/** A credential header's value: right, of another client, garbage, empty, huge, a placeholder. */
function credentialValue(name: string): fc.Arbitrary<string> {
  const valid = name === 'lv-access' ? DEMO.token1 : name === 'lv-session' ? PLACEHOLDER.lvSession : LOUDVOICE_AUTH;
  const near =
    name === 'authorization'
      ? [
          'Basic',
          'Basic ',
          'Basic ===',
          'Basic !!!',
          `Basic ${Buffer.from('no-colon').toString('base64')}`,
          `Basic ${Buffer.from(':').toString('base64')}`,
          `basic ${LOUDVOICE_AUTH.slice(6)}`,
          `Bearer ${LOUDVOICE_AUTH.slice(6)}`,
          `${LOUDVOICE_AUTH}, ${LOUDVOICE_AUTH}`,
          `Basic ${Buffer.from(`${FIX.authorToken}:${FIX.authorToken}`).toString('base64')}`,
        ]
      : [DEMO.otherToken, DEMO.token2, '11111111-1111-4111-8111-11111111111', `${DEMO.token1}, ${DEMO.token1}`, DEMO.token1.toUpperCase(), ` ${DEMO.token1} `];
  return fc.oneof(
    { weight: 16, arbitrary: fc.constant(valid) },
    { weight: 3, arbitrary: fc.constantFrom(...near) },
    { weight: 2, arbitrary: headerText },
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.integer({ min: 4000, max: 8000 }).map((n) => 'h'.repeat(n)) },
  );
}

/** How a credential header is sent: once (in some letter case), left out, or repeated. */
function credentialHeader(name: string): fc.Arbitrary<[string, string][]> {
  const cased = fc.constantFrom(name, name.toUpperCase(), name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase()));
  return fc.oneof(
    { weight: 12, arbitrary: fc.tuple(cased, credentialValue(name)).map(([n, v]) => [[n, v]] as [string, string][]) },
    { weight: 2, arbitrary: fc.constant([] as [string, string][]) },
    { weight: 1, arbitrary: fc.tuple(credentialValue(name), credentialValue(name)).map(([a, b]) => [[name, a], [name, b]] as [string, string][]) },
  );
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'application/json;;',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'text/xml',
  '',
  ';',
  '*/*',
];

/** The Content-Type header: usually JSON, sometimes another type, garbage, missing or repeated. */
const contentTypeHeader: fc.Arbitrary<[string, string][]> = fc.oneof(
  { weight: 6, arbitrary: fc.constant([['content-type', 'application/json']] as [string, string][]) },
  { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES).map((v) => [['content-type', v]] as [string, string][]) },
  { weight: 1, arbitrary: headerText.map((v) => [['Content-Type', v]] as [string, string][]) },
  { weight: 1, arbitrary: fc.constant([] as [string, string][]) },
  { weight: 1, arbitrary: fc.constant([['content-type', 'application/json'], ['content-type', 'text/plain']] as [string, string][]) },
);

/** Headers nobody asked for, some of them meaningful to HTTP stacks. */
const extraHeaders: fc.Arbitrary<[string, string][]> = fc.array(
  fc.oneof(
    fc.tuple(fc.constantFrom('x-junk', 'accept', 'accept-encoding', 'content-encoding', 'x-forwarded-for', 'origin', 'cookie', 'x-http-method-override', 'expect'), headerText),
    fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), headerText),
    fc.integer({ min: 4000, max: 8000 }).map((n) => ['x-big', 'b'.repeat(n)] as [string, string]),
  ),
  { maxLength: 3 },
);

// ---------------------------------------------------------------- bodies

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every location inside a JSON value, as a list of keys. */
function locations(value: Json, at: (string | number)[] = []): (string | number)[][] {
  const here = [at];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => locations(v, [...at, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => locations(v, [...at, k]))];
  return here;
}

/** A copy of `value` with the node at `path` replaced. */
function replaceAt(value: Json, path: (string | number)[], replacement: Json): Json {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaceAt(v, rest, replacement) : v));
  if (value !== null && typeof value === 'object') {
    const copy: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) copy[k] = k === head ? replaceAt(v, rest, replacement) : v;
    return copy;
  }
  return value;
}

/** Serialises JSON with `__proto__`, `constructor.prototype` and `prototype` keys in every object. */
export function poisonedJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(poisonedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const poison = '"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"}';
    const own = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${poisonedJson(v)}`);
    return `{${[poison, ...own].join(',')}}`;
  }
  return JSON.stringify(value);
}

/** JSON nested `depth` levels deep, as text (objects, arrays or both). */
export function nestedJson(depth: number, kind: 'object' | 'array' | 'mixed' = 'mixed'): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    const object = kind === 'object' || (kind === 'mixed' && i % 2 === 0);
    open += object ? '{"a":' : '[';
    close = (object ? '}' : ']') + close;
  }
  return `${open}1${close}`;
}

/** A wrong-typed or hostile value to put in place of any node. */
const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e308, [], {}, [null], { request: null }),
  weirdString,
  fc.integer({ min: 50_000, max: 200_000 }).map((n) => '\u00e9'.repeat(n / 2)),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

/** A body for the operation: valid, mutated, poisoned, broken, deep, huge, non-UTF-8 or absent. */
function body(op: OperationSpec): fc.Arbitrary<FuzzRequest['body'] | undefined> {
  const examples = (op.bodyExamples.length > 0 ? op.bodyExamples : [{}]) as Json[];
  const example = fc.constantFrom(...examples);
  const mutated = example.chain((e) => {
    const places = locations(e);
    return fc.tuple(fc.constantFrom(...places), hostileValue).map(([place, v]) => replaceAt(e, place, v));
  });
  const text = (t: string) => ({ text: t });
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: example.map((e) => text(JSON.stringify(e))) },
    { weight: 6, arbitrary: mutated.map((e) => text(JSON.stringify(e))) },
    { weight: 2, arbitrary: fc.oneof(example, mutated).map((e) => text(poisonedJson(e))) },
    { weight: 1, arbitrary: (fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>).map((e) => text(JSON.stringify(e))) },
    {
      weight: 3,
      arbitrary: fc.oneof(
        example.chain((e) => {
          const t = JSON.stringify(e);
          return fc.integer({ min: 0, max: Math.max(0, t.length - 1) }).map((cut) => text(t.slice(0, cut)));
        }),
        example.map((e) => text(`${JSON.stringify(e)}}`)),
        example.map((e) => text(`\ufeff${JSON.stringify(e)}`)),
        fc.constantFrom('{', '}', '{"a":}', '{"a" 1}', "{'a':1}", 'nul', 'NaN', '[1,]', '{"a":1,}', '/* */{}', '\u0000', ' ', '"\\ud800"', '{"a":"\\ud800\\udc00\\udfff"}', '{"a":"\\u0000"}', 'null', '[]', '1', '"s"', 'true').map(text),
        fc.string({ maxLength: 50 }).map(text),
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.integer({ min: 60, max: 300 }), fc.constantFrom<'object' | 'array' | 'mixed'>('object', 'array', 'mixed'), fc.boolean())
        .map(([depth, kind, wrapped]) => text(wrapped ? `{"request":${nestedJson(depth, kind)}}` : nestedJson(depth, kind))),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(example, fc.integer({ min: 2, max: 20 })).map(([e, at]) => {
        // Invalid UTF-8 (a lone surrogate's CESU-8 bytes, 0xFF) inside the JSON text, where a string would be.
        const bytes = [...Buffer.from(JSON.stringify(e), 'utf8')];
        const cut = Math.min(at, bytes.length);
        return { bytes: [...bytes.slice(0, cut), 0xed, 0xa0, 0x80, 0xff, ...bytes.slice(cut)] };
      }),
    },
  );
}

/** A whole hostile request built from one operation of the contract. */
export function requestFor(op: OperationSpec): fc.Arbitrary<FuzzRequest> {
  const method = fc.oneof({ weight: 5, arbitrary: fc.constant(op.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) });
  const path = pathOf(op).chain((p) => fc.oneof({ weight: 6, arbitrary: fc.constant(p) }, { weight: 1, arbitrary: brokenPath(p) }));
  // Every operation may get any credential header, so a LiveVox header on LoudVoice (and the reverse) is tried too.
  const credentialNames = [...new Set([...op.credentialHeaders, 'lv-access', 'lv-session', 'authorization'])];
  const credentials = fc.tuple(
    ...credentialNames.map((name) =>
      op.credentialHeaders.includes(name) ? credentialHeader(name) : fc.oneof({ weight: 5, arbitrary: fc.constant([] as [string, string][]) }, { weight: 1, arbitrary: credentialHeader(name) }),
    ),
  );
  return fc
    .record({ method, path, query: queryText(op), credentials, contentType: contentTypeHeader, extra: extraHeaders, body: body(op), withQuery: fc.boolean() })
    .map(({ method, path, query, credentials, contentType, extra, body, withQuery }) => ({
      label: op.operationId,
      method,
      url: withQuery && query !== '' ? `${path}?${query}` : path,
      headers: [...credentials.flat(), ...(body !== undefined ? contentType : []), ...extra],
      ...(body !== undefined ? { body } : {}),
    }));
}
