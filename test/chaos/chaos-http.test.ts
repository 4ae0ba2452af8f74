// Chaos over real sockets (the server listens on an ephemeral port): rules added with POST /__admin/chaos answer in
// each API's own error shape (LiveVox {code, message}, the LoudVoice envelope) with Retry-After on 429 and 503, delay
// by at least their value, drop the connection without an answer (and the server serves the next request), end the
// named session so it is refused from then on, repeat exactly for a seed, match by operationId, never touch /__admin
// or /__idp, survive a reset, refuse bad rules in the admin shape, and sit behind the admin token like every admin
// control. The global --latency delays API requests only.
import type { FastifyInstance } from 'fastify';
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { chaosOf } from '../../src/chaos/http/chaos-hook.js';
import { DEMO, LOUDVOICE_AUTH, testApp } from '../helpers/test-app.js';

const opened: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close()));
});

/** A listening server on the default fixtures, and plain-HTTP helpers for it. */
async function server(overrides: Parameters<typeof testApp>[0] = {}, adminToken?: string) {
  const { app } = await testApp(overrides);
  opened.push(app);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const adminHeaders: Record<string, string> = { 'content-type': 'application/json', ...(adminToken ? { authorization: `Bearer ${adminToken}` } : {}) };
  return {
    base,
    addRule: async (rule: unknown) => {
      const res = await fetch(`${base}/__admin/chaos`, { method: 'POST', headers: adminHeaders, body: JSON.stringify(rule) });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as { id: string; remaining: number | null; fired: number };
    },
    rules: async () => (await (await fetch(`${base}/__admin/chaos`, { headers: adminHeaders })).json()) as { rules: { id: string; fired: number; remaining: number | null }[]; latency: unknown },
    login: (path = '/session/login') => fetch(base + path, { method: 'POST', headers: { 'LV-Access': DEMO.token1, 'Content-Type': 'application/json' }, body: JSON.stringify(DEMO.user) }),
    loudvoice: (method: string, path: string, body?: unknown) =>
      fetch(base + path, { method, headers: { Authorization: LOUDVOICE_AUTH, 'Content-Type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) }),
  };
}

/** One request on a fresh connection with node:http, to see how the connection ends. */
function rawGet(base: string, path: string): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = httpRequest(`${base}${path}`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

const sessionPut = (reference: string) => ({ request: { author_session: { author: { author_reference: reference, name: 'Chaos Tester' } } } });
type SessionEnvelope = { response: { result: { data: { author_session: { author_session_token: string } } } } };

describe('chaos errors, in each API\'s own shape', () => {
  it('answers the next 3 logins 503 in LiveVox\'s {code, message} with Retry-After, then logs in normally', async () => {
    const s = await server();
    await s.addRule({ operationId: 'login', action: { type: 'error', status: 503 }, times: 3 });
    for (let i = 0; i < 3; i++) {
      const res = await s.login();
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      const body = (await res.json()) as { code: number; message: string };
      expect(Object.keys(body).sort()).toEqual(['code', 'message']);
      expect(body.code).toBe(10503);
      expect(body.message).toMatch(/^Service unavailable/);
    }
    const fourth = await s.login();
    expect(fourth.status).toBe(200);
    expect(((await fourth.json()) as { sessionId: string }).sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await s.rules()).rules[0]).toMatchObject({ remaining: 0, fired: 3 });
  });

  it('answers LoudVoice errors in its envelope (no result node), before the credentials are checked', async () => {
    const s = await server();
    await s.addRule({ api: 'loudvoice', path: '/tools/ping.json', action: { type: 'error', status: 502 }, times: 1 });
    await s.addRule({ api: 'loudvoice', path: '/tools/ping.json', action: { type: 'error', status: 500 }, times: 1 });
    const bad = await s.loudvoice('GET', '/tools/ping.json');
    expect(bad.status).toBe(502);
    const envelope = (await bad.json()) as { response: { request: { resource: string; status: { flag: string; code: number; info: string } }; result?: unknown } };
    expect(envelope.response.request.status).toMatchObject({ flag: 'error', code: 502 });
    expect(envelope.response.request.status.info).toMatch(/technical problem or maintenance/);
    expect(envelope.response.request.resource).toBe('/tools/ping.json');
    expect(envelope.response.result).toBeUndefined();
    const internal = await fetch(`${s.base}/tools/ping.json`);
    expect(internal.status).toBe(500);
    expect(((await internal.json()) as typeof envelope).response.request.status).toMatchObject({ flag: 'error', code: 500 });
    expect((await s.loudvoice('GET', '/tools/ping.json')).status).toBe(200);
  });

  it('sends Retry-After with a 429 in both APIs (the rule\'s seconds, 1 by default)', async () => {
    const s = await server();
    await s.addRule({ api: 'loudvoice', action: { type: 'error', status: 429, retryAfterSeconds: 7 }, times: 1 });
    await s.addRule({ api: 'livevox', action: { type: 'error', status: 429 }, times: 1 });
    const loud = await s.loudvoice('GET', '/loudvoice/authors.json');
    expect(loud.status).toBe(429);
    expect(loud.headers.get('retry-after')).toBe('7');
    const info = ((await loud.json()) as { response: { request: { status: { code: number; info: string } } } }).response.request.status;
    expect(info).toEqual({ flag: 'error', code: 429, info: 'Too many requests, please try again in 7 seconds' });
    const live = await s.login();
    expect(live.status).toBe(429);
    expect(live.headers.get('retry-after')).toBe('1');
    expect(((await live.json()) as { code: number }).code).toBe(10429);
  });
});

describe('chaos delays, drops and ended sessions', () => {
  it('delays a request by at least its value, jitter included', async () => {
    const s = await server();
    await s.addRule({ operationId: 'ping', action: { type: 'delay', ms: 50 }, times: 1 });
    await s.addRule({ operationId: 'login', action: { type: 'delay', ms: 50, jitterMs: 30 }, times: 1 });
    let started = performance.now();
    expect((await s.loudvoice('GET', '/tools/ping.json')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
    started = performance.now();
    expect((await s.login()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('drops the connection without an answer, and the server serves the next request', async () => {
    const s = await server();
    await s.addRule({ path: '/session/details', action: { type: 'drop' }, times: 1 });
    const dropped = await rawGet(s.base, '/session/details');
    expect(dropped).toHaveProperty('error');
    expect(['ECONNRESET', 'socket hang up']).toContain((dropped as { error: string }).error);
    expect(await rawGet(s.base, '/session/details')).toEqual({ status: 401 });
    expect((await s.login()).status).toBe(200);
  });

  it('ends the caller\'s LiveVox session: that request and every later one gets 401, validate 404', async () => {
    const s = await server();
    const { sessionId } = (await (await s.login()).json()) as { sessionId: string };
    const details = () => fetch(`${s.base}/session/details`, { headers: { 'LV-Session': sessionId } });
    expect((await details()).status).toBe(200);
    await s.addRule({ operationId: 'getSessionDetails', action: { type: 'end-session' }, times: 1 });
    const ended = await details();
    expect(ended.status).toBe(401);
    expect(((await ended.json()) as { code: number }).code).toBe(10005);
    expect((await details()).status).toBe(401);
    expect((await fetch(`${s.base}/session/validate/${sessionId}`)).status).toBe(404);
    // A fresh login gets a new session: the old one is gone, not merely refused once.
    const again = (await (await s.login()).json()) as { sessionId: string };
    expect(again.sessionId).not.toBe(sessionId);
  });

  it('ends the LoudVoice author session the request names: by its token (DELETE 404) or by its author (a new token)', async () => {
    const s = await server();
    const first = ((await (await s.loudvoice('PUT', '/loudvoice/authors/sessions.json', sessionPut('CHAOS-1'))).json()) as SessionEnvelope).response.result.data.author_session;
    await s.addRule({ operationId: 'startAuthorSession', action: { type: 'end-session' }, times: 1 });
    const renewed = await s.loudvoice('PUT', '/loudvoice/authors/sessions.json', sessionPut('CHAOS-1'));
    expect(renewed.status).toBe(200);
    const second = ((await renewed.json()) as SessionEnvelope).response.result.data.author_session;
    expect(second.author_session_token).not.toBe(first.author_session_token);

    await s.addRule({ operationId: 'deleteAuthorSession', action: { type: 'end-session' }, times: 1 });
    const gone = await s.loudvoice('DELETE', `/loudvoice/authors/sessions/${second.author_session_token}.json?confirm_deletion=true`);
    expect(gone.status).toBe(404);
    const list = (await (await s.loudvoice('GET', '/loudvoice/authors/sessions.json')).json()) as { response: { result: { data: { author_sessions: { entries: { author_session_token: string }[] } } } } };
    expect(list.response.result.data.author_sessions.entries.map((e) => e.author_session_token)).not.toContain(second.author_session_token);
  });
});

describe('chaos rules: matching, seeds, reach', () => {
  it('with a probability and a seed, fails the same requests on two servers', async () => {
    const statuses = async (seed: number) => {
      const s = await server();
      await s.addRule({ operationId: 'ping', action: { type: 'error', status: 503 }, probability: 0.5, seed });
      const seen: number[] = [];
      for (let i = 0; i < 24; i++) seen.push((await s.loudvoice('GET', '/tools/ping.json')).status);
      return seen.map((status) => (status === 503 ? 'x' : '.')).join('');
    };
    const one = await statuses(42);
    expect(one).toMatch(/x/);
    expect(one).toMatch(/\./);
    expect(await statuses(42)).toBe(one);
    expect(await statuses(7)).not.toBe(one);
  });

  it('matches an operationId exactly: loginVersioned is /session/{version}/login, not /session/login', async () => {
    const s = await server();
    await s.addRule({ operationId: 'loginVersioned', action: { type: 'error', status: 500 } });
    await s.addRule({ operationId: 'getAuthor', action: { type: 'error', status: 502 } });
    expect((await s.login()).status).toBe(200);
    expect((await s.login('/session/v6.0/login')).status).toBe(500);
    expect((await s.login('/session/v3.1/login')).status).toBe(500);
    expect((await s.loudvoice('GET', '/loudvoice/authors/875b8930-eff8-4c2d-a594-3f4cc4ed4d0d.json')).status).toBe(502);
    expect((await s.loudvoice('GET', '/loudvoice/authors/author.json?author_reference=USER-123456')).status).toBe(200);
  });

  it('never touches /__admin or /__idp, even with a rule that matches everything', async () => {
    const s = await server();
    await s.addRule({ action: { type: 'error', status: 503 } });
    await s.addRule({ action: { type: 'drop' } });
    expect((await s.login()).status).toBe(503);
    expect((await fetch(`${s.base}/__admin/clock`)).status).toBe(200);
    expect((await fetch(`${s.base}/__admin/sessions`)).status).toBe(200);
    expect((await fetch(`${s.base}/__idp/jwks.json`)).status).toBe(200);
    expect((await s.rules()).rules).toHaveLength(2);
    expect((await fetch(`${s.base}/__admin/chaos`, { method: 'DELETE', headers: { 'x-session-kit': '1' } })).status).toBe(204);
    expect((await s.login()).status).toBe(200);
  });

  it('keeps its rules across POST /__admin/reset (they are setup, not state); DELETE removes one or all', async () => {
    const s = await server();
    const rule = await s.addRule({ operationId: 'ping', action: { type: 'error', status: 503 } });
    const other = await s.addRule({ operationId: 'login', action: { type: 'error', status: 503 } });
    expect((await fetch(`${s.base}/__admin/reset`, { method: 'POST', headers: { 'x-session-kit': '1' } })).status).toBe(204);
    expect((await s.rules()).rules.map((r) => r.id)).toEqual([rule.id, other.id]);
    expect((await s.loudvoice('GET', '/tools/ping.json')).status).toBe(503);
    expect((await fetch(`${s.base}/__admin/chaos/${rule.id}`, { method: 'DELETE', headers: { 'x-session-kit': '1' } })).status).toBe(204);
    const unknown = await fetch(`${s.base}/__admin/chaos/${rule.id}`, { method: 'DELETE', headers: { 'x-session-kit': '1' } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ code: 'CHAOS_RULE_NOT_FOUND', message: `No chaos rule with id "${rule.id}"` });
    expect((await s.loudvoice('GET', '/tools/ping.json')).status).toBe(200);
    expect((await s.login()).status).toBe(503);
  });

  it('refuses an invalid rule with 400 in the admin shape, and adds nothing', async () => {
    const s = await server();
    for (const body of ['{"action":', '[]', JSON.stringify({ action: { type: 'error', status: 418 } }), JSON.stringify({ operationId: 'nope', action: { type: 'drop' } }), JSON.stringify({ action: { type: 'drop' }, probability: 2 })]) {
      const res = await fetch(`${s.base}/__admin/chaos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status, body).toBe(400);
      const error = (await res.json()) as { code: string; message: string };
      expect(Object.keys(error).sort()).toEqual(['code', 'message']);
      expect(['BODY_INVALID', 'CHAOS_RULE_INVALID']).toContain(error.code);
    }
    const named = await fetch(`${s.base}/__admin/chaos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: { type: 'error', status: 418 } }) });
    expect(((await named.json()) as { message: string }).message).toBe('Invalid chaos rule: error status must be one of 429, 500, 502, 503');
    expect((await s.rules()).rules).toEqual([]);
    expect((await fetch(`${s.base}/__admin/chaos`, { method: 'PUT' })).status).toBe(405);
  });

  it('sits behind the admin token like every admin control', async () => {
    const token = 'chaos-admin-token';
    const s = await server({ admin: { enabled: true, token } }, token);
    for (const [method, path] of [['POST', '/__admin/chaos'], ['GET', '/__admin/chaos'], ['DELETE', '/__admin/chaos'], ['DELETE', '/__admin/chaos/chaos-1']] as const) {
      for (const authorization of [undefined, 'Bearer wrong']) {
        const res = await fetch(`${s.base}${path}`, {
          method,
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          ...(method === 'POST' ? { body: JSON.stringify({ action: { type: 'drop' } }) } : {}),
        });
        expect(res.status, `${method} ${path} ${authorization}`).toBe(401);
        expect(((await res.json()) as { code: string }).code).toBe('ADMIN_UNAUTHORIZED');
      }
    }
    expect((await s.rules()).rules).toEqual([]);
    await s.addRule({ operationId: 'login', action: { type: 'error', status: 503 } });
    expect((await s.login()).status).toBe(503);
  });
});

describe('what the journal reads', () => {
  it('chaosOf(request) names the rule that fired and what it did (the delay drawn), and nothing for other requests', async () => {
    const { app } = await testApp();
    opened.push(app);
    const seen: unknown[] = [];
    app.addHook('onResponse', (request, _reply, done) => {
      seen.push(chaosOf(request) ?? null);
      done();
    });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const add = (rule: unknown) => fetch(`${base}/__admin/chaos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
    await add({ operationId: 'ping', action: { type: 'delay', ms: 5, jitterMs: 10 }, times: 1 });
    await add({ operationId: 'ping', action: { type: 'error', status: 503, retryAfterSeconds: 2 }, times: 1 });
    seen.length = 0;
    for (let i = 0; i < 3; i++) await fetch(`${base}/tools/ping.json`, { headers: { Authorization: LOUDVOICE_AUTH } });
    expect(seen).toHaveLength(3);
    const [delayed, failed, plain] = seen as [{ ruleId: string; action: { type: string; ms: number } }, unknown, unknown];
    expect(delayed.ruleId).toBe('chaos-1');
    expect(delayed.action.type).toBe('delay');
    expect(delayed.action.ms >= 5 && delayed.action.ms <= 15).toBe(true);
    expect(failed).toEqual({ ruleId: 'chaos-2', action: { type: 'error', status: 503, retryAfterSeconds: 2 } });
    expect(plain).toBeNull();
  });
});

describe('--latency', () => {
  it('delays every API request by at least its value, never an admin request', async () => {
    const s = await server({ latency: { minMs: 50, maxMs: 60 } });
    let started = performance.now();
    expect((await s.login()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
    started = performance.now();
    expect((await s.loudvoice('GET', '/tools/ping.json')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
    expect((await s.rules()).latency).toEqual({ minMs: 50, maxMs: 60 });
  });

  it('leaves admin requests alone even with a 10-minute latency; closing the server lets waiting requests through', async () => {
    const s = await server({ latency: { minMs: 600_000, maxMs: 600_000 } });
    let answered = false;
    const pending = s.login().then((res) => {
      answered = true;
      return res.status;
    });
    // The admin calls answer although the login waits out its 10 minutes.
    expect((await fetch(`${s.base}/__admin/clock`)).status).toBe(200);
    expect((await s.rules()).latency).toEqual({ minMs: 600_000, maxMs: 600_000 });
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    const app = opened.pop()!;
    await app.close();
    expect(await pending).toBe(200);
  });
});
