// The admin guard (issue 23), in process, rule by rule. Each rule is our own choice, made after dev servers that
// answered any page were attacked through the developer's browser (webpack-dev-server and Vite Host checks after
// DNS-rebinding reports, Vite CVE-2025-24010; Jupyter checks Host and Origin):
// - on loopback, /__admin/*, /__idp/* and the console answer only Host localhost, *.localhost, an IP literal or a
//   host given with --allowed-host; the admin token passes any Host; the two APIs and /__admin/health answer any Host;
// - a state change (POST, PUT, DELETE, PATCH) needs Content-Type: application/json or X-Session-Kit, and is refused
//   from another origin (Origin, or Sec-Fetch-Site: cross-site) unless --cors names that origin (`*` does not);
// - a wrong method is still 405, an unknown admin path still 404; a percent-encoded admin path is guarded too;
// - GET /__admin/sessions shortens session ids and tokens to the console's "…1a2b" unless the admin token is sent.
// The same attacks over real sockets, against a real server process, are in test/security/admin-attacks.test.ts.
import { describe, expect, it } from 'vitest';
import { admitAdminRequest, hostNameOf, isUnrebindableHost, type AdminRequestFacts } from '../src/admin/http/admin-guard.js';
import { parseAllowedHosts, SERVE_HELP } from '../src/cli/serve.js';
import { mintIdToken, resetTarget } from '../conformance/harness/admin.js';
import { cleanUp } from '../src/certify/cleanup.js';
import { referenceTarget, resolveTarget } from '../src/certify/target.js';
import { DEMO, LOUDVOICE_AUTH, appsClosedAfterEach } from './helpers/test-app.js';

const open = appsClosedAfterEach();
const JSON_TYPE = { 'content-type': 'application/json' };
const login = { method: 'POST' as const, url: '/session/login', headers: { ...JSON_TYPE, 'lv-access': DEMO.token1 }, payload: JSON.stringify(DEMO.user) };

describe('which Host the admin surface answers', () => {
  it.each([
    ['localhost:4010', true],
    ['LOCALHOST', true],
    ['localhost.:4010', true],
    ['app.localhost:4010', true],
    ['127.0.0.1:4010', true],
    ['127.0.0.2', true],
    ['[::1]:4010', true],
    ['192.168.1.20:4010', true],
    ['rebind.evil.example:4010', false],
    ['localhost.evil.example', false],
    ['evil-localhost', false],
    ['2130706433', false],
    ['[evil]', false],
    ['evil.example@127.0.0.1', false],
    ['', false],
  ])('Host %j: %s', (host, allowed) => {
    const name = hostNameOf(host);
    expect(name !== undefined && isUnrebindableHost(name)).toBe(allowed);
  });

  it('refuses a rebinding Host with 403 on every admin route and the console, in the admin shape', async () => {
    const { app } = await open();
    for (const [method, url] of [
      ['GET', '/__admin/clock'],
      ['GET', '/__admin/sessions'],
      ['GET', '/__admin/requests'],
      ['GET', '/__admin/chaos'],
      ['GET', '/__admin/contracts'],
      ['GET', '/__admin/ui'],
      ['GET', '/__admin/ui/console.js'],
      ['GET', '/__idp/jwks.json'],
      ['POST', '/__idp/token'],
      ['POST', '/__admin/reset'],
    ] as const) {
      const res = await app.inject({ method, url, headers: { host: 'rebind.evil.example:4010', ...JSON_TYPE }, payload: method === 'POST' ? '{}' : undefined });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json(), `${method} ${url}`).toEqual({ code: 'ADMIN_HOST_NOT_ALLOWED', message: expect.stringContaining('rebind.evil.example:4010') });
    }
  });

  it('guards an admin path however it is spelled on the wire (fastify decodes percent-escapes when routing)', async () => {
    const { app } = await open();
    const res = await app.inject({ method: 'GET', url: '/%5F%5Fadmin/sessions', headers: { host: 'rebind.evil.example' } });
    expect(res.statusCode).toBe(403);
  });

  it('leaves both APIs and /__admin/health open to any Host', async () => {
    const { app } = await open();
    const host = { host: 'rebind.evil.example:4010' };
    expect((await app.inject({ ...login, headers: { ...login.headers, ...host } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/loudvoice/authors.json', headers: host })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/__admin/health', headers: host })).statusCode).toBe(200);
  });

  it('answers a host given with --allowed-host (.name also its subdomains), and every Host with allowedHosts any', async () => {
    const { app } = await open({ admin: { enabled: true, allowedHosts: ['mock.test', '.dev.test'] } });
    for (const host of ['mock.test:4010', 'dev.test', 'a.dev.test']) expect((await app.inject({ method: 'GET', url: '/__admin/clock', headers: { host } })).statusCode, host).toBe(200);
    for (const host of ['other.test', 'mock.test.evil.example', 'xdev.test']) expect((await app.inject({ method: 'GET', url: '/__admin/clock', headers: { host } })).statusCode, host).toBe(403);
    const { app: any } = await open({ admin: { enabled: true, allowedHosts: 'any' } });
    expect((await any.inject({ method: 'GET', url: '/__admin/clock', headers: { host: 'rebind.evil.example' } })).statusCode).toBe(200);
  });

  it('lets the admin token pass any Host, and a wrong token none', async () => {
    const token = 'guard-admin-token-0123456789';
    const { app } = await open({ admin: { enabled: true, token } });
    const host = 'rebind.evil.example:4010';
    expect((await app.inject({ method: 'GET', url: '/__admin/clock', headers: { host, authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/__admin/clock', headers: { host, authorization: `Bearer ${token}x` } })).statusCode).toBe(403);
    // The console shell has no data, but it is on the admin surface: without the token a rebound name gets nothing.
    expect((await app.inject({ method: 'GET', url: '/__admin/ui', headers: { host } })).statusCode).toBe(403);
  });
});

describe('what a state change needs', () => {
  const facts = (over: Partial<AdminRequestFacts> & { headers?: AdminRequestFacts['headers'] }): AdminRequestFacts => ({
    method: 'POST',
    url: '/__admin/reset',
    routeUrl: '/__admin/reset',
    inert: false,
    protocol: 'http',
    ...over,
    headers: { host: '127.0.0.1:4010', ...over.headers },
  });
  const policy = { allowedHosts: [], token: undefined, corsOrigins: undefined } as const;

  it.each([
    ['JSON from curl (no Origin)', { 'content-type': 'application/json' }, undefined],
    ['JSON with a charset', { 'content-type': 'application/json; charset=utf-8' }, undefined],
    ['X-Session-Kit without a body', { 'x-session-kit': '1' }, undefined],
    ['JSON from its own origin', { 'content-type': 'application/json', origin: 'http://127.0.0.1:4010' }, undefined],
    ['JSON from its own origin, default port spelled out', { 'content-type': 'application/json', origin: 'http://localhost:80', host: 'localhost' }, undefined],
    ['JSON, Sec-Fetch-Site same-origin', { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' }, undefined],
    ['no Content-Type, no body', {}, 'ADMIN_CONTENT_TYPE_REQUIRED'],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }, 'ADMIN_CONTENT_TYPE_REQUIRED'],
    ['text/plain (JSON in a simple request)', { 'content-type': 'text/plain' }, 'ADMIN_CONTENT_TYPE_REQUIRED'],
    ['an empty X-Session-Kit', { 'x-session-kit': ' ' }, 'ADMIN_CONTENT_TYPE_REQUIRED'],
    ['a form from another site', { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' }, 'ADMIN_CROSS_ORIGIN'],
    ['JSON from another site', { 'content-type': 'application/json', origin: 'http://evil.example' }, 'ADMIN_CROSS_ORIGIN'],
    ['JSON from another port of the same host', { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' }, 'ADMIN_CROSS_ORIGIN'],
    ['JSON from https of the same host', { 'content-type': 'application/json', origin: 'https://127.0.0.1:4010' }, 'ADMIN_CROSS_ORIGIN'],
    ['JSON from a sandboxed frame (Origin null)', { 'content-type': 'application/json', origin: 'null' }, 'ADMIN_CROSS_ORIGIN'],
    ['JSON, Sec-Fetch-Site cross-site', { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }, 'ADMIN_CROSS_ORIGIN'],
  ])('%s', (_name, headers, refused) => {
    expect(admitAdminRequest(facts({ headers }), policy)?.code).toBe(refused);
  });

  it('lets an origin --cors names change state, never every origin with --cors *', () => {
    const listed = { ...policy, corsOrigins: ['http://localhost:3000'] };
    const fromApp = { 'content-type': 'application/json', origin: 'http://localhost:3000', 'sec-fetch-site': 'same-site' };
    expect(admitAdminRequest(facts({ headers: fromApp }), listed)).toBeUndefined();
    expect(admitAdminRequest(facts({ headers: { ...fromApp, 'sec-fetch-site': 'cross-site' } }), listed)).toBeUndefined();
    expect(admitAdminRequest(facts({ headers: { ...fromApp, origin: 'http://localhost:3001' } }), listed)?.code).toBe('ADMIN_CROSS_ORIGIN');
    expect(admitAdminRequest(facts({ headers: fromApp }), { ...policy, corsOrigins: '*' })?.code).toBe('ADMIN_CROSS_ORIGIN');
  });

  it('checks every state-changing method, not reads, nor a request no handler acts on', () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) expect(admitAdminRequest(facts({ method }), policy)?.code, method).toBe('ADMIN_CONTENT_TYPE_REQUIRED');
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(admitAdminRequest(facts({ method, headers: { origin: 'http://evil.example' } }), policy), method).toBeUndefined();
    expect(admitAdminRequest(facts({ inert: true }), policy)).toBeUndefined();
  });

  it('answers over HTTP: 415 for a bodyless reset, 204 for {} or X-Session-Kit, 405 and 404 as before', async () => {
    const { app } = await open();
    const bare = await app.inject({ method: 'POST', url: '/__admin/reset' });
    expect(bare.statusCode).toBe(415);
    expect(bare.json()).toEqual({ code: 'ADMIN_CONTENT_TYPE_REQUIRED', message: expect.stringContaining('application/json') });
    expect((await app.inject({ method: 'POST', url: '/__admin/reset', headers: JSON_TYPE, payload: '{}' })).statusCode).toBe(204);
    expect((await app.inject({ method: 'POST', url: '/__admin/reset', headers: { 'x-session-kit': '1' } })).statusCode).toBe(204);
    expect((await app.inject({ method: 'DELETE', url: '/__admin/chaos', headers: { 'x-session-kit': '1' } })).statusCode).toBe(204);
    expect((await app.inject({ method: 'PUT', url: '/__admin/reset' })).statusCode).toBe(405);
    expect((await app.inject({ method: 'POST', url: '/__admin/nothing-here' })).statusCode).toBe(404);
  });

  it('leaves the two APIs alone: a LiveVox login from another site still works (CORS is the browser’s business there)', async () => {
    const { app } = await open();
    const res = await app.inject({ ...login, headers: { ...login.headers, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(res.statusCode).toBe(200);
  });

  it('lets a request without a token on a token server hear 401 first (it changes nothing either way)', async () => {
    const { app } = await open({ admin: { enabled: true, token: 'guard-admin-token-0123456789' } });
    expect((await app.inject({ method: 'POST', url: '/__admin/reset' })).statusCode).toBe(401);
    const withToken = { authorization: 'Bearer guard-admin-token-0123456789' };
    expect((await app.inject({ method: 'POST', url: '/__admin/reset', headers: withToken })).statusCode).toBe(415);
    expect((await app.inject({ method: 'POST', url: '/__admin/reset', headers: { ...withToken, ...JSON_TYPE, origin: 'http://evil.example' }, payload: '{}' })).statusCode).toBe(403);
  });
});

describe('GET /__admin/sessions: what it reveals', () => {
  const authorPut = {
    method: 'PUT' as const,
    url: '/loudvoice/authors/sessions.json',
    headers: { ...JSON_TYPE },
    payload: { request: { author_session: { author: { author_reference: 'GUARD-1', name: 'Guard' } } } },
  };

  it('shows session ids and LoudVoice tokens as "…" and their last 4 characters without the admin token', async () => {
    const { app } = await open();
    const sessionId = String((await app.inject(login)).json().sessionId);
    const put = await app.inject({ ...authorPut, headers: { ...authorPut.headers, authorization: LOUDVOICE_AUTH } });
    const { author_session } = put.json().response.result.data;
    const view = (await app.inject({ method: 'GET', url: '/__admin/sessions' })).json();
    expect(view.livevox[0].sessionId).toBe(`…${sessionId.slice(-4)}`);
    expect(view.loudvoice[0]).toMatchObject({
      authorSessionToken: `…${String(author_session.author_session_token).slice(-4)}`,
      authorToken: `…${String(author_session.author.author_token).slice(-4)}`,
    });
    const text = JSON.stringify(view);
    for (const secret of [sessionId, author_session.author_session_token, author_session.author.author_token]) expect(text).not.toContain(secret);
  });

  it('shows full ids to the holder of the admin token', async () => {
    const token = 'guard-admin-token-0123456789';
    const { app } = await open({ admin: { enabled: true, token } });
    const sessionId = String((await app.inject(login)).json().sessionId);
    const view = (await app.inject({ method: 'GET', url: '/__admin/sessions', headers: { authorization: `Bearer ${token}` } })).json();
    expect(view.livevox[0].sessionId).toBe(sessionId);
  });
});

describe('--allowed-host', () => {
  it('takes host names (.name for a domain and its subdomains), lower-cased, and refuses URLs and ports', () => {
    expect(parseAllowedHosts(['Mock.Test', '.dev.test', ' ', 'box.'])).toEqual(['mock.test', '.dev.test', 'box']);
    for (const bad of ['http://mock.test', 'mock.test:4010', 'a b', '*.test']) expect(() => parseAllowedHosts([bad]), bad).toThrow(/--allowed-host/);
  });

  it('is in serve --help with its environment variable and the state-change requirement', () => {
    expect(SERVE_HELP).toMatch(/--allowed-host NAME/);
    expect(SERVE_HELP).toContain('SESSION_KIT_ALLOWED_HOSTS');
    expect(SERVE_HELP).toContain('X-Session-Kit: 1');
  });
});

describe('the in-repo callers of the admin API send what the guard asks for', () => {
  it('the kit resets and mints, and the certify clean-up resets a moved clock, over real sockets', async () => {
    const { app } = await open({ admin: { enabled: true } });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const target = resolveTarget({ ...referenceTarget(base), capabilities: { clock: true, reset: true, idp: true } }, {});
    const sessionId = String((await app.inject(login)).json().sessionId);
    await resetTarget(target, 'livevox');
    expect((await app.inject({ method: 'GET', url: `/session/validate/${sessionId}` })).statusCode).toBe(404);
    expect(await mintIdToken(target, { userName: 'demo.user' })).toMatch(/^ey/);
    // A clock the run moved (the clean-up compares it with the real time) is put back with a reset.
    await app.inject({ method: 'POST', url: '/__admin/clock', headers: JSON_TYPE, payload: JSON.stringify({ now: new Date(Date.now() + 3_600_000).toISOString() }) });
    const done = await cleanUp(target, 'RUN-TAG');
    expect(done.join('\n')).toContain('POST /__admin/reset put the target back');
  });
});
