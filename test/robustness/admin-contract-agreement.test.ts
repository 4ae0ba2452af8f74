// The admin API and its contract (openapi/admin.yaml) agree (issue 22, item 2), in the manner of
// contract-agreement.test.ts for the two APIs. Rules checked, all session-kit's own design (graded assumed in the
// contract):
// - the contract names exactly the server's /__admin/ and /__idp/ routes (read from the route registrations), and the
//   chaos rule's operationId enum is exactly the API contracts' operations;
// - every operation's answer has a status the operation declares and a body its schema admits (a valid request each);
// - the guards answer as the contract declares them, per operation: a foreign Host 403 ADMIN_HOST_NOT_ALLOWED, a state
//   change without a JSON Content-Type 415 ADMIN_CONTENT_TYPE_REQUIRED, another Origin 403 ADMIN_CROSS_ORIGIN, and,
//   with an admin token, 401 ADMIN_UNAUTHORIZED exactly on the operations whose security needs the token;
// - on every operation with a body or query: what the schema accepts the server accepts (2xx, or a refusal listed in
//   REFUSALS with its condition), what a single mutation makes the schema refuse the server refuses with 400 (409 for
//   a clock move back) and an input-error code. Inputs from test/robustness/schema-arbitrary.ts; fixed seed.
import SwaggerParser from '@apidevtools/swagger-parser';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/contract/operation-of-route.js';
import { contractAjv } from '../helpers/contract-schemas.js';
import { DEMO, testApp } from '../helpers/test-app.js';
import { applyMutation, mutationsOf, SchemaArbitraries, type Json, type Mutation, type Schema } from './schema-arbitrary.js';

const ROOT = resolve(import.meta.dirname, '../..');
const RUNS = Number(process.env.SESSION_KIT_ROBUSTNESS_RUNS ?? 30);
const SEED = Number(process.env.SESSION_KIT_ROBUSTNESS_SEED ?? 20261207);

type Param = { name: string; in: string; required?: boolean; schema: Schema };
type Op = { method: string; template: string; operationId: string; parameters: Param[]; body?: Schema; bodyRequired: boolean; responses: Record<string, { content?: Record<string, { schema?: Schema }> }>; needsToken: boolean };

const doc = (await SwaggerParser.dereference(join(ROOT, 'openapi/admin.yaml'))) as unknown as { paths: Record<string, Record<string, any>>; security: Record<string, string[]>[] };
const OPS: Op[] = Object.entries(doc.paths).flatMap(([template, item]) =>
  Object.entries(item).map(([method, op]) => ({
    method: method.toUpperCase(),
    template,
    operationId: op.operationId,
    parameters: op.parameters ?? [],
    ...(op.requestBody ? { body: op.requestBody.content['application/json'].schema } : {}),
    bodyRequired: op.requestBody?.required === true,
    responses: op.responses,
    // Security alternatives: the token is needed unless one alternative is empty (`{}`) on an app that has a token...
    // every alternative list here has `{}` for "no token set"; the operations that never need it list only `{}`.
    needsToken: (op.security ?? doc.security).some((alt: Record<string, string[]>) => Object.keys(alt).length > 0),
  })),
);

/** The codes a refused input is answered with. */
const INPUT_ERRORS = new Set(['BODY_INVALID', 'CLOCK_INVALID', 'CLOCK_BACKWARDS', 'JOURNAL_FILTER_INVALID', 'CHAOS_RULE_INVALID']);

type Input = { query: Record<string, Json>; body?: Json };
const body = (i: Input) => (i.body ?? {}) as Record<string, any>;
const LIVEVOX_OPS = new Set(OPERATIONS.filter((o) => o.api === 'livevox').map((o) => o.operationId));

/** Refusals an input the schema accepts may still get, each with the condition no schema keyword can say. */
const REFUSALS: Record<string, { code: string; when: (i: Input) => boolean; why: string }[]> = {
  changeClock: [
    { code: 'CLOCK_BACKWARDS', when: (i) => typeof body(i).now === 'string', why: 'an instant earlier than the clock' },
    { code: 'CLOCK_INVALID', when: (i) => typeof body(i).advanceMs === 'number' || typeof body(i).now === 'string', why: 'a time past what the clock can hold' },
  ],
  addChaosRule: [
    { code: 'CHAOS_RULE_INVALID', when: (i) => body(i).action?.type === 'delay' && body(i).action.ms + (body(i).action.jitterMs ?? 0) > 600_000, why: 'ms + jitterMs over 600000' },
    {
      code: 'CHAOS_RULE_INVALID',
      when: (i) => body(i).api !== undefined && body(i).operationId !== undefined && LIVEVOX_OPS.has(body(i).operationId) !== (body(i).api === 'livevox'),
      why: 'an operationId of the other API',
    },
  ],
  mintIdToken: [{ code: 'BODY_INVALID', when: (i) => body(i).clientName !== undefined && body(i).clientName !== 'DEMO', why: 'a clientName with no SSO in the fixtures' }],
};

const HINTS = {
  advanceMs: [1000, 7_200_000],
  now: ['2999-01-01T00:00:00Z', '2027-06-01T12:00:00.000+02:00'],
  mode: ['fixed', 'system'],
  operationId: ['login', 'getSessionDetails', 'listAuthors'],
  path: ['/session/**', '/loudvoice/*.json'],
  clientName: ['DEMO'],
  userName: [DEMO.user.userName],
  since: ['2026-01-05T09:00:00Z', '0'],
} as const;

describe('the admin API and openapi/admin.yaml agree', () => {
  let app: FastifyInstance;
  const ajv = contractAjv();

  beforeAll(async () => {
    // The built console (npm run build), so its files answer 200 as an installed server's do.
    app = (await testApp({ admin: { enabled: true, consoleDir: join(ROOT, 'dist', 'ui') } })).app;
  });
  afterAll(() => app?.close());

  /** State the operations need: an exchange in the journal, a chaos rule to remove; the clock back to T0. */
  async function ready(): Promise<{ entryId: string; ruleId: string }> {
    await app.inject({ method: 'DELETE', url: '/__admin/chaos', headers: { 'x-session-kit': '1' } });
    await app.inject({ method: 'POST', url: '/__admin/reset', payload: {} });
    await app.inject({ method: 'POST', url: '/session/login', headers: { 'lv-access': DEMO.token1 }, payload: DEMO.user });
    const entryId = (await app.inject({ method: 'GET', url: '/__admin/requests?limit=1' })).json().requests[0].id as string;
    const ruleId = (await app.inject({ method: 'POST', url: '/__admin/chaos', payload: { api: 'loudvoice', action: { type: 'drop' }, times: 1 } })).json().id as string;
    return { entryId, ruleId };
  }

  /** Problems of an answer against the operation's declared responses. */
  function answerProblems(op: Op, status: number, contentType: string | undefined, text: string): string[] {
    const declared = op.responses[String(status)];
    if (!declared) return [`${op.operationId}: status ${status} is not declared (${Object.keys(op.responses).join(', ')}): ${text.slice(0, 200)}`];
    if (!declared.content) return text === '' ? [] : [`${op.operationId}: a ${status} declares no body, got ${text.slice(0, 120)}`];
    const media = Object.keys(declared.content).find((m) => (contentType ?? '').startsWith(m));
    if (!media) return [`${op.operationId}: ${status} as ${contentType}, declared ${Object.keys(declared.content).join(', ')}`];
    const schema = declared.content[media]!.schema;
    if (!schema || !media.includes('json')) return [];
    const validate = ajv.compile(schema);
    return validate(JSON.parse(text)) ? [] : [`${op.operationId}: the ${status} body breaks its schema: ${ajv.errorsText(validate.errors)}`];
  }

  const urlOf = (op: Op, ids: { entryId: string; ruleId: string }, query: Record<string, Json> = {}) => {
    const path = op.template.replace('{id}', op.template.startsWith('/__admin/requests') ? ids.entryId : ids.ruleId);
    const q = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
    return q === '' ? path : `${path}?${q}`;
  };
  const STATE_CHANGING = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);
  const validBody = (op: Op): Json | undefined =>
    ({ changeClock: { advanceMs: 1000 }, reset: {}, addChaosRule: { operationId: 'login', action: { type: 'error', status: 503 }, times: 1 }, mintIdToken: { clientName: 'DEMO', userName: 'demo.user' } })[op.operationId] as Json | undefined;

  it('names exactly the server’s admin and idp routes, and the chaos operationIds exactly the API contracts’ operations', () => {
    const registered = new Set<string>();
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith('.ts')) {
          for (const m of readFileSync(join(dir, e.name), 'utf8').matchAll(/app\.(get|post|put|delete|patch)\(\s*'(\/__(?:admin|idp)[^']*)'/g)) registered.add(`${m[1]!.toUpperCase()} ${m[2]!.replace(/:(\w+)/g, '{$1}')}`);
        }
      }
    };
    walk(join(ROOT, 'src'));
    expect(new Set(OPS.map((op) => `${op.method} ${op.template}`))).toEqual(registered);
    const chaosOperationIds = (doc.paths['/__admin/chaos']!.post.requestBody.content['application/json'].schema.properties.operationId.enum as string[]).sort();
    expect(chaosOperationIds).toEqual(OPERATIONS.map((o) => o.operationId).sort());
  });

  for (const op of OPS) {
    it(`${op.method} ${op.template} (${op.operationId}): a valid call, and the guards, answer as declared`, async () => {
      const ids = await ready();
      const payload = validBody(op);
      const send = (headers: Record<string, string>, withBody = true) =>
        app.inject({ method: op.method as 'GET', url: urlOf(op, ids), headers, ...(withBody && payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });
      const json: Record<string, string> = payload !== undefined ? { 'content-type': 'application/json' } : STATE_CHANGING.has(op.method) ? { 'x-session-kit': '1' } : {};

      const ok = await send(json);
      expect(ok.statusCode, ok.body).toBeLessThan(300);
      expect(answerProblems(op, ok.statusCode, ok.headers['content-type'] as string | undefined, ok.body)).toEqual([]);

      const host = await send({ ...json, host: 'rebind.evil.example:4010' });
      if (op.operationId === 'getHealth') expect(host.statusCode).toBe(200);
      else {
        expect([host.statusCode, host.json().code]).toEqual([403, 'ADMIN_HOST_NOT_ALLOWED']);
        expect(answerProblems(op, host.statusCode, host.headers['content-type'] as string, host.body)).toEqual([]);
      }
      if (STATE_CHANGING.has(op.method)) {
        const bare = await send({}, false);
        expect([bare.statusCode, bare.json().code]).toEqual([415, 'ADMIN_CONTENT_TYPE_REQUIRED']);
        expect(answerProblems(op, bare.statusCode, bare.headers['content-type'] as string, bare.body)).toEqual([]);
        const foreign = await send({ ...json, origin: 'http://evil.example' });
        expect([foreign.statusCode, foreign.json().code]).toEqual([403, 'ADMIN_CROSS_ORIGIN']);
      }
    });
  }

  it('with an admin token, exactly the operations whose security needs it answer 401 without it', async () => {
    const { app: guarded } = await testApp({ admin: { enabled: true, token: 'admin-token-1' } });
    try {
      for (const op of OPS) {
        const r = await guarded.inject({ method: op.method as 'GET', url: op.template.replace('{id}', '1'), headers: STATE_CHANGING.has(op.method) ? { 'x-session-kit': '1' } : {} });
        if (op.needsToken) {
          expect([op.operationId, r.statusCode, r.json().code]).toEqual([op.operationId, 401, 'ADMIN_UNAUTHORIZED']);
          expect(answerProblems(op, 401, r.headers['content-type'] as string, r.body)).toEqual([]);
        } else expect([op.operationId, r.statusCode]).not.toEqual([op.operationId, 401]);
      }
    } finally {
      await guarded.close();
    }
  });

  for (const op of OPS.filter((o) => o.body || o.parameters.some((p) => p.in === 'query'))) {
    it(`${op.method} ${op.template} (${op.operationId}): what the schema accepts the server accepts, what it refuses is refused`, async () => {
      const query = op.parameters.filter((p) => p.in === 'query');
      const schema: Schema = {
        type: 'object',
        properties: { query: { type: 'object', properties: Object.fromEntries(query.map((p) => [p.name, p.schema])) }, ...(op.body ? { body: op.body } : {}) },
        required: ['query', ...(op.bodyRequired ? ['body'] : [])],
      };
      const validate = ajv.compile(schema);
      /** As the server reads it: query values are text, read back as integers where the schema says integer. */
      const received = (i: Input): Input => ({
        ...i,
        query: Object.fromEntries(Object.entries(i.query).map(([k, v]) => [k, /^-?(0|[1-9]\d*)$/.test(String(v)) && JSON.stringify(query.find((p) => p.name === k)?.schema).includes('"integer"') ? Number(v) : String(v)])),
      });
      const inputs = (mode: 'mixed' | 'full') => {
        const arbs = new SchemaArbitraries(HINTS, mode, true);
        return fc.record({ query: arbs.of(schema.properties.query), ...(op.body ? { body: arbs.of(op.body) } : {}) }) as fc.Arbitrary<Input>;
      };
      let accepted = 0;
      let refused = 0;
      const judge = async (input: Input, mutation?: Mutation) => {
        const ids = await ready();
        const valid = validate(received(input));
        const r = await app.inject({
          method: op.method as 'GET',
          url: urlOf(op, ids, input.query),
          ...(input.body !== undefined || op.method === 'GET' ? { headers: { 'content-type': 'application/json' } } : {}),
          ...(input.body !== undefined ? { payload: JSON.stringify(input.body) } : op.method !== 'GET' ? { headers: { 'x-session-kit': '1' } } : {}),
        });
        const where = `${valid ? 'accepted' : 'refused'} by the schema${mutation ? ` after ${mutation.kind} at ${mutation.path.join('.')}` : ''}: ${op.method} ${urlOf(op, ids, input.query)} ${JSON.stringify(input.body) ?? ''}\n  -> ${r.statusCode} ${r.body.slice(0, 300)}`;
        expect(answerProblems(op, r.statusCode, r.headers['content-type'] as string | undefined, r.body), where).toEqual([]);
        if (valid) {
          accepted++;
          if (r.statusCode >= 300) {
            const code = r.json().code as string;
            expect((REFUSALS[op.operationId] ?? []).some((x) => x.code === code && x.when(input)), `a refusal the contract does not document (${code}): ${where}`).toBe(true);
          }
          return;
        }
        refused++;
        expect([400, 409], where).toContain(r.statusCode);
        expect(INPUT_ERRORS.has(r.json().code), where).toBe(true);
      };
      const full = fc.sample(inputs('full').filter((i) => validate(received(i))), { numRuns: 4, seed: SEED });
      for (const base of full) for (const m of mutationsOf(schema, base as unknown as Json, { hints: HINTS }).filter((m) => m.path[0] === 'body' || m.path.length === 2)) await judge(applyMutation(base as unknown as Json, m) as unknown as Input, m);
      await fc.assert(fc.asyncProperty(inputs('mixed'), (i) => judge(i)), { numRuns: RUNS, seed: SEED });
      expect(accepted, 'some inputs the schema accepts').toBeGreaterThan(0);
      // reset ignores its body (schema {}): there is nothing it can refuse.
      if (op.operationId !== 'reset') expect(refused, 'some inputs the schema refuses').toBeGreaterThan(0);
    });
  }
});
