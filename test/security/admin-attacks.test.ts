// The admin surface attacked as a web page would attack it (issue 23), over real sockets against real server
// processes (`serve --port 0`). The threats are the ones dev servers met (webpack-dev-server and Vite Host checks
// after DNS-rebinding reports, Vite CVE-2025-24010; Jupyter's Host and Origin checks); the rules are our own choices
// (README "Admin controls"):
// - a rebound name (`Host: rebind.evil.example:PORT`) reads nothing and mints nothing: 403;
// - a cross-site form POST, a cross-site JSON POST without --cors, a request marked Sec-Fetch-Site: cross-site: 403;
// - a bodyless POST without a Content-Type (what a page can send without a preflight): 415;
// - after each refusal the state is as it was: the session made before still validates, the clock has not moved;
// - the legitimate callers still get in: loopback names, --allowed-host (and SESSION_KIT_ALLOWED_HOSTS), the mock's
//   own origin, an origin --cors names, and the admin token from any Host;
// - on a non-loopback bind (where a token is required) the Host is not checked: the token guards the data there.
// The in-browser version (a real attacker page on another port) is test/browser/admin-attack.browser.ts.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/spawn-server.js';

const START = '2026-01-05T09:00:00.000Z';
const START_MS = Date.parse(START);
const ADMIN_TOKEN = 'attack-admin-token-0123456789abcdef';
const LV_ACCESS = '11111111-1111-4111-8111-111111111111';
const DEMO_USER = { clientName: 'DEMO', userName: 'demo.user', password: 'Demo-Pass-1' };
const COMMON = ['serve', '--port', '0', '--clock', 'fixed', '--clock-start', START, '--log-level', 'warn'];

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request exactly as given: Node's fetch will not send a Host of our choosing, node:http will. */
function raw(server: RunningServer, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const url = new URL(server.url);
  return new Promise((done, fail) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: { ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

let plain: RunningServer;
let withCors: RunningServer;
let withToken: RunningServer;
let everywhere: RunningServer;
let port: string;
let sessionId = '';
let clockMs = START_MS;

const hostOf = (server: RunningServer) => new URL(server.url).host;
const REBIND = () => `rebind.evil.example:${port}`;

async function loginOn(server: RunningServer): Promise<string> {
  const res = await raw(server, 'POST', '/session/login', { 'content-type': 'application/json', 'lv-access': LV_ACCESS }, JSON.stringify(DEMO_USER));
  expect(res.status).toBe(200);
  return String((JSON.parse(res.text) as { sessionId: string }).sessionId);
}

/** The state is what it was: the session made before still validates, and the clock stands where it stood. */
async function expectStateUnchanged(): Promise<void> {
  expect((await raw(plain, 'GET', `/session/validate/${sessionId}`)).status, 'the session still validates').toBe(204);
  const clock = await raw(plain, 'GET', '/__admin/clock', { host: hostOf(plain) });
  expect((JSON.parse(clock.text) as { epochMs: number }).epochMs, 'the clock did not move').toBe(clockMs);
}

beforeAll(async () => {
  [plain, withCors, withToken, everywhere] = await Promise.all([
    startServer([...COMMON, '--allowed-host', 'mock.test']),
    startServer([...COMMON, '--cors', 'http://localhost:3000'], { SESSION_KIT_ALLOWED_HOSTS: 'env.test' }),
    startServer([...COMMON, '--admin-token', ADMIN_TOKEN]),
    startServer([...COMMON, '--host', '0.0.0.0', '--admin-token', ADMIN_TOKEN]),
  ]);
  port = new URL(plain.url).port;
  sessionId = await loginOn(plain);
}, 60_000);

afterAll(async () => {
  await Promise.all([plain?.stop(), withCors?.stop(), withToken?.stop(), everywhere?.stop()]);
});

describe('an attacker page cannot use the admin controls', () => {
  it.each([
    ['GET', '/__admin/requests'],
    ['GET', '/__admin/sessions'],
    ['GET', '/__admin/ui'],
    ['POST', '/__idp/token'],
    ['POST', '/__admin/reset'],
  ])('a rebound name: %s %s is 403 and reveals nothing', async (method, path) => {
    const body = path === '/__idp/token' ? JSON.stringify({ clientName: 'DEMO', userName: 'demo.user' }) : method === 'POST' ? '{}' : undefined;
    const res = await raw(plain, method, path, { host: REBIND(), ...(body ? { 'content-type': 'application/json' } : {}) }, body);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text)).toMatchObject({ code: 'ADMIN_HOST_NOT_ALLOWED' });
    expect(res.text).not.toContain(sessionId.slice(-4));
    expect(res.text).not.toContain('id_token');
    await expectStateUnchanged();
  });

  it('a cross-site form POST to reset (no preflight needed) is 403', async () => {
    const res = await raw(plain, 'POST', '/__admin/reset', { host: hostOf(plain), 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' }, 'x=1');
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text)).toMatchObject({ code: 'ADMIN_CROSS_ORIGIN' });
    await expectStateUnchanged();
  });

  it('a cross-site JSON POST without --cors is 403', async () => {
    const res = await raw(plain, 'POST', '/__admin/reset', { host: hostOf(plain), 'content-type': 'application/json', origin: 'http://evil.example' }, '{}');
    expect(res.status).toBe(403);
    const clock = await raw(plain, 'POST', '/__admin/clock', { host: hostOf(plain), 'content-type': 'application/json', origin: 'http://evil.example' }, JSON.stringify({ advanceMs: 7_200_000 }));
    expect(clock.status).toBe(403);
    await expectStateUnchanged();
  });

  it('a request marked Sec-Fetch-Site: cross-site is 403', async () => {
    const res = await raw(plain, 'POST', '/__admin/clock', { host: hostOf(plain), 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }, JSON.stringify({ advanceMs: 7_200_000 }));
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text)).toMatchObject({ code: 'ADMIN_CROSS_ORIGIN' });
    await expectStateUnchanged();
  });

  it('a bodyless POST to reset without a Content-Type is 415; JSON sent as text/plain is 415 too', async () => {
    const bare = await raw(plain, 'POST', '/__admin/reset', { host: hostOf(plain) });
    expect(bare.status).toBe(415);
    expect(JSON.parse(bare.text)).toMatchObject({ code: 'ADMIN_CONTENT_TYPE_REQUIRED' });
    const textPlain = await raw(plain, 'POST', '/__admin/clock', { host: hostOf(plain), 'content-type': 'text/plain' }, JSON.stringify({ advanceMs: 7_200_000 }));
    expect(textPlain.status).toBe(415);
    await expectStateUnchanged();
  });

  it('the two APIs still answer any Host', async () => {
    const res = await raw(plain, 'POST', '/session/login', { host: REBIND(), 'content-type': 'application/json', 'lv-access': LV_ACCESS }, JSON.stringify(DEMO_USER));
    expect(res.status).toBe(200);
  });
});

describe('the legitimate callers still get in', () => {
  it.each(['localhost', '127.0.0.1', '[::1]', 'mock.test'])('Host %s (with the port) reads the admin API', async (name) => {
    const res = await raw(plain, 'GET', '/__admin/sessions', { host: `${name}:${port}` });
    expect(res.status).toBe(200);
    expect(res.text).toContain(`…${sessionId.slice(-4)}`);
    expect(res.text, 'without the admin token the id is shortened').not.toContain(sessionId);
  });

  it('SESSION_KIT_ALLOWED_HOSTS allows its hosts like --allowed-host', async () => {
    expect((await raw(withCors, 'GET', '/__admin/clock', { host: `env.test:${new URL(withCors.url).port}` })).status).toBe(200);
    expect((await raw(plain, 'GET', '/__admin/clock', { host: `env.test:${port}` })).status).toBe(403);
  });

  it('the mock’s own origin moves the clock with JSON', async () => {
    const res = await raw(plain, 'POST', '/__admin/clock', { host: hostOf(plain), origin: plain.url, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, JSON.stringify({ advanceMs: 1000 }));
    expect(res.status).toBe(200);
    clockMs += 1000;
    await expectStateUnchanged();
  });

  it('an origin --cors names may change state (its preflight allows X-Session-Kit); another origin may not', async () => {
    const preflight = await raw(withCors, 'OPTIONS', '/__admin/reset', { host: hostOf(withCors), origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-session-kit' });
    expect(preflight.status).toBe(204);
    expect(String(preflight.headers['access-control-allow-headers'])).toContain('X-Session-Kit');
    const allowed = await raw(withCors, 'POST', '/__admin/clock', { host: hostOf(withCors), origin: 'http://localhost:3000', 'sec-fetch-site': 'same-site', 'content-type': 'application/json' }, JSON.stringify({ advanceMs: 1000 }));
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    const other = await raw(withCors, 'POST', '/__admin/clock', { host: hostOf(withCors), origin: 'http://localhost:3001', 'content-type': 'application/json' }, JSON.stringify({ advanceMs: 1000 }));
    expect(other.status).toBe(403);
  });

  it('the admin token passes any Host and shows full session ids', async () => {
    const id = await loginOn(withToken);
    const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };
    expect((await raw(withToken, 'GET', '/__admin/sessions', { host: REBIND() })).status).toBe(403);
    const read = await raw(withToken, 'GET', '/__admin/sessions', { host: REBIND(), ...bearer });
    expect(read.status).toBe(200);
    expect(read.text).toContain(id);
    const reset = await raw(withToken, 'POST', '/__admin/reset', { host: REBIND(), ...bearer, 'content-type': 'application/json' }, '{}');
    expect(reset.status).toBe(204);
  });

  it('on a non-loopback bind (token required) any Host reaches the routes, and the token still guards the data', async () => {
    const host = `mock.lan:${new URL(everywhere.url).port}`;
    expect((await raw(everywhere, 'GET', '/__admin/sessions', { host })).status).toBe(401);
    expect((await raw(everywhere, 'GET', '/__admin/sessions', { host, authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(200);
  });

  it('a reset sent as JSON {} from curl works, and the state check above would have seen it', async () => {
    const res = await raw(plain, 'POST', '/__admin/reset', { host: hostOf(plain), 'content-type': 'application/json' }, '{}');
    expect(res.status).toBe(204);
    expect((await raw(plain, 'GET', `/session/validate/${sessionId}`)).status).toBe(404);
  });
});
