// LiveVox login and header rules, in process: LV-Access on login only and per client, credentials, body errors,
// agent logins, session identity per token, header case and repeats, versioned paths, unknown routes.
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, testApp } from '../helpers/test-app.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let app: FastifyInstance;
beforeEach(async () => ({ app } = await testApp()));
afterEach(() => app.close());

const login = (body: unknown, headers: Record<string, string> = { 'lv-access': DEMO.token1 }, url = '/session/login') =>
  app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });

describe('login', () => {
  it('answers 200 with a UUID session id, the client id and the user id', async () => {
    const res = await login(DEMO.user);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({ sessionId: expect.stringMatching(UUID_V4), clientId: 1001, userId: 2001 });
  });

  it.each(['/session/v5.0/login', '/session/v6.0/login', '/session/v3.4/login'])('works on the versioned path %s', async (url) => {
    const res = await login(DEMO.user, { 'lv-access': DEMO.token1 }, url);
    expect(res.statusCode).toBe(200);
  });

  it('refuses an unknown version segment as an unknown route, in LiveVox shape', async () => {
    const res = await login(DEMO.user, { 'lv-access': DEMO.token1 }, '/session/v9.9/login');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 10013, message: expect.any(String) });
  });

  it('refuses a login without LV-Access with 401 code 10001, whatever the body', async () => {
    for (const body of [DEMO.user, 'not json at all']) {
      const res = await app.inject({ method: 'POST', url: '/session/login', headers: { 'content-type': 'application/json' }, payload: body as never });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe(10001);
    }
  });

  it('refuses an unknown API token with 401 code 10002', async () => {
    const res = await login(DEMO.user, { 'lv-access': 'a0009999bcbc0000xxxx000000000000' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe(10002);
  });

  it("refuses another client's API token with 401 code 10002 (tokens cannot be shared)", async () => {
    const res = await login(DEMO.user, { 'lv-access': DEMO.otherToken });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe(10002);
    const own = await login(DEMO.other, { 'lv-access': DEMO.otherToken });
    expect(own.statusCode).toBe(200);
    expect(own.json().clientId).toBe(1002);
  });

  it.each([
    ['a wrong password', { ...DEMO.user, password: 'wrong' }],
    ['an unknown user', { ...DEMO.user, userName: 'nobody' }],
    ['an unknown client', { ...DEMO.user, clientName: 'NOPE' }],
    ["a user's name in another case (user names are case-sensitive)", { ...DEMO.user, userName: 'Demo.User' }],
    ['an agent logging in without agent: true', { ...DEMO.agent, agent: false }],
  ])('refuses %s with 401 code 10003', async (_name, body) => {
    const res = await login(body);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe(10003);
  });

  it.each([
    ['malformed JSON', '{"clientName": "DEMO",'],
    ['an array', '[]'],
    ['a JSON string', '"DEMO"'],
    ['an empty body', ''],
    ['a missing password', JSON.stringify({ clientName: 'DEMO', userName: 'demo.user' })],
    ['a number as userName', JSON.stringify({ ...DEMO.user, userName: 42 })],
    ['an empty clientName', JSON.stringify({ ...DEMO.user, clientName: '' })],
    ['agent as a number', JSON.stringify({ ...DEMO.user, agent: 1 })],
    // Only an absent agent means false (LVX-LOGIN-AGENT-NULL): AgentFlag never allowed null.
    ['agent as null', JSON.stringify({ ...DEMO.user, agent: null })],
    ['nesting 10 000 levels deep', '['.repeat(10_000) + ']'.repeat(10_000)],
  ])('refuses %s with 400 code 10008', async (_name, payload) => {
    const res = await app.inject({
      method: 'POST',
      url: '/session/login',
      headers: { 'content-type': 'application/json', 'lv-access': DEMO.token1 },
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 10008, message: expect.stringMatching(/^Request body is invalid: ./) });
  });

  it('refuses a body that is not declared as JSON with 415 code 10016', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/session/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'lv-access': DEMO.token1 },
      payload: 'clientName=DEMO&userName=demo.user&password=Demo-Pass-1',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe(10016);
  });

  it('accepts a JSON body with a charset parameter and ignores unknown fields', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/session/login',
      headers: { 'content-type': 'application/json; charset=utf-8', 'lv-access': DEMO.token1 },
      payload: JSON.stringify({ ...DEMO.user, isAgent: true, __proto__: { polluted: true }, extra: { nested: [1, 2] } }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().userId).toBe(2001);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a body over the limit with 413 code 10015', async () => {
    const { app: small } = await testApp({ bodyLimit: 2048 });
    const res = await small.inject({
      method: 'POST',
      url: '/session/login',
      headers: { 'content-type': 'application/json', 'lv-access': DEMO.token1 },
      payload: JSON.stringify({ ...DEMO.user, padding: 'x'.repeat(4096) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe(10015);
    await small.close();
  });

  it('logs an agent in with agent: true, and with the strings "true"/"false" that real clients send', async () => {
    const asBool = await login(DEMO.agent);
    expect(asBool.statusCode).toBe(200);
    expect(asBool.json().userId).toBe(2002);
    const asString = await login({ ...DEMO.agent, agent: 'true' });
    expect(asString.json().sessionId).toBe(asBool.json().sessionId);
    const userAsString = await login({ ...DEMO.user, agent: 'false' });
    expect(userAsString.statusCode).toBe(200);
    expect(userAsString.json().userId).toBe(2001);
  });

  it("matches an agent's userName case-insensitively", async () => {
    const res = await login({ ...DEMO.agent, userName: 'DEMO.Agent' });
    expect(res.statusCode).toBe(200);
    expect(res.json().userId).toBe(2002);
  });

  it('returns the same sessionId for the same user and token while the session lives, another for another token', async () => {
    const first = (await login(DEMO.user)).json().sessionId;
    const again = (await login(DEMO.user)).json().sessionId;
    const otherToken = (await login(DEMO.user, { 'lv-access': DEMO.token2 })).json().sessionId;
    expect(again).toBe(first);
    expect(otherToken).not.toBe(first);
  });

  it('reads header names case-insensitively and ignores unknown headers', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/session/login',
      headers: { 'Content-Type': 'application/json', 'LV-ACCESS': DEMO.token1, LV_REQUEST_TRACKING_ID: 'abc', 'X-Whatever': '1' },
      payload: JSON.stringify(DEMO.user),
    });
    expect(res.statusCode).toBe(200);
  });

  it('refuses a repeated LV-Access with 400 code 10017', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/session/login',
      headers: { 'content-type': 'application/json', 'lv-access': [DEMO.token1, DEMO.token2] },
      payload: JSON.stringify(DEMO.user),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe(10017);
  });

  it('answers a defined path called with another method with 405 and Allow, and unknown paths with 404, in LiveVox shape', async () => {
    const wrongMethod = await app.inject({ method: 'GET', url: '/session/login' });
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
    expect(wrongMethod.json().code).toBe(10014);
    const unknown = await app.inject({ method: 'POST', url: '/contact/contacts/' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ code: 10013, message: expect.any(String) });
  });
});
