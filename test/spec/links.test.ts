// OpenAPI links, read from both contracts: a stateful client or tester follows them from an answer to the requests
// its values open (a login's sessionId to LV-Session, validate and logout; a created author's author_token to its
// read, update, delete and session start...). Checked here, statically and fast:
// - each link names an existing operation by operationId, and every parameter it fills is one that operation really
//   takes (a declared path/query/header parameter, or the header of an apiKey security scheme it requires);
// - each runtime expression is `$response.body#<pointer>` and the pointer exists in the response schema of the
//   operation it is on (through $ref, allOf, oneOf, anyOf); the values it yields, taken from that response's own
//   examples (or a schema sample), fit the target parameter's schema or, put in the link's requestBody, the target's
//   request body schema;
// - coverage cannot regress: every token or reference a 2xx answer returns outside a list has a link, and a
//   resource's own token (or reference) links to every operation that takes a parameter of that name.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BODY_EXPRESSION,
  expand,
  expressionsIn,
  instantiate,
  loadLinkedContract,
  parameterKey,
  schemasAt,
  targetParameter,
  valuesIn,
  type Json,
  type LinkedContract,
  type LinkSite,
  type Operation,
} from '../helpers/openapi-links.js';

/**
 * The values one operation returns that another takes. comment_reference and parent_comment_reference are left out:
 * no operation takes them as a parameter, only the comment create/upsert bodies do, next to a text and an author
 * that an answer cannot supply.
 */
const ROUND_TRIP_FIELDS = ['sessionId', 'author_token', 'author_session_token', 'discussion_token', 'comment_token', 'parent_comment_token', 'author_reference', 'discussion_reference', 'identity_token'];
/** A returned value that travels under another name: LiveVox's sessionId is sent as the LV-Session header. */
const SENT_AS: Record<string, string[]> = { sessionId: ['sessionId', 'LV-Session'] };

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormatsPlugin.default(ajv);

/** Every place (outside arrays) in a response schema where a round-trip field sits, as a JSON pointer. */
function roundTripPointers(doc: Json, schema: Json, prefix = '', depth = 0, seen = new Set<Json>()): string[] {
  if (depth > 10) return [];
  const found: string[] = [];
  for (const s of expand(doc, schema)) {
    if (seen.has(s)) continue;
    const inner = new Set(seen).add(s);
    for (const [name, sub] of Object.entries((s.properties ?? {}) as Json)) {
      const pointer = `${prefix}/${name}`;
      if (ROUND_TRIP_FIELDS.includes(name)) found.push(pointer);
      found.push(...roundTripPointers(doc, sub, pointer, depth + 1, inner));
    }
  }
  return [...new Set(found)];
}

/** A value some schema at this place accepts, for a link whose source examples hold no value there. */
function sampleOf(schemas: Json[]): unknown {
  for (const s of schemas) if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  for (const s of schemas) if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  for (const s of schemas) if (s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string'))) return 'x';
  return undefined;
}

/** The JSON pointer of every field in a literal value. */
function fieldPointers(value: unknown, prefix = ''): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}/${k}`, ...fieldPointers(v, `${prefix}/${k}`)]);
}

/** Everything wrong with one link; empty when it resolves and its values fit. */
function linkProblems(c: LinkedContract, site: LinkSite): string[] {
  const problems: string[] = [];
  const { link, where } = site;
  if (link.operationRef !== undefined) problems.push(`${where}: uses operationRef; name the target by operationId`);
  const target = c.operations.get(link.operationId);
  if (!target) return [...problems, `${where}: operationId ${String(link.operationId)} names no operation`];
  if (typeof link.description !== 'string' || link.description.length < 10) problems.push(`${where}: no description`);
  if (!link['x-provenance']?.grade || !link['x-provenance']?.source) problems.push(`${where}: no x-provenance`);
  const parameters = (link.parameters ?? {}) as Json;
  if (Object.keys(parameters).length === 0 && link.requestBody === undefined) problems.push(`${where}: fills neither a parameter nor the request body`);
  const targetSchemas = new Map<string, Json>();
  for (const key of Object.keys(parameters)) {
    const param = targetParameter(target, key);
    if (!param) problems.push(`${where}: ${target.id} takes no parameter ${key}`);
    else targetSchemas.set(key, param.schema);
  }
  const bodySchema = target.op.requestBody?.content?.['application/json']?.schema as Json | undefined;
  if (link.requestBody !== undefined && !bodySchema) problems.push(`${where}: ${target.id} takes no JSON request body`);
  // Request schemas let unknown fields through (they are ignored), so a misspelt field would still validate: every
  // field the link writes must be one the target's body schema names.
  if (link.requestBody !== undefined && bodySchema) {
    for (const pointer of fieldPointers(link.requestBody)) {
      if (schemasAt(c.doc, bodySchema, pointer).length === 0) problems.push(`${where}: requestBody field ${pointer} is not in ${target.id}'s request body schema`);
    }
  }

  // Each expression must point into this response's schema.
  const media = site.response.content?.['application/json'];
  const responseSchema = media?.schema as Json | undefined;
  const expressions = expressionsIn([parameters, link.requestBody]);
  if (expressions.length === 0) problems.push(`${where}: carries no runtime expression, so it passes nothing on`);
  const reached = new Map<string, Json[]>();
  for (const expr of expressions) {
    const m = BODY_EXPRESSION.exec(expr);
    if (!m) {
      problems.push(`${where}: ${expr} is not a $response.body#/pointer expression`);
      continue;
    }
    const schemas = responseSchema ? schemasAt(c.doc, responseSchema, m[1] ?? '') : [];
    if (schemas.length === 0) problems.push(`${where}: ${expr} names nothing in the ${site.status} response schema of ${site.source.id}`);
    else reached.set(expr, schemas);
  }
  if (problems.length > 0) return problems;

  // The values the expressions yield must fit the target: from each example of this response, or a schema sample.
  const examples = [
    ...(media?.example !== undefined ? [media.example] : []),
    ...Object.values((media?.examples ?? {}) as Json).map((e) => (e as Json).value),
  ];
  const instantiations: Map<string, unknown>[] = examples
    .map((example) => valuesIn(link, example))
    .filter((values) => [...values.values()].every((v) => v !== undefined && v !== null));
  if (instantiations.length === 0) instantiations.push(new Map(expressions.map((expr) => [expr, sampleOf(reached.get(expr)!)])));
  for (const values of instantiations) {
    for (const [key, value] of Object.entries(parameters)) {
      const actual = instantiate(value, values);
      const validate = ajv.compile(targetSchemas.get(key)!);
      if (!validate(actual)) problems.push(`${where}: ${key} = ${JSON.stringify(actual)} does not fit ${target.id}'s parameter: ${ajv.errorsText(validate.errors)}`);
    }
    if (link.requestBody !== undefined && bodySchema) {
      const body = instantiate(link.requestBody, values);
      const validate = ajv.compile(bodySchema);
      if (!validate(body)) problems.push(`${where}: requestBody ${JSON.stringify(body)} does not fit ${target.id}'s request body: ${ajv.errorsText(validate.errors)}`);
    }
  }
  return problems;
}

/** The 2xx answers a link may start from: every operation but deletes (what a delete answers is gone). */
function sourceResponses(c: LinkedContract): { source: Operation; status: string; response: Json }[] {
  return [...c.operations.values()]
    .filter((o) => o.method !== 'DELETE')
    .flatMap((source) => Object.entries((source.op.responses ?? {}) as Json).map(([status, response]) => ({ source, status, response: response as Json })))
    .filter(({ status, response }) => status.startsWith('2') && response.content?.['application/json']?.schema);
}

/** Where in the answer a link reads: the pointers of its `$response.body#` expressions. */
const pointersRead = (link: Json) => expressionsIn([link.parameters ?? {}, link.requestBody]).flatMap((e) => BODY_EXPRESSION.exec(e)?.[1] ?? []);

/**
 * A resource's own token or reference in an answer about it: LiveVox's `/sessionId`, or LoudVoice's
 * `result.data.<node>.<node>_token` (or `_reference`). Tokens of the nodes it embeds (a comment's author) are not.
 */
function ownField(pointer: string): string | null {
  if (pointer === '/sessionId') return 'sessionId';
  const m = /^\/response\/result\/data\/([a-z_]+)\/(\1_(?:token|reference))$/.exec(pointer);
  return m ? m[2]! : null;
}

const CONTRACTS = ['openapi/livevox-session.yaml', 'openapi/loudvoice.yaml'];

describe.each(CONTRACTS)('links of %s', (file) => {
  let c: LinkedContract;
  beforeAll(async () => {
    c = await loadLinkedContract(file);
  });

  it('every link names an existing operation and parameters it really takes, and its values fit them', () => {
    expect(c.sites.length).toBeGreaterThan(20);
    expect(c.sites.flatMap((site) => linkProblems(c, site))).toEqual([]);
  });

  it('every token or reference a 2xx answer returns outside a list is passed on by a link', () => {
    const missing: string[] = [];
    const seenFields = new Set<string>();
    for (const { source, status, response } of sourceResponses(c)) {
      const read = new Set(Object.values((response.links ?? {}) as Json).flatMap((l) => pointersRead(l as Json)));
      for (const pointer of roundTripPointers(c.doc, response.content['application/json'].schema)) {
        seenFields.add(pointer.split('/').pop()!);
        if (!read.has(pointer)) missing.push(`${source.id} ${status}: nothing follows ${pointer}`);
      }
    }
    expect(missing).toEqual([]);
    // The walk must find what the contract returns; a renamed field would otherwise make this check vacuous.
    expect(seenFields.size).toBeGreaterThan(0);
    if (file.includes('livevox')) expect([...seenFields]).toEqual(['sessionId']);
    else expect([...seenFields].sort()).toEqual(ROUND_TRIP_FIELDS.filter((f) => f !== 'sessionId').sort());
  });

  it("a resource's own token or reference links to every operation that takes it", () => {
    const missing: string[] = [];
    let checked = 0;
    for (const { source, status, response } of sourceResponses(c)) {
      const links = Object.values((response.links ?? {}) as Json) as Json[];
      for (const pointer of roundTripPointers(c.doc, response.content['application/json'].schema)) {
        const field = ownField(pointer);
        if (!field) continue;
        const names = (SENT_AS[field] ?? [field]).map((n) => n.toLowerCase());
        const takers = [...c.operations.values()].filter(
          (o) => o.parameters.some((p) => ['path', 'query', 'header'].includes(p.in) && names.includes(p.name.toLowerCase())) || o.securityHeaders.some((h) => names.includes(h)),
        );
        for (const taker of takers) {
          checked++;
          const followed = links.some(
            (l) =>
              l.operationId === taker.id &&
              Object.entries((l.parameters ?? {}) as Json).some(([key, value]) => names.includes(parameterKey(key).name.toLowerCase()) && value === `$response.body#${pointer}`),
          );
          if (!followed) missing.push(`${source.id} ${status}: ${pointer} has no link to ${taker.id}`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });
});

describe('the flows the issue names', () => {
  it("LiveVox: each login's sessionId goes to LV-Session of every protected operation and to validate and logout", async () => {
    const c = await loadLinkedContract('openapi/livevox-session.yaml');
    const protectedOps = [...c.operations.values()].filter((o) => o.securityHeaders.includes('lv-session')).map((o) => o.id).sort();
    expect(protectedOps).toEqual(['getSessionDetails', 'getSessionDetailsVersioned', 'listCallCenters', 'listCallCentersVersioned']);
    for (const login of ['login', 'loginVersioned', 'ssoLogin', 'ssoLoginVersioned']) {
      const links = Object.values(c.operations.get(login)!.op.responses['200'].links as Json) as Json[];
      const to = (id: string, key: string) => links.some((l) => l.operationId === id && l.parameters?.[key] === '$response.body#/sessionId');
      for (const id of protectedOps) expect(to(id, 'header.LV-Session'), `${login} -> ${id}`).toBe(true);
      for (const id of ['validateSession', 'validateSessionVersioned', 'logout', 'logoutVersioned']) expect(to(id, 'sessionId'), `${login} -> ${id}`).toBe(true);
    }
  });

  it('LoudVoice: a created author leads to its session, and the session to its end', async () => {
    const c = await loadLinkedContract('openapi/loudvoice.yaml');
    const created = Object.values(c.operations.get('createAuthor')!.op.responses['201'].links as Json) as Json[];
    const start = created.find((l) => l.operationId === 'startAuthorSession' && l.requestBody?.request?.author_session?.author?.author_token);
    expect(start?.requestBody.request.author_session.author.author_token).toBe('$response.body#/response/result/data/author/author_token');
    for (const status of ['200', '201']) {
      const links = Object.values(c.operations.get('startAuthorSession')!.op.responses[status].links as Json) as Json[];
      expect(links.find((l) => l.operationId === 'deleteAuthorSession')?.parameters).toEqual({
        author_session_token: '$response.body#/response/result/data/author_session/author_session_token',
        confirm_deletion: 'true',
      });
    }
  });
});
