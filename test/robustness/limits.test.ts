// Limits (issue 7, part 2; documented in docs/limits.md): each bound holds at its edge, and past it the answer is a
// clear error in the native shape of the path.
//
// Rules checked, and where they come from:
// - body size: 1 MiB by default (--body-limit), refused with 413 before the body is read: LiveVox code 10015,
//   LoudVoice PAYLOAD_TOO_LARGE naming the limit, admin {code, message} (LVX-LOGIN-CHECK-ORDER; contracts' catalogues);
// - JSON depth: 64 levels of nesting; deeper is 400 (LiveVox 10008, LoudVoice BODY_NOT_JSON), however deep, without
//   exhausting the stack (our assumption: src/http/request-body.ts MAX_JSON_DEPTH);
// - page size: entries_per_page 1..500 on every LoudVoice list (LDV-PAGINATION-PARAMS), count 1..1000 on the LiveVox
//   call-centre list; past it 400 PARAMETER_INVALID, never a silent clamp;
// - header section: Node's 16 KiB; past it 431 and the connection closes, the server keeps serving.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, LOUDVOICE_AUTH, testApp } from '../helpers/test-app.js';
import { nestedJson } from './generators.js';
import { loadOperations } from './operations.js';
import { answerProblems } from './oracle.js';
import { exchange, listen, rawRequest } from './raw-http.js';

const MIB = 1024 * 1024;
const LOGIN = { 'lv-access': DEMO.token1, 'content-type': 'application/json' };
const LOUDVOICE = { authorization: LOUDVOICE_AUTH, 'content-type': 'application/json' };

describe('limits', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await testApp());
  });
  afterAll(async () => {
    await app?.close();
  });

  /** The answer, checked against the native shape of its API first. */
  const send = async (shape: 'livevox' | 'loudvoice' | 'admin', method: 'GET' | 'POST' | 'PUT', url: string, headers: Record<string, string>, payload?: string) => {
    const res = await app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
    expect(answerProblems(shape, method, { status: res.statusCode, body: res.body, headers: res.headers }), `${method} ${url}: ${res.body.slice(0, 200)}`).toEqual([]);
    return { status: res.statusCode, json: res.body === '' ? undefined : res.json() };
  };

  describe('body size (1 MiB by default)', () => {
    // A JSON object of exactly `bytes` bytes, so the edge is the limit itself.
    const bodyOf = (bytes: number) => `{"pad":"${'p'.repeat(bytes - 10)}"}`;

    it('takes a body of exactly the limit and refuses one byte more with 413, in each native shape', async () => {
      expect(Buffer.byteLength(bodyOf(MIB))).toBe(MIB);
      const atLimit = await send('livevox', 'POST', '/session/login', LOGIN, bodyOf(MIB));
      expect(atLimit.status).toBe(400); // read, and refused for what it says (no clientName), not for its size
      expect(atLimit.json.code).toBe(10008);

      const lv = await send('livevox', 'POST', '/session/login', LOGIN, bodyOf(MIB + 1));
      expect(lv).toEqual({ status: 413, json: { code: 10015, message: 'Request body is too large' } });

      const ldv = await send('loudvoice', 'PUT', '/loudvoice/authors/sessions.json', LOUDVOICE, bodyOf(MIB + 1));
      expect(ldv.status).toBe(413);
      expect(ldv.json.response.request.status.info).toBe(`The body of the request is too large, the limit is ${MIB} bytes`);

      const admin = await send('admin', 'POST', '/__admin/clock', { 'content-type': 'application/json' }, bodyOf(MIB + 1));
      expect(admin.status).toBe(413);
      expect(admin.json.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('follows --body-limit', async () => {
      const { app: small } = await testApp({ bodyLimit: 2048 });
      try {
        const res = await small.inject({ method: 'POST', url: '/session/v6.0/login', headers: LOGIN, payload: bodyOf(2049) });
        expect(res.statusCode).toBe(413);
        expect(res.json()).toEqual({ code: 10015, message: 'Request body is too large' });
        const ldv = await small.inject({ method: 'POST', url: '/loudvoice/comments.json', headers: LOUDVOICE, payload: bodyOf(2049) });
        expect(ldv.json().response.request.status.info).toBe('The body of the request is too large, the limit is 2048 bytes');
      } finally {
        await small.close();
      }
    });

    it('checks LoudVoice credentials before the size (LDV-AUTH-BASIC-EVERY-CALL)', async () => {
      const res = await send('loudvoice', 'PUT', '/loudvoice/authors/sessions.json', { 'content-type': 'application/json' }, bodyOf(MIB + 1));
      expect(res.status).toBe(401);
    });
  });

  describe('JSON depth (64 levels)', () => {
    it('reads 64 levels and refuses 65 with 400 in each native shape', async () => {
      // LoudVoice: 64 levels parse, so the refusal is about the nodes (NODE_*), not the JSON.
      const ok64 = await send('loudvoice', 'PUT', '/loudvoice/authors/sessions.json', LOUDVOICE, `{"request":${nestedJson(63, 'object')}}`);
      expect(ok64.status).toBe(400);
      expect(ok64.json.response.request.status.info).not.toMatch(/could not be parsed/);
      const deep65 = await send('loudvoice', 'PUT', '/loudvoice/authors/sessions.json', LOUDVOICE, `{"request":${nestedJson(64, 'object')}}`);
      expect(deep65.status).toBe(400);
      expect(deep65.json.response.request.status.info).toMatch(/could not be parsed/);

      const lv64 = await send('livevox', 'POST', '/session/login', LOGIN, nestedJson(64, 'array'));
      expect(lv64.json.message).not.toMatch(/deeper/);
      const lv65 = await send('livevox', 'POST', '/session/login', LOGIN, nestedJson(65, 'array'));
      expect(lv65).toEqual({ status: 400, json: { code: 10008, message: 'Request body is invalid: the request body nests deeper than 64 levels' } });

      const admin = await send('admin', 'POST', '/__admin/clock', { 'content-type': 'application/json' }, nestedJson(65));
      expect(admin.status).toBe(400);
    });

    it('refuses 200,000 levels (just under the body limit) quickly, without exhausting the stack', async () => {
      const started = performance.now();
      const res = await send('livevox', 'POST', '/session/login', LOGIN, '['.repeat(200_000) + ']'.repeat(200_000));
      expect(res.json.code).toBe(10008);
      const ldv = await send('loudvoice', 'POST', '/loudvoice/comments.json', LOUDVOICE, '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000));
      expect(ldv.status).toBe(400);
      expect(performance.now() - started).toBeLessThan(2000);
    });
  });

  describe('page size', () => {
    it('takes entries_per_page=500 and refuses 501 with 400 PARAMETER_INVALID on every LoudVoice list of the contract', async () => {
      const lists = (await loadOperations()).filter((o) => o.method === 'GET' && o.parameters.some((p) => p.name === 'entries_per_page'));
      expect(lists.length).toBeGreaterThanOrEqual(6);
      for (const op of lists) {
        const path = op.template.replace('{discussion_token}', '4f1c2a7e-2b7d-4c57-9a63-7f0d2d9b1c10');
        const query = op.parameters.some((p) => p.name === 'discussion_reference') ? 'discussion_reference=ARTICLE-1&' : '';
        const ok = await send('loudvoice', 'GET', `${path}?${query}entries_per_page=500`, LOUDVOICE);
        expect(ok.status, op.template).toBe(200);
        const over = await send('loudvoice', 'GET', `${path}?${query}entries_per_page=501`, LOUDVOICE);
        expect(over.status, op.template).toBe(400);
        expect(over.json.response.request.status.info).toBe('The parameter [entries_per_page] is invalid, an integer between 1 and 500 is expected');
        for (const bad of ['0', '-1', '1000000', '5e2', '']) {
          expect((await send('loudvoice', 'GET', `${path}?${query}entries_per_page=${bad}`, LOUDVOICE)).status, `${op.template} ${bad}`).toBe(400);
        }
      }
    });

    it('takes count=1000 and refuses 1001 with 400 on the LiveVox call-centre list', async () => {
      const login = await app.inject({ method: 'POST', url: '/session/login', headers: LOGIN, payload: JSON.stringify(DEMO.user) });
      const session = { 'lv-session': login.json().sessionId as string };
      expect((await send('livevox', 'GET', '/configuration/v6.0/callCenters?count=1000', session)).status).toBe(200);
      const over = await send('livevox', 'GET', '/configuration/v6.0/callCenters?count=1001', session);
      expect(over).toEqual({ status: 400, json: { code: 10012, message: 'Query parameter is invalid: count must be an integer from 1 to 1000' } });
    });
  });

  describe('header section (16 KiB, Node’s limit)', () => {
    let port: number;
    let served: FastifyInstance;
    beforeAll(async () => {
      ({ app: served } = await testApp());
      port = await listen(served);
    });
    afterAll(async () => {
      await served?.close();
    });

    it('answers a request with 15 KiB of headers, refuses 17 KiB with 431 and a closed connection, keeps serving', async () => {
      const under = await exchange(port, [rawRequest('GET', '/tools/ping.json', { Authorization: LOUDVOICE_AUTH, 'X-Pad': 'p'.repeat(15 * 1024) })]);
      expect(under.status).toBe(200);
      for (const path of ['/tools/ping.json', '/session/details', '/__admin/clock']) {
        const over = await exchange(port, [rawRequest('GET', path, { Authorization: LOUDVOICE_AUTH, 'X-Pad': 'p'.repeat(17 * 1024) })]);
        expect(over.status, path).toBe(431);
        expect(over.ended, path).toBe('closed');
        // Parsing stops before the path is known, so the body is fastify's generic JSON, not an API's shape (docs/limits.md).
        expect(JSON.parse(over.body).statusCode).toBe(431);
      }
      // Many small headers count the same as one big one.
      const many = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`X-H${i}`, 'v'.repeat(40)]));
      expect((await exchange(port, [rawRequest('GET', '/tools/ping.json', { Authorization: LOUDVOICE_AUTH, ...many })])).status).toBe(431);
      expect((await exchange(port, [rawRequest('GET', '/tools/ping.json', { Authorization: LOUDVOICE_AUTH })])).status).toBe(200);
    });
  });
});
