// The test-only variants (src/core/variants.ts), in process: each one changes exactly what it says, and the same
// request without it still gets the reference's answer (the control). All variants together still serve a login and
// a session PUT, with every fault on too. These are session-kit's own choices, not vendor rules: a variant is a
// different but correct answer a vendor could give where its documentation is silent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFixtures } from '../src/config/fixtures.js';
import { FAULTS, type FaultName } from '../src/core/faults.js';
import { isVariantName, VARIANTS, type VariantName } from '../src/core/variants.js';
import type { ServerState } from '../src/state/server-state.js';
import { rfc2822 } from '../src/http/loudvoice/rfc2822.js';
import type { AppConfig } from '../src/http/app.js';
import type { ControlledClock } from '../src/runtime/clock.js';
import type { TestIdentityProvider } from '../src/sso/test-identity-provider.js';
import { DEMO, LOUDVOICE_AUTH, T0, testApp } from './helpers/test-app.js';

const TWO_HOURS = 2 * 60 * 60 * 1000;
const FIX = {
  authorToken: '875b8930-eff8-4c2d-a594-3f4cc4ed4d0d',
  discussionToken: '4f1c2a7e-2b7d-4c57-9a63-7f0d2d9b1c10',
  comment1: '9b2e6f1a-4c3d-4e8f-a1b2-c3d4e5f60718',
} as const;
const UNKNOWN_UUID = '5eb4ad6c-50b7-45da-8d56-f4e9ac7d9cbd';

type App = FastifyInstance & { state: ServerState };

/** One server under test, with helpers for both APIs. */
interface Server_ {
  app: App;
  clock: ControlledClock;
  idp: TestIdentityProvider;
  lv(method: string, url: string, headers?: Record<string, string | string[]>, body?: unknown): Promise<LightMyRequestResponse>;
  login(creds?: object, token?: string): Promise<string>;
  ldv(method: string, url: string, body?: unknown, auth?: string | null): Promise<{ status: number; headers: LightMyRequestResponse['headers']; json: any }>;
}

const open: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((a) => a.close()));
});

/** A server with these variants on (none: the reference, the control). */
async function server(variants: VariantName[] = [], overrides: Partial<AppConfig> = {}): Promise<Server_> {
  const { app, clock, idp } = await testApp({ variants: new Set(variants), ...overrides });
  open.push(app);
  const lv: Server_['lv'] = (method, url, headers = {}, body) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  const login: Server_['login'] = async (creds = DEMO.user, token = DEMO.token1) => {
    const res = await lv('POST', '/session/login', { 'lv-access': token }, creds);
    expect(res.statusCode).toBe(200);
    return res.json().sessionId;
  };
  const ldv: Server_['ldv'] = async (method, url, body, auth = LOUDVOICE_AUTH) => {
    const headers: Record<string, string> = {};
    if (auth !== null) headers['authorization'] = auth;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.inject({ method: method as 'GET', url, headers, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
    return { status: res.statusCode, headers: res.headers, json: res.json() };
  };
  return { app: app as App, clock, idp, lv, login, ldv };
}

const sessionPut = (author: Record<string, unknown>, session?: Record<string, unknown>) => ({
  request: { author_session: { author, ...(session ? { session } : {}) } },
});
const info = (json: any): string => json.response.request.status.info;
const statusCode = (json: any): number => json.response.request.status.code;
const data = (json: any) => json.response.result.data;

describe('the variants table', () => {
  it('names every variant with what it changes and the rules it exercises', () => {
    expect(Object.keys(VARIANTS)).toHaveLength(24);
    for (const [name, v] of Object.entries(VARIANTS)) {
      expect(isVariantName(name)).toBe(true);
      expect(v.what.length).toBeGreaterThan(10);
      expect(v.rules.length).toBeGreaterThan(0);
      for (const rule of v.rules) expect(rule).toMatch(/^(LVX|LDV)-[A-Z0-9-]+$/);
    }
    expect(isVariantName('livevox-no-expiry')).toBe(false);
  });

  it('all together build and serve a LiveVox login and a LoudVoice session PUT, every fault on too', async () => {
    const all = Object.keys(VARIANTS) as VariantName[];
    for (const faults of [new Set<FaultName>(), new Set(Object.keys(FAULTS) as FaultName[])]) {
      const s = await server(all, { faults });
      const login = await s.lv('POST', '/session/login', { 'lv-access': DEMO.token1 }, DEMO.user);
      // livevox-login-201 is among them.
      expect(login.statusCode).toBe(201);
      expect(login.json().lvResult).toBe('OK');
      const put = await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_reference: 'ALL-1', name: 'All' }));
      // With every fault on, the status faults contradict each other (200 for a new author, 201 for an existing one).
      if (faults.size === 0) expect(put.status).toBe(201);
      else expect([200, 201]).toContain(put.status);
      // (loudvoice-absent-omitted drops null fields, so the extra null field shows only without faults.)
      if (faults.size === 0) expect(data(put.json).author_session.ip_address).toBeNull();
      else expect(data(put.json).author_session.author_session_token).toEqual(expect.any(String));
    }
  });
});

describe('livevox-authorization-403', () => {
  it('answers every LiveVox Authorization error with 403, other errors as before', async () => {
    const s = await server(['livevox-authorization-403']);
    const noAccess = await s.lv('POST', '/session/login', {}, DEMO.user);
    const wrong = await s.lv('POST', '/session/login', { 'lv-access': DEMO.token1 }, { ...DEMO.user, password: 'wrong-password-1' });
    const noSession = await s.lv('GET', '/session/details');
    const malformed = await s.lv('POST', '/session/login', { 'lv-access': DEMO.token1 }, { clientName: 'DEMO' });
    expect([noAccess.statusCode, wrong.statusCode, noSession.statusCode, malformed.statusCode]).toEqual([403, 403, 403, 400]);
    expect(noAccess.json().code).toBe(10001);
  });

  it('control: 401 without the variant', async () => {
    const s = await server();
    expect((await s.lv('POST', '/session/login', {}, DEMO.user)).statusCode).toBe(401);
  });
});

describe('livevox-login-201', () => {
  it('answers a successful login with 201 and the same body; a refused login keeps its status', async () => {
    const s = await server(['livevox-login-201']);
    const login = await s.lv('POST', '/session/login', { 'lv-access': DEMO.token1 }, DEMO.user);
    expect(login.statusCode).toBe(201);
    expect(login.json()).toMatchObject({ sessionId: expect.any(String), clientId: expect.any(Number), userId: expect.any(Number) });
    const again = await s.lv('POST', '/session/login', { 'lv-access': DEMO.token1 }, DEMO.user);
    expect([again.statusCode, again.json().sessionId]).toEqual([201, login.json().sessionId]);
    const wrong = await s.lv('POST', '/session/login', { 'lv-access': DEMO.token1 }, { ...DEMO.user, password: 'wrong-password-1' });
    expect(wrong.statusCode).toBe(401);
  });

  it('control: 200 without the variant', async () => {
    const s = await server();
    expect((await s.lv('POST', '/session/login', { 'lv-access': DEMO.token1 }, DEMO.user)).statusCode).toBe(200);
  });
});

describe('livevox-error-codes', () => {
  it('numbers LiveVox errors 9000 lower and words them differently; statuses stay', async () => {
    const s = await server(['livevox-error-codes']);
    const missing = await s.lv('POST', '/session/login', {}, DEMO.user);
    expect(missing.statusCode).toBe(401);
    expect(missing.json().code).toBe(1001);
    expect(missing.json().message).toMatch(/^Error: /);
    expect(missing.json().message).not.toContain('LV-Access header is missing');
    const bad = await s.lv('POST', '/session/login', { 'lv-access': DEMO.token1 }, { clientName: 'DEMO' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe(1008);
    expect(bad.json().message).toContain('userName is required');
    const route = await s.lv('GET', '/nowhere');
    expect([route.statusCode, route.json().code]).toEqual([404, 1013]);
  });

  it('control: the catalogue codes and messages', async () => {
    const s = await server();
    const missing = await s.lv('POST', '/session/login', {}, DEMO.user);
    expect(missing.json()).toEqual({ code: 10001, message: 'LV-Access header is missing' });
  });
});

describe('livevox-validate-200', () => {
  it('answers validate of a live session 200 {"valid": true} as JSON; an unknown one is still 404', async () => {
    const s = await server(['livevox-validate-200']);
    const id = await s.login();
    const res = await s.lv('GET', `/session/validate/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ valid: true });
    expect((await s.lv('GET', `/session/validate/${UNKNOWN_UUID}`)).statusCode).toBe(404);
  });

  it('control: 204', async () => {
    const s = await server();
    expect((await s.lv('GET', `/session/validate/${await s.login()}`)).statusCode).toBe(204);
  });
});

describe('livevox-logout-200', () => {
  it('answers logout of a live session 200 with an empty body, and the session ends', async () => {
    const s = await server(['livevox-logout-200']);
    const id = await s.login();
    const res = await s.lv('DELETE', `/session/logout/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expect((await s.lv('GET', `/session/validate/${id}`)).statusCode).toBe(404);
    expect((await s.lv('DELETE', `/session/logout/${id}`)).statusCode).toBe(404);
  });

  it('control: 204', async () => {
    const s = await server();
    expect((await s.lv('DELETE', `/session/logout/${await s.login()}`)).statusCode).toBe(204);
  });
});

describe('livevox-no-session-details', () => {
  it('has no details read: 404 ROUTE_NOT_FOUND, plain and versioned', async () => {
    const s = await server(['livevox-no-session-details']);
    const id = await s.login();
    for (const url of ['/session/details', '/session/v6.0/details']) {
      const res = await s.lv('GET', url, { 'lv-session': id });
      expect([res.statusCode, res.json().code]).toEqual([404, 10013]);
    }
  });

  it('control: 200', async () => {
    const s = await server();
    expect((await s.lv('GET', '/session/details', { 'lv-session': await s.login() })).statusCode).toBe(200);
  });
});

describe('livevox-auth-before-routing', () => {
  it('answers unknown paths and versions 401 without a live LV-Session, 404 with one', async () => {
    const s = await server(['livevox-auth-before-routing']);
    const id = await s.login();
    for (const url of ['/contact/contacts/', '/session/v9.9/details', '/session/validate']) {
      const none = await s.lv('GET', url);
      expect([none.statusCode, none.json().code], url).toEqual([401, 10004]);
      const invalid = await s.lv('GET', url, { 'lv-session': UNKNOWN_UUID });
      expect([invalid.statusCode, invalid.json().code], url).toEqual([401, 10005]);
      const live = await s.lv('GET', url, { 'lv-session': id });
      expect([live.statusCode, live.json().code], url).toEqual([404, 10013]);
    }
    const versionedLogin = await s.lv('POST', '/session/v9.9/login', { 'lv-access': DEMO.token1 }, DEMO.user);
    expect(versionedLogin.statusCode).toBe(401);
  });

  it('answers a wrong method 401 (no Allow) without a live LV-Session, 405 with Allow with one', async () => {
    const s = await server(['livevox-auth-before-routing']);
    const none = await s.lv('GET', '/session/login');
    expect([none.statusCode, none.json().code]).toEqual([401, 10004]);
    expect(none.headers['allow']).toBeUndefined();
    const live = await s.lv('GET', '/session/login', { 'lv-session': await s.login() });
    expect([live.statusCode, live.json().code]).toEqual([405, 10014]);
    expect(live.headers['allow']).toBe('POST');
  });

  it('leaves the session paths with their own methods alone', async () => {
    const s = await server(['livevox-auth-before-routing']);
    expect((await s.lv('GET', `/session/validate/${UNKNOWN_UUID}`)).statusCode).toBe(404);
    expect((await s.lv('DELETE', `/session/logout/${UNKNOWN_UUID}`)).statusCode).toBe(404);
    await s.login();
  });

  it('control: 404 and 405 before any header check', async () => {
    const s = await server();
    expect((await s.lv('GET', '/contact/contacts/')).statusCode).toBe(404);
    expect((await s.lv('GET', '/session/login')).statusCode).toBe(405);
  });
});

describe('livevox-validate-refreshes', () => {
  const run = async (variants: VariantName[]) => {
    const s = await server(variants);
    const id = await s.login();
    s.clock.advance(TWO_HOURS / 2);
    expect((await s.lv('GET', `/session/validate/${id}`)).statusCode).toBe(204);
    s.clock.advance(TWO_HOURS / 2 + 1);
    return (await s.lv('GET', '/session/details', { 'lv-session': id })).statusCode;
  };

  it('counts validate as activity: the session outlives 2 h after login', async () => {
    expect(await run(['livevox-validate-refreshes'])).toBe(200);
  });

  it('control: validate does not refresh', async () => {
    expect(await run([])).toBe(401);
  });
});

describe('livevox-login-no-refresh', () => {
  const run = async (variants: VariantName[]) => {
    const s = await server(variants);
    const id = await s.login();
    s.clock.advance(TWO_HOURS / 2);
    expect(await s.login()).toBe(id);
    s.clock.advance(TWO_HOURS / 2);
    return (await s.lv('GET', '/session/details', { 'lv-session': id })).statusCode;
  };

  it('returns the live session without refreshing it', async () => {
    expect(await run(['livevox-login-no-refresh'])).toBe(401);
  });

  it('control: the login refreshes it', async () => {
    expect(await run([])).toBe(200);
  });
});

describe('livevox-expiry-inclusive', () => {
  it('keeps a session live at exactly 2 h and ends it at 2 h + 1 ms, the sweep included', async () => {
    const s = await server(['livevox-expiry-inclusive']);
    const first = await s.login();
    s.clock.advance(1000);
    const second = await s.login(DEMO.other, DEMO.otherToken);
    s.clock.advance(TWO_HOURS - 1000);
    s.app.state.expire();
    expect(s.app.state.livevox.liveSessionCount()).toBe(2);
    expect((await s.lv('GET', `/session/validate/${first}`)).statusCode).toBe(204);
    s.clock.advance(1);
    s.app.state.expire();
    expect(s.app.state.livevox.liveSessionCount()).toBe(1);
    expect((await s.lv('GET', `/session/validate/${first}`)).statusCode).toBe(404);
    s.clock.advance(999);
    expect((await s.lv('GET', `/session/validate/${second}`)).statusCode).toBe(204);
    s.clock.advance(1);
    expect(s.app.state.livevox.liveSessionCount()).toBe(0);
  });

  it('control: expired at exactly 2 h', async () => {
    const s = await server();
    const id = await s.login();
    s.clock.advance(TWO_HOURS);
    expect((await s.lv('GET', `/session/validate/${id}`)).statusCode).toBe(404);
  });
});

describe('livevox-header-repeated-first-wins', () => {
  it('uses the first value of a repeated LV-Session or LV-Access', async () => {
    const s = await server(['livevox-header-repeated-first-wins']);
    const id = await s.login(DEMO.user, DEMO.token1);
    expect((await s.lv('GET', '/session/details', { 'lv-session': [id, UNKNOWN_UUID] })).statusCode).toBe(200);
    expect((await s.lv('GET', '/session/details', { 'lv-session': `${id}, ${UNKNOWN_UUID}` })).statusCode).toBe(200);
    expect((await s.lv('GET', '/session/details', { 'lv-session': [UNKNOWN_UUID, id] })).statusCode).toBe(401);
    const login = await s.lv('POST', '/session/login', { 'lv-access': [DEMO.token1, DEMO.otherToken] }, DEMO.user);
    expect(login.statusCode).toBe(200);
    expect(login.json().sessionId).toBe(id);
  });

  it('control: 400 code 10017', async () => {
    const s = await server();
    const id = await s.login();
    const res = await s.lv('GET', '/session/details', { 'lv-session': [id, id] });
    expect([res.statusCode, res.json().code]).toEqual([400, 10017]);
  });
});

describe('no-allow-header', () => {
  it('answers 405 in both APIs without Allow, status and body unchanged', async () => {
    const s = await server(['no-allow-header']);
    const lv = await s.lv('GET', '/session/login');
    expect([lv.statusCode, lv.json().code]).toEqual([405, 10014]);
    expect(lv.headers['allow']).toBeUndefined();
    const ldv = await s.ldv('DELETE', '/tools/ping.json');
    expect([ldv.status, statusCode(ldv.json)]).toEqual([405, 405]);
    expect(ldv.headers['allow']).toBeUndefined();
  });

  it('control: Allow on both', async () => {
    const s = await server();
    expect((await s.lv('GET', '/session/login')).headers['allow']).toBe('POST');
    expect((await s.ldv('DELETE', '/tools/ping.json')).headers['allow']).toContain('GET');
  });
});

describe('extra-response-fields', () => {
  it('adds lvResult to a LiveVox login and detail: null to LiveVox errors', async () => {
    const s = await server(['extra-response-fields']);
    const login = await s.lv('POST', '/session/login', { 'lv-access': DEMO.token1 }, DEMO.user);
    expect(login.json()).toMatchObject({ lvResult: 'OK', clientId: 1001, userId: 2001 });
    expect((await s.lv('GET', '/session/details')).json()).toEqual({ code: 10004, message: 'LV-Session header is missing', detail: null });
  });

  it('adds result.status to every LoudVoice success, is_blocked to author nodes and ip_address to session nodes', async () => {
    const s = await server(['extra-response-fields']);
    const put = await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_reference: 'X-1', name: 'X' }));
    expect(put.json.response.result.status).toEqual({ flag: 'success', count: 1 });
    expect(data(put.json).author_session).toMatchObject({ ip_address: null, author: { is_blocked: false } });
    const authors = await s.ldv('GET', '/loudvoice/authors.json');
    const entries = data(authors.json).authors.entries;
    expect(entries).toHaveLength(2);
    expect(authors.json.response.result.status).toEqual({ flag: 'success', count: 2 });
    for (const a of entries) expect(a.is_blocked).toBe(false);
    const one = await s.ldv('GET', `/loudvoice/authors/${FIX.authorToken}.json`);
    expect(data(one.json).author.is_blocked).toBe(false);
    const sessions = await s.ldv('GET', '/loudvoice/authors/sessions.json');
    expect(data(sessions.json).author_sessions.entries[0]).toMatchObject({ ip_address: null, author: { is_blocked: false } });
    expect((await s.ldv('GET', '/loudvoice/comments.json')).json.response.result.status).toEqual({ flag: 'success', count: 2 });
    expect((await s.ldv('GET', '/tools/ping.json')).json.response.result.status).toEqual({ flag: 'success', count: 0 });
    // Errors are not success envelopes: no result at all.
    expect((await s.ldv('GET', '/loudvoice/nowhere.json')).json.response.result).toBeUndefined();
  });

  it('control: none of these fields', async () => {
    const s = await server();
    expect((await s.lv('POST', '/session/login', { 'lv-access': DEMO.token1 }, DEMO.user)).json().lvResult).toBeUndefined();
    expect(Object.keys((await s.lv('GET', '/session/details')).json())).toEqual(['code', 'message']);
    const put = await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_reference: 'X-1', name: 'X' }));
    expect(Object.keys(put.json.response.result)).toEqual(['data']);
    expect(data(put.json).author_session.ip_address).toBeUndefined();
    expect(data(put.json).author_session.author.is_blocked).toBeUndefined();
  });
});

describe('loudvoice-error-info', () => {
  it('rewords every info text but the documented 401 and the observed discussion 404, still naming the node', async () => {
    const s = await server(['loudvoice-error-info']);
    const route = await s.ldv('GET', '/loudvoice/nowhere.json');
    expect(route.status).toBe(404);
    expect(info(route.json)).not.toBe('The requested resource [/loudvoice/nowhere.json] does not exist');
    expect(info(route.json)).toContain('/loudvoice/nowhere.json');
    const node = await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_reference: 'N', name: 'N', email: 'not-an-email' }));
    expect(node.status).toBe(400);
    expect(info(node.json)).not.toMatch(/^The node \[/);
    expect(info(node.json)).toContain('request->author_session->author->email');
    const credentials = await s.ldv('GET', '/tools/ping.json', undefined, null);
    expect(info(credentials.json)).toBe('Authentication credentials are missing or incorrect: http://docs.oneall.com/api/basic/authentication/');
    const discussion = await s.ldv('POST', '/loudvoice/comments.json', {
      request: { discussion: { discussion_token: UNKNOWN_UUID }, comment: { text: 'Hi', author: { name: 'Guest' } } },
    });
    expect(discussion.status).toBe(404);
    expect(info(discussion.json)).toBe('The node [request->discussion->discussion_token] is invalid, no discussion has been found for that token');
  });

  it('control: the catalogue texts', async () => {
    const s = await server();
    expect(info((await s.ldv('GET', '/loudvoice/nowhere.json')).json)).toBe('The requested resource [/loudvoice/nowhere.json] does not exist');
  });
});

describe('loudvoice-page-size-capped', () => {
  it.each([
    ['entries_per_page=1000', { entries_per_page: 500 }],
    ['entries_per_page=0', { entries_per_page: 250 }],
    ['entries_per_page=abc', { entries_per_page: 250 }],
    ['entries_per_page=2.5', { entries_per_page: 250 }],
    ['page=0', { current_page: 1 }],
    ['page=-3', { current_page: 1 }],
    ['page=x', { current_page: 1 }],
    ['order_direction=sideways', { order: { field: 'date_creation', direction: 'asc' } }],
    ['order_direction=desc&entries_per_page=7&page=2', { current_page: 2, entries_per_page: 7, order: { field: 'date_creation', direction: 'desc' } }],
  ])('never refuses %s: it reports the values used', async (query, expected) => {
    const s = await server(['loudvoice-page-size-capped']);
    const res = await s.ldv('GET', `/loudvoice/authors.json?${query}`);
    expect(res.status).toBe(200);
    expect(data(res.json).authors.pagination).toMatchObject(expected);
  });

  it('control: 400 PARAMETER_INVALID', async () => {
    const s = await server();
    expect((await s.ldv('GET', '/loudvoice/authors.json?entries_per_page=1000')).status).toBe(400);
    expect((await s.ldv('GET', '/loudvoice/authors.json?page=0')).status).toBe(400);
  });
});

describe('loudvoice-expires-in-unbounded', () => {
  it('accepts any positive safe integer, echoes it and keeps date_expiration a real date', async () => {
    const s = await server(['loudvoice-expires-in-unbounded']);
    const year = await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_reference: 'U-1', name: 'U' }, { expires_in: 31_536_001 }));
    expect(year.status).toBe(201);
    expect(data(year.json).author_session.expires_in).toBe(31_536_001);
    expect(data(year.json).author_session.date_expiration).toBe(rfc2822(T0 + 31_536_001_000));
    const huge = await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_reference: 'U-2', name: 'U' }, { expires_in: Number.MAX_SAFE_INTEGER }));
    expect(huge.status).toBe(201);
    expect(data(huge.json).author_session.expires_in).toBe(Number.MAX_SAFE_INTEGER);
    expect(data(huge.json).author_session.date_expiration).toBe('Fri, 31 Dec 9999 23:59:59 +0000');
    const listed = await s.ldv('GET', '/loudvoice/authors/sessions.json');
    expect(data(listed.json).author_sessions.pagination.total_entries).toBe(2);
    expect(s.app.state.snapshot().loudvoice.sites['demo']!.sessions).toHaveLength(2);
    for (const bad of [0, -1, 1.5, 2 ** 53, '60']) {
      const res = await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_reference: 'U-3', name: 'U' }, { expires_in: bad }));
      expect(res.status, String(bad)).toBe(400);
    }
  });

  it('control: above one year is refused', async () => {
    const s = await server();
    const res = await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_reference: 'U-1', name: 'U' }, { expires_in: 31_536_001 }));
    expect(res.status).toBe(400);
  });
});

describe('loudvoice-last-update-every-put', () => {
  const run = async (variants: VariantName[]) => {
    const s = await server(variants);
    s.clock.advance(60_000);
    const author = await s.ldv('PUT', `/loudvoice/authors/${FIX.authorToken}.json`, { request: { author: { name: 'John Doe' } } });
    const discussion = await s.ldv('PUT', `/loudvoice/discussions/${FIX.discussionToken}.json`, { request: { discussion: { title: 'Welcome to LoudVoice' } } });
    const comment = await s.ldv('PUT', `/loudvoice/comments/${FIX.comment1}.json`, { request: { comment: { text: 'First!' } } });
    const statuses = [author.status, discussion.status, comment.status];
    const dates = [data(author.json).author, data(discussion.json).discussion, data(comment.json).comment].map((n) => n.date_last_update);
    return { s, statuses, dates };
  };

  it('sets date_last_update on every PUT, even when nothing changed', async () => {
    const { s, statuses, dates } = await run(['loudvoice-last-update-every-put']);
    expect(statuses).toEqual([200, 200, 200]);
    expect(dates).toEqual(Array(3).fill(rfc2822(T0 + 60_000)));
    // A session PUT whose author details did not change updates the author too.
    s.clock.advance(60_000);
    const put = await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_token: FIX.authorToken }));
    expect(put.status).toBe(200);
    expect(data(put.json).author_session.author.date_last_update).toBe(rfc2822(T0 + 120_000));
  });

  it('control: unchanged values leave it null', async () => {
    const { s, statuses, dates } = await run([]);
    expect(statuses).toEqual([200, 200, 200]);
    expect(dates).toEqual([null, null, null]);
    const put = await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_token: FIX.authorToken }));
    expect(data(put.json).author_session.author.date_last_update).toBeNull();
  });
});

describe('loudvoice-session-token-rotates', () => {
  it('issues a new token on refresh; the old one is gone at once, one live session per author', async () => {
    const s = await server(['loudvoice-session-token-rotates']);
    const first = await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_reference: 'R-1', name: 'R' }));
    expect(first.status).toBe(201);
    const old = data(first.json).author_session;
    s.clock.advance(1000);
    const again = await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_reference: 'R-1', name: 'R' }));
    expect(again.status).toBe(200);
    const fresh = data(again.json).author_session;
    expect(fresh.author_session_token).not.toBe(old.author_session_token);
    expect(fresh.date_creation).toBe(old.date_creation);
    expect(fresh.date_last_update).toBe(rfc2822(T0 + 1000));
    const byAuthor = await s.ldv('GET', `/loudvoice/authors/sessions.json?filters=author_token:eq:${fresh.author.author_token}`);
    expect(data(byAuthor.json).author_sessions.entries.map((e: any) => e.author_session_token)).toEqual([fresh.author_session_token]);
    const all = await s.ldv('GET', '/loudvoice/authors/sessions.json');
    expect(data(all.json).author_sessions.entries.map((e: any) => e.author_session_token)).toEqual([fresh.author_session_token]);
    expect((await s.ldv('DELETE', `/loudvoice/authors/sessions/${old.author_session_token}.json?confirm_deletion=true`)).status).toBe(404);
    expect((await s.ldv('DELETE', `/loudvoice/authors/sessions/${fresh.author_session_token}.json?confirm_deletion=true`)).status).toBe(200);
  });

  it('control: the token is kept', async () => {
    const s = await server();
    const first = await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_reference: 'R-1', name: 'R' }));
    const again = await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_reference: 'R-1', name: 'R' }));
    expect(data(again.json).author_session.author_session_token).toBe(data(first.json).author_session.author_session_token);
  });
});

describe('loudvoice-error-statuses', () => {
  it('answers 403 to a DELETE without confirm_deletion, 400 to unknown authors in a session PUT; nothing changes', async () => {
    const s = await server(['loudvoice-error-statuses']);
    const del = await s.ldv('DELETE', `/loudvoice/authors/${FIX.authorToken}.json`);
    expect([del.status, statusCode(del.json)]).toEqual([403, 403]);
    expect((await s.ldv('GET', `/loudvoice/authors/${FIX.authorToken}.json`)).status).toBe(200);
    const noCreate = await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_reference: 'NEW-1', name: 'N', allow_create_new: false }));
    expect([noCreate.status, statusCode(noCreate.json)]).toEqual([400, 400]);
    expect(data((await s.ldv('GET', '/loudvoice/authors.json')).json).authors.pagination.total_entries).toBe(1);
    const token = await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_token: UNKNOWN_UUID }));
    expect([token.status, statusCode(token.json)]).toEqual([400, 400]);
    // Only the session PUT: an unknown author_token on a comment stays a 404.
    const comment = await s.ldv('POST', '/loudvoice/comments.json', {
      request: { discussion: { discussion_token: FIX.discussionToken }, comment: { text: 'Hi', author: { author_token: UNKNOWN_UUID } } },
    });
    expect(comment.status).toBe(404);
  });

  it('control: 400, 404, 404', async () => {
    const s = await server();
    expect((await s.ldv('DELETE', `/loudvoice/authors/${FIX.authorToken}.json`)).status).toBe(400);
    expect((await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_reference: 'NEW-1', name: 'N', allow_create_new: false }))).status).toBe(404);
    expect((await s.ldv('PUT', '/loudvoice/authors/sessions.json', sessionPut({ author_token: UNKNOWN_UUID }))).status).toBe(404);
  });
});

describe('loudvoice-routing-before-auth', () => {
  it('answers unknown paths 404 without or with wrong credentials; known paths still need them', async () => {
    const s = await server(['loudvoice-routing-before-auth']);
    const wrong = `Basic ${Buffer.from('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa:wrong').toString('base64')}`;
    for (const auth of [null, wrong]) {
      const res = await s.ldv('GET', '/loudvoice/nowhere.json', undefined, auth);
      expect([res.status, statusCode(res.json)]).toEqual([404, 404]);
      expect((await s.ldv('GET', '/loudvoice/authors.json', undefined, auth)).status).toBe(401);
      expect((await s.ldv('PATCH', '/loudvoice/authors.json', undefined, auth)).status).toBe(401);
    }
  });

  it('control: 401 first', async () => {
    const s = await server();
    expect((await s.ldv('GET', '/loudvoice/nowhere.json', undefined, null)).status).toBe(401);
  });
});

describe('loudvoice-total-pages-one-when-empty', () => {
  it('reports total_pages 1 for an empty list', async () => {
    const s = await server(['loudvoice-total-pages-one-when-empty']);
    const res = await s.ldv('GET', '/loudvoice/authors/sessions.json');
    expect(data(res.json).author_sessions.pagination).toMatchObject({ total_entries: 0, total_pages: 1, current_page: 1 });
    expect(data((await s.ldv('GET', '/loudvoice/authors.json')).json).authors.pagination.total_pages).toBe(1);
  });

  it('control: 0', async () => {
    const s = await server();
    expect(data((await s.ldv('GET', '/loudvoice/authors/sessions.json')).json).author_sessions.pagination.total_pages).toBe(0);
  });
});

describe('loudvoice-method-not-allowed-404', () => {
  it('answers a wrong method on a known path 404 ROUTE_NOT_FOUND without Allow; credentials still first', async () => {
    const s = await server(['loudvoice-method-not-allowed-404']);
    const res = await s.ldv('DELETE', '/tools/ping.json');
    expect([res.status, statusCode(res.json)]).toEqual([404, 404]);
    expect(res.headers['allow']).toBeUndefined();
    expect(info(res.json)).toBe('The requested resource [/tools/ping.json] does not exist');
    expect((await s.ldv('DELETE', '/tools/ping.json', undefined, null)).status).toBe(401);
    // LiveVox keeps its 405.
    expect((await s.lv('GET', '/session/login')).statusCode).toBe(405);
  });

  it('control: 405', async () => {
    const s = await server();
    expect((await s.ldv('DELETE', '/tools/ping.json')).status).toBe(405);
  });
});

describe('no-test-idp', () => {
  /** A real issuer stand-in: a JWKS served over HTTP on loopback, as an Okta tenant publishes it. */
  async function issuer(): Promise<{ url: string; sign: (claims: object, now: number) => Promise<string>; close: () => Promise<void> }> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'real-1', alg: 'ES256', use: 'sig' }] });
    const http: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
    await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const sign = (claims: object, now: number) =>
      new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'real-1' })
        .setIssuer('https://idp.example.com')
        .setAudience('livevox-real')
        .setIssuedAt(Math.floor(now / 1000))
        .setExpirationTime(Math.floor(now / 1000) + 300)
        .sign(privateKey);
    return { url, sign, close: () => new Promise((done) => http.close(() => done())) };
  }

  it('has no /__idp/ routes (the admin API stays); built-in tokens no longer log in; a real issuer still does', async () => {
    const real = await issuer();
    try {
      const fixtures = structuredClone(loadFixtures());
      const other = fixtures.livevox.clients.find((c) => c.clientName === 'OTHER')!;
      other.sso = { issuer: 'https://idp.example.com', audience: 'livevox-real', jwksUri: `${real.url}/keys` };
      const s = await server(['no-test-idp'], { fixtures });
      expect((await s.lv('GET', '/__idp/jwks.json')).statusCode).toBe(404);
      expect((await s.lv('POST', '/__idp/token', {}, { clientName: 'DEMO', userName: 'demo.user' })).statusCode).toBe(404);
      expect((await s.lv('GET', '/__admin/clock')).statusCode).toBe(200);
      const builtin = await s.idp.mint({ audience: 'livevox-demo', claims: { preferred_username: 'demo.user' } }, s.clock.now());
      const refused = await s.lv('POST', '/session/sso/login', { 'lv-access': DEMO.token1 }, { clientName: 'DEMO', idToken: builtin });
      expect([refused.statusCode, refused.json().code]).toEqual([401, 10011]);
      const idToken = await real.sign({ preferred_username: 'other.user' }, s.clock.now());
      const ok = await s.lv('POST', '/session/sso/login', { 'lv-access': DEMO.otherToken }, { clientName: 'OTHER', idToken });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().clientId).toBe(1002);
    } finally {
      await real.close();
    }
  });

  it('control: the test identity provider is there', async () => {
    const s = await server();
    expect((await s.lv('GET', '/__idp/jwks.json')).statusCode).toBe(200);
  });
});

describe('livevox-no-sso-endpoint', () => {
  it('has no SSO login: 404 ROUTE_NOT_FOUND, plain and versioned', async () => {
    const s = await server(['livevox-no-sso-endpoint']);
    for (const url of ['/session/sso/login', '/session/v6.0/sso/login']) {
      const res = await s.lv('POST', url, { 'lv-access': DEMO.token1 }, { clientName: 'DEMO', idToken: 'x.y.z' });
      expect([res.statusCode, res.json().code], url).toEqual([404, 10013]);
    }
    await s.login();
  });

  it('control: the endpoint answers', async () => {
    const s = await server();
    const res = await s.lv('POST', '/session/sso/login', { 'lv-access': DEMO.token1 }, { clientName: 'DEMO', idToken: 'x.y.z' });
    expect(res.statusCode).toBe(401);
  });
});
