// Fuzz suite (issue 7, part 1): hostile requests against every operation of both contracts, in process.
//
// Rules checked, and where they come from:
// - never a 5xx, and every answer parses (issue 7; a 5xx is a bug by house style: "a thrown exception is a bug");
// - every error is in the native shape of its path, with a code and text from that API's catalogue: LiveVox
//   {code, message}, LoudVoice's envelope with status {flag, code, info} and no result, admin {code, message}
//   (contracts' x-error-catalogue; docs/contract-conventions.md);
// - a refused request (any 4xx) changes no state: the admin view and the LoudVoice lists are the same before and after
//   (issue 7; LVX-LOGIN-BAD-CREDENTIALS "no session is created or refreshed", LDV-DELETE-CONFIRM "nothing is deleted");
// - no body, query or header reaches Object.prototype (issue 7);
// - the server answers a valid request after every hostile one, and after raw-socket abuse inject cannot produce
//   (issue 7: "never a dropped connection", "the server keeps answering afterwards").
//
// The operations come from the contracts (test/robustness/operations.ts): a new operation is fuzzed without an edit.
// Fixed seed; FUZZ_RUNS=N for a longer run, FUZZ_SEED and FUZZ_PATH (printed on failure) to replay a counterexample.
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, LOUDVOICE_AUTH, testApp } from '../helpers/test-app.js';
import { sessionBody } from '../loudvoice/harness.js';
import { PLACEHOLDER, pct, requestFor, type FuzzRequest } from './generators.js';
import { loadOperations, type OperationSpec } from './operations.js';
import { answerProblems, shapeOfPath, stateSnapshot, prototypeKeys } from './oracle.js';
import { exchange, listen, rawRequest } from './raw-http.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20260107);
const REPLAY_PATH = process.env.FUZZ_PATH;
/** FUZZ_STATS=1 prints how the answers were spread over statuses (to see the generators reach past the first check). */
const STATS = process.env.FUZZ_STATS ? new Map<string, number>() : undefined;

/** Runs a property with the suite's seed; on failure, the message starts with the command that replays it. */
async function check<Ts extends unknown[]>(name: string, property: fc.IAsyncPropertyWithHooks<Ts>, runs = RUNS): Promise<void> {
  try {
    await fc.assert(property, { numRuns: runs, seed: SEED, ...(REPLAY_PATH ? { path: REPLAY_PATH, endOnFailure: true } : {}) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const path = /path: "([^"]+)"/.exec(message)?.[1];
    const replay = `FUZZ_SEED=${SEED}${path ? ` FUZZ_PATH=${path}` : ''} FUZZ_RUNS=${RUNS} npx vitest run --project unit test/robustness/fuzz.test.ts -t "${name}"`;
    throw new Error(`replay with: ${replay}\n\n${message}`);
  }
}

/** Admin controls (not in either contract) with their bodies, fuzzed like an operation: their errors have their own shape. */
const ADMIN_OPERATIONS: OperationSpec[] = [
  { method: 'GET', template: '/__admin/sessions', bodyExamples: [] },
  { method: 'GET', template: '/__admin/clock', bodyExamples: [] },
  { method: 'POST', template: '/__admin/clock', bodyExamples: [{ advanceMs: 0 }, { now: '2026-01-05T09:00:00.000Z' }] },
  { method: 'POST', template: '/__idp/token', bodyExamples: [{ clientName: 'DEMO', userName: 'demo.user' }] },
  { method: 'GET', template: '/__idp/jwks.json', bodyExamples: [] },
].map((o) => ({ ...o, api: 'livevox', operationId: `admin ${o.method} ${o.template}`, parameters: [], hasBody: o.method === 'POST', bodyRequired: false, statuses: [], responses: {}, credentialHeaders: [] }));

/** The path the server sees for an injected url (light-my-request resolves it like a browser: `/../` collapses). */
const seenPath = (url: string) => new URL(url.startsWith('//') ? `http://localhost${url}` : url, 'http://localhost').pathname;

describe('fuzz: every operation of both contracts', () => {
  let app: FastifyInstance;
  let operations: OperationSpec[];
  const prototypeBefore = prototypeKeys();

  beforeAll(async () => {
    ({ app } = await testApp());
    operations = await loadOperations();
  });
  afterAll(async () => {
    if (STATS) console.log([...STATS].sort().map(([k, v]) => `${k}: ${v}`).join('\n'));
    await app?.close();
  });

  /** Back to the fixtures plus one LiveVox session and one LoudVoice author session, whose ids fill the placeholders. */
  async function freshState(): Promise<Record<string, string>> {
    expect((await app.inject({ method: 'POST', url: '/__admin/reset', payload: {} })).statusCode).toBe(204);
    const login = await app.inject({ method: 'POST', url: '/session/login', headers: { 'lv-access': DEMO.token1 }, payload: DEMO.user });
    const put = await app.inject({
      method: 'PUT',
      url: '/loudvoice/authors/sessions.json',
      headers: { authorization: LOUDVOICE_AUTH },
      payload: sessionBody({ author_reference: 'FUZZ-AUTHOR', name: 'Fuzz Author' }),
    });
    expect(login.statusCode).toBe(200);
    expect(put.statusCode).toBe(201);
    return {
      [PLACEHOLDER.lvSession]: login.json().sessionId as string,
      [PLACEHOLDER.authorSession]: put.json().response.result.data.author_session.author_session_token as string,
    };
  }

  /** Sends a fuzzed request with its placeholders filled (percent-encoded in the url, as they are in headers/bodies). */
  async function send(request: FuzzRequest, ids: Record<string, string>) {
    const fill = (s: string, encode: (v: string) => string = (v) => v) => Object.entries(ids).reduce((t, [k, v]) => t.split(encode(k)).join(v), s);
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of request.headers) {
      const filled = fill(value);
      const known = headers[name];
      headers[name] = known === undefined ? filled : [...(Array.isArray(known) ? known : [known]), filled];
    }
    const payload = request.body === undefined ? undefined : 'text' in request.body ? fill(request.body.text) : Buffer.from(request.body.bytes);
    const url = fill(request.url, pct);
    const res = await app.inject({ method: request.method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
    return { url, res };
  }

  /** After any request: a LoudVoice call, a LiveVox call and an admin call still answer as they should. */
  async function stillServing() {
    const ping = await app.inject({ method: 'GET', url: '/tools/ping.json', headers: { authorization: LOUDVOICE_AUTH } });
    const validate = await app.inject({ method: 'GET', url: '/session/validate/00000000-0000-4000-8000-0000000fffff' });
    const clock = await app.inject({ method: 'GET', url: '/__admin/clock' });
    return [ping.statusCode, validate.statusCode, clock.statusCode];
  }

  it('reads every operation of both contracts', () => {
    const byApi = (api: string) => operations.filter((o) => o.api === api).length;
    expect(byApi('livevox')).toBeGreaterThanOrEqual(13);
    expect(byApi('loudvoice')).toBeGreaterThanOrEqual(28);
  });

  it('reaches a route for every operation (the generators fuzz real handlers, not only the 404 handler)', async () => {
    for (const op of operations) {
      const ids = await freshState();
      const path = op.template.replace(/\{version\}/, 'v6.0').replace(/\{[a-z_A-Z]+\}/g, '00000000-0000-4000-8000-000000000abc');
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (op.credentialHeaders.includes('authorization')) headers['authorization'] = LOUDVOICE_AUTH;
      if (op.credentialHeaders.includes('lv-access')) headers['lv-access'] = DEMO.token1;
      if (op.credentialHeaders.includes('lv-session')) headers['lv-session'] = ids[PLACEHOLDER.lvSession]!;
      const res = await app.inject({ method: op.method as 'GET', url: path, headers, ...(op.hasBody ? { payload: JSON.stringify(op.bodyExamples[0] ?? {}) } : {}) });
      const json = res.body === '' ? {} : res.json();
      const generic = [10013, 10014].includes(json.code) || /^(The resource|The method)/.test(json.response?.request?.status?.info ?? '');
      expect(generic, `${op.method} ${op.template} answered ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(false);
    }
  });

  it('answers every hostile request with a 2xx-4xx in the native shape, changes nothing when it refuses, keeps serving', async () => {
    const all = [...operations, ...ADMIN_OPERATIONS];
    const arbitrary = fc.oneof(...all.map(requestFor));
    await check(
      'answers every hostile request',
      fc.asyncProperty(arbitrary, async (request) => {
        const ids = await freshState();
        const before = await stateSnapshot(app);
        const { url, res } = await send(request, ids);
        const shape = shapeOfPath(seenPath(url));
        if (STATS) STATS.set(`${res.statusCode}`, (STATS.get(`${res.statusCode}`) ?? 0) + 1);
        const where = `${request.label}: ${request.method} ${url.slice(0, 300)} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
        expect(answerProblems(shape, request.method, { status: res.statusCode, body: res.body, headers: res.headers }), where).toEqual([]);
        if (res.statusCode >= 400) expect(await stateSnapshot(app), `state changed by a refused request: ${where}`).toBe(before);
        expect(({} as Record<string, unknown>).polluted, where).toBeUndefined();
        expect(prototypeKeys(), where).toBe(prototypeBefore);
        expect(await stillServing(), where).toEqual([200, 404, 200]);
      }),
    );
    // About 8 s alone; a shared 2-core machine running the rest of npm test beside it has taken it past 30 s.
  }, 120_000);
});

describe('fuzz: on a real socket', () => {
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    ({ app } = await testApp());
    port = await listen(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  /** A valid request of each API on a new connection answers normally. */
  async function servesBoth() {
    const ping = await exchange(port, [rawRequest('GET', '/tools/ping.json', { Authorization: LOUDVOICE_AUTH })]);
    const login = await exchange(port, [rawRequest('POST', '/session/login', { 'LV-Access': DEMO.token1, 'Content-Type': 'application/json' }, JSON.stringify(DEMO.user))]);
    return [ping.status, login.status];
  }

  const overLimit = Buffer.alloc(1024 * 1024 + 10, 'a');

  it('refuses a body over 1 MiB with 413 in the LiveVox shape and keeps serving', async () => {
    const answer = await exchange(port, [rawRequest('POST', '/session/login', { 'LV-Access': DEMO.token1, 'Content-Type': 'application/json' }, overLimit)]);
    expect(answer.status).toBe(413);
    expect(answerProblems('livevox', 'POST', { status: 413, body: answer.body, headers: answer.headers })).toEqual([]);
    expect(JSON.parse(answer.body).code).toBe(10015);
    expect(await servesBoth()).toEqual([200, 200]);
  });

  it('refuses a body over 1 MiB with 413 in the LoudVoice envelope, also when it is chunked, and keeps serving', async () => {
    const put = rawRequest('PUT', '/loudvoice/authors/sessions.json', { Authorization: LOUDVOICE_AUTH, 'Content-Type': 'application/json' }, overLimit);
    const sized = await exchange(port, [put]);
    expect(sized.status).toBe(413);
    expect(answerProblems('loudvoice', 'PUT', { status: 413, body: sized.body, headers: sized.headers })).toEqual([]);
    // Without Content-Length the limit is found while reading: 64 KiB chunks until it is passed.
    const head = `PUT /loudvoice/comments.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: ${LOUDVOICE_AUTH}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const chunk = `10000\r\n${'b'.repeat(0x10000)}\r\n`;
    const chunked = await exchange(port, [head, ...Array.from({ length: 20 }, () => chunk), '0\r\n\r\n']);
    expect(chunked.status).toBe(413);
    expect(answerProblems('loudvoice', 'PUT', { status: 413, body: chunked.body, headers: chunked.headers })).toEqual([]);
    expect(await servesBoth()).toEqual([200, 200]);
  });

  it('answers a header section over Node’s limit (16 KiB) with 431 or a clean close, and keeps serving', async () => {
    for (const path of ['/session/details', '/loudvoice/authors.json']) {
      const answer = await exchange(port, [rawRequest('GET', path, { 'X-Big': 'h'.repeat(20_000) })]);
      expect(answer.ended).not.toBe('timeout');
      if (answer.status !== null) expect(answer.status).toBe(431);
    }
    expect(await servesBoth()).toEqual([200, 200]);
  });

  it('survives requests cut off half-way (headers, body) and slow writers', async () => {
    const partialHeaders = exchange(port, ['POST /session/login HTTP/1.1\r\nHost: 127.0.0.1\r\nLV-Acc'], { timeoutMs: 300 });
    const partialBody = exchange(
      port,
      [`PUT /loudvoice/authors/sessions.json HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${LOUDVOICE_AUTH}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"request":`],
      { timeoutMs: 300 },
    );
    const slow = exchange(port, [...rawRequest('POST', '/session/login', { 'LV-Access': DEMO.token1, 'Content-Type': 'application/json' }, JSON.stringify(DEMO.user)).toString('latin1')], {
      gapMs: 1,
      timeoutMs: 10_000,
    });
    const [a, b, c] = await Promise.all([partialHeaders, partialBody, slow]);
    expect(a.ended).toBe('timeout'); // nothing to answer yet: we hung up
    expect(b.ended).toBe('timeout');
    expect(c.status).toBe(200); // byte by byte, still a login
    expect(await servesBoth()).toEqual([200, 200]);
  });

  it('answers raw request targets that inject would normalise, each in its path’s native shape', async () => {
    const targets = fc.oneof(
      fc.constantFrom(
        '/session/../__admin/sessions',
        '/loudvoice/../session/login',
        '/session/validate/%00',
        '/session/validate/%zz',
        '/loudvoice/comments/%zz.json',
        '/loudvoice/authors/%C0%AF.json',
        `/session/validate/${'v'.repeat(600)}`,
        `/loudvoice/comments/${'c'.repeat(600)}.json`,
        `/session/${'s'.repeat(10_000)}`,
        '/loudvoice/authors.json?page=%zz&page=2&entries_per_page[]=1',
        '/session/details?%=%&&==',
        '//session/details',
        '/tools/ping.json/../../session/details',
      ),
      fc.array(fc.constantFrom('session', 'loudvoice', '..', '.', '%2e%2e', '%00', '%zz', 'authors.json', 'validate', 'x', ''), { minLength: 1, maxLength: 6 }).map((parts) => `/${parts.join('/')}`),
    );
    await check(
      'answers raw request targets',
      fc.asyncProperty(targets, fc.constantFrom('GET', 'POST', 'DELETE', 'PATCH', 'OPTIONS'), async (target, method) => {
        const answer = await exchange(port, [rawRequest(method, target, { Authorization: LOUDVOICE_AUTH, 'LV-Session': 'garbage' }, method === 'POST' ? '{}' : undefined)]);
        const where = `${method} ${target.slice(0, 200)} -> ${answer.status} ${answer.body.slice(0, 200)}`;
        expect(answer.ended, where).toBe('closed');
        expect(answer.status, where).not.toBeNull();
        expect(answerProblems(shapeOfPath(target), method, { status: answer.status!, body: answer.body, headers: answer.headers }), where).toEqual([]);
      }),
      Math.min(RUNS, 60),
    );
    expect(await servesBoth()).toEqual([200, 200]);
  });
});
