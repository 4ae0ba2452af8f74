// LiveVox login and header rules.
// - LV-Access is required on login and must name a token of the client in the body (vendor docs, seed L2).
// - A token of another client is refused (vendor docs: tokens "cannot be shared").
// - Wrong credentials are an authorization error; a malformed body is a 400 (observed: LiveVox's own client, L5).
// - `agent` accepts the strings "true"/"false" (observed: a real client sends them, L11).
// - Same user + same token while live -> same sessionId; another token -> another session (observed, L6 quoting docs).
// - Each of the client's tokens (at most 5, vendor docs) gives its own session.
// - Header names are case-insensitive and unknown headers are ignored (HTTP; observed L5 tracking header).
// - A repeated LV-Access is refused (assumed), and errors everywhere are {code, message} (observed L6, L7).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { kitHttp, rule } from '../harness/context.js';
import { everyResponseMatchesTheContract } from '../harness/contract-check.js';
import type { KitHttp } from '../harness/http.js';
import { assertProperty } from '../harness/property.js';
import { LiveVoxCalls, livevoxOf } from './livevox-client.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let http: KitHttp;
let lv: LiveVoxCalls;
let cfg: ReturnType<typeof livevoxOf>;
beforeAll(async () => {
  http = await kitHttp('livevox');
  lv = new LiveVoxCalls(http);
  cfg = livevoxOf(http.target);
});

/** Asserts a LiveVox error body with this code, showing the body when it is not. */
const expectLiveVoxError = (body: unknown, code: number) => expect(body).toEqual({ code, message: expect.any(String) });

describe('LiveVox login', () => {
  it(rule(['LVX-LOGIN-SUCCESS', 'LVX-SESSION-ID-UUID'], 'a login with a valid token and credentials answers 200 with a UUID sessionId'), async () => {
    const res = await lv.login(cfg.primary.apiTokens[0], cfg.primary.clientName, cfg.primary.user);
    expect(res.status).toBe(200);
    expect(res.body.sessionId).toMatch(UUID);
    expect(Number.isInteger(res.body.clientId) && Number.isInteger(res.body.userId)).toBe(true);
  });

  it(rule(['LVX-LOGIN-VERSIONED', 'LVX-VERSION-SEGMENT'], 'the versioned login paths behave like the unversioned one'), async () => {
    for (const path of ['/session/v5.0/login', '/session/v6.0/login']) {
      const res = await lv.login(cfg.primary.apiTokens[0], cfg.primary.clientName, cfg.primary.user, {}, path);
      expect(res.status, path).toBe(200);
    }
    const unknown = await lv.login(cfg.primary.apiTokens[0], cfg.primary.clientName, cfg.primary.user, {}, '/session/v9.9/login');
    expect(unknown.status).toBe(404);
    expectLiveVoxError(unknown.body, 10013);
  });

  it(rule('LVX-LOGIN-ACCESS-MISSING', 'a login without LV-Access is 401 code 10001'), async () => {
    const res = await lv.login(undefined, cfg.primary.clientName, cfg.primary.user);
    expect(res.status).toBe(401);
    expectLiveVoxError(res.body, 10001);
  });

  it(rule('LVX-LOGIN-ACCESS-UNKNOWN', 'a login with any token that was never issued is 401 code 10002'), async () => {
    await assertProperty(
      http,
      fc.asyncProperty(
        fc.oneof(fc.uuid(), fc.stringMatching(/^[a-z0-9]{32}$/), fc.constant('a0009999bcbc0000xxxx000000000000')),
        async (token) => {
          fc.pre(!cfg.primary.apiTokens.includes(token) && token !== cfg.secondary?.apiToken);
          const res = await lv.login(token, cfg.primary.clientName, cfg.primary.user);
          expect(res.status).toBe(401);
          expectLiveVoxError(res.body, 10002);
        },
      ),
      { numRuns: 15 },
    );
  });

  it(rule(['LVX-LOGIN-ACCESS-FOREIGN', 'LVX-TOKEN-PER-CLIENT'], "a login with another client's token is 401 code 10002"), async (ctx) => {
    if (!cfg.secondary) return ctx.skip('the target file names no second client');
    const foreign = await lv.login(cfg.secondary.apiToken, cfg.primary.clientName, cfg.primary.user);
    expect(foreign.status).toBe(401);
    expectLiveVoxError(foreign.body, 10002);
    const reverse = await lv.login(cfg.primary.apiTokens[0], cfg.secondary.clientName, cfg.secondary.user);
    expect(reverse.status).toBe(401);
    expectLiveVoxError(reverse.body, 10002);
    const own = await lv.login(cfg.secondary.apiToken, cfg.secondary.clientName, cfg.secondary.user);
    expect(own.status).toBe(200);
  });

  it(rule('LVX-LOGIN-BAD-CREDENTIALS', 'a wrong password, an unknown user or an unknown client is 401 code 10003'), async () => {
    await assertProperty(
      http,
      fc.asyncProperty(
        fc.constantFrom('password', 'userName', 'clientName'),
        fc.string({ minLength: 1, maxLength: 24 }),
        async (field, value) => {
          const login = { clientName: cfg.primary.clientName, ...cfg.primary.user };
          fc.pre(value !== login[field]);
          login[field] = value;
          const res = await lv.login(cfg.primary.apiTokens[0], login.clientName, login);
          expect(res.status).toBe(401);
          expectLiveVoxError(res.body, 10003);
        },
      ),
      { numRuns: 20 },
    );
  });

  it(rule('LVX-LOGIN-BODY-INVALID', 'a malformed or incomplete body is 400 code 10008'), async () => {
    const token = cfg.primary.apiTokens[0]!;
    const bodies: (string | object)[] = [
      '{"clientName":',
      '[]',
      '"text"',
      { clientName: cfg.primary.clientName, userName: cfg.primary.user.userName },
      { clientName: cfg.primary.clientName, userName: 5, password: cfg.primary.user.password },
      { ...cfg.primary.user, clientName: '' },
      { clientName: cfg.primary.clientName, ...cfg.primary.user, agent: 7 },
    ];
    for (const body of bodies) {
      const res = await http.send({
        method: 'POST',
        path: '/session/login',
        headers: { 'LV-Access': token, 'Content-Type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expectLiveVoxError(res.body, 10008);
    }
  });

  it(rule(['LVX-LOGIN-AGENT-STRING', 'LVX-LOGIN-AGENT-KEY'], 'an agent logs in with agent true or "true"; the user with "false"'), async (ctx) => {
    if (!cfg.primary.agent) return ctx.skip('the target file names no agent');
    const token = cfg.primary.apiTokens[0]!;
    const asBoolean = await lv.login(token, cfg.primary.clientName, cfg.primary.agent, { agent: true });
    expect(asBoolean.status).toBe(200);
    const asString = await lv.login(token, cfg.primary.clientName, cfg.primary.agent, { agent: 'true' });
    expect(asString.status).toBe(200);
    expect(asString.body.sessionId).toBe(asBoolean.body.sessionId);
    const user = await lv.login(token, cfg.primary.clientName, cfg.primary.user, { agent: 'false' });
    expect(user.status).toBe(200);
    expect(user.body.sessionId).not.toBe(asBoolean.body.sessionId);
  });

  it(rule(['LVX-SAME-TOKEN-SAME-SESSION', 'LVX-DIFFERENT-TOKEN-DIFFERENT-SESSION', 'LVX-TOKENS-MAX-5'], 'each token gives its own session, and the same token the same session while it lives'), async () => {
    const tokens = cfg.primary.apiTokens;
    expect(tokens.length, 'a client has at most 5 API tokens').toBeLessThanOrEqual(5);
    const ids: string[] = [];
    for (const token of tokens) {
      const first = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.user);
      const again = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.user);
      expect(again).toBe(first);
      ids.push(first);
    }
    expect(new Set(ids).size).toBe(tokens.length);
  });

  it(rule(['LVX-HEADER-CASE', 'LVX-UNKNOWN-HEADERS-IGNORED'], 'header names in any case work, unknown headers are ignored'), async () => {
    await assertProperty(
      http,
      fc.asyncProperty(fc.constantFrom('LV-Access', 'lv-access', 'LV-ACCESS', 'Lv-Access', 'lV-aCcEsS'), async (name) => {
        const res = await http.send({
          method: 'POST',
          path: '/session/login',
          headers: { [name]: cfg.primary.apiTokens[0], LV_REQUEST_TRACKING_ID: '3f1d2c1e-5f7a-4c1e-9a3b-1c2d3e4f5a6b', 'X-Unknown': 'yes' },
          json: { clientName: cfg.primary.clientName, ...cfg.primary.user },
        });
        expect(res.status).toBe(200);
      }),
      { numRuns: 5 },
    );
  });

  it(rule('LVX-HEADER-REPEATED', 'a repeated LV-Access is 400 code 10017'), async () => {
    const res = await http.send({
      method: 'POST',
      path: '/session/login',
      headers: { 'LV-Access': [cfg.primary.apiTokens[0]!, cfg.primary.apiTokens[0]!] },
      json: { clientName: cfg.primary.clientName, ...cfg.primary.user },
    });
    expect(res.status).toBe(400);
    expectLiveVoxError(res.body, 10017);
  });

  it(rule(['LVX-ERROR-SHAPE', 'LVX-ROUTE-NOT-FOUND', 'LVX-METHOD-NOT-ALLOWED'], 'unknown LiveVox paths and wrong methods answer in the {code, message} shape'), async () => {
    const unknown = await http.send({ method: 'POST', path: '/contact/contacts/', headers: { 'LV-Session': '5eb4ad6c-50b7-45da-8d56-f4e9ac7d9cbd' }, json: {} });
    expect(unknown.status).toBe(404);
    expectLiveVoxError(unknown.body, 10013);
    const wrong = await http.send({ method: 'GET', path: '/session/login' });
    expect(wrong.status).toBe(405);
    expectLiveVoxError(wrong.body, 10014);
    expect(wrong.headers.get('allow')).toContain('POST');
  });
});

everyResponseMatchesTheContract('livevox', () => http);
