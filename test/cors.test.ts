// CORS (--cors [ORIGIN]): off by default (no Access-Control-* header, OPTIONS is the API's 405 with Allow as ever);
// on, a preflight is answered 204 with the allowed methods, headers (both APIs' credentials) and max age, before any
// credentials check, every response carries Access-Control-Allow-Origin and Expose-Headers, and a plain OPTIONS that
// is not a preflight still gets the 405 with Allow.
import { describe, expect, it } from 'vitest';
import { parseCorsOption } from '../src/cli/serve.js';
import { UsageError } from '../src/cli/usage-error.js';
import { DEMO, LOUDVOICE_AUTH, appsClosedAfterEach, testApp } from './helpers/test-app.js';

const openApp = appsClosedAfterEach();
const open = async (overrides: Parameters<typeof testApp>[0] = {}) => (await openApp(overrides)).app;

const preflight = (url: string, origin = 'http://localhost:3000', method = 'POST', headers = 'content-type, lv-access') => ({
  method: 'OPTIONS' as const,
  url,
  headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
});

const login = { method: 'POST' as const, url: '/session/login', headers: { origin: 'http://localhost:3000', 'lv-access': DEMO.token1, 'content-type': 'application/json' }, payload: JSON.stringify(DEMO.user) };

describe('CORS off (the default)', () => {
  it('adds no Access-Control header, and OPTIONS (preflight or not) is the 405 with Allow it always was', async () => {
    const app = await open();
    const res = await app.inject(login);
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    for (const request of [preflight('/session/login'), { method: 'OPTIONS' as const, url: '/session/login' }]) {
      const options = await app.inject(request);
      expect(options.statusCode).toBe(405);
      expect(options.headers.allow).toBe('POST');
      expect(options.json()).toEqual({ code: 10014, message: expect.any(String) });
      expect(options.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});

describe('CORS on', () => {
  it('answers a preflight with the methods, both APIs’ credential headers and a max age, before any credentials check', async () => {
    const app = await open({ cors: { origin: '*' } });
    for (const url of ['/session/login', '/loudvoice/authors/sessions.json', '/session/details']) {
      const res = await app.inject(preflight(url));
      expect(res.statusCode, url).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(String(res.headers['access-control-allow-methods']).split(/,\s*/)).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'DELETE']));
      expect(String(res.headers['access-control-allow-headers']).split(/,\s*/)).toEqual(expect.arrayContaining(['Content-Type', 'LV-Access', 'LV-Session', 'Authorization']));
      expect(res.headers['access-control-max-age']).toBe('600');
      expect(res.body).toBe('');
    }
  });

  it('adds Access-Control-Allow-Origin and Expose-Headers to answers of both APIs, errors included', async () => {
    const app = await open({ cors: { origin: '*' } });
    const ok = await app.inject(login);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe('*');
    expect(String(ok.headers['access-control-expose-headers'])).toContain('Retry-After');
    const refused = await app.inject({ method: 'GET', url: '/loudvoice/authors.json', headers: { origin: 'http://localhost:3000' } });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe('*');
    const fine = await app.inject({ method: 'GET', url: '/loudvoice/authors.json', headers: { origin: 'http://localhost:3000', authorization: LOUDVOICE_AUTH } });
    expect(fine.statusCode).toBe(200);
    expect(fine.headers['access-control-allow-origin']).toBe('*');
  });

  it('leaves an OPTIONS that is not a preflight to the routes: 405 with Allow, and 404 for an unknown path', async () => {
    const app = await open({ cors: { origin: '*' } });
    const options = await app.inject({ method: 'OPTIONS', url: '/session/login' });
    expect(options.statusCode).toBe(405);
    expect(options.headers.allow).toBe('POST');
    expect(options.json()).toEqual({ code: 10014, message: expect.any(String) });
    const unknown = await app.inject({ method: 'OPTIONS', url: '/session/nothing' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ code: 10013, message: expect.any(String) });
    // Unknown paths stay unknown for every method (no catch-all route left behind by CORS).
    expect((await app.inject({ method: 'GET', url: '/session/nothing' })).statusCode).toBe(404);
  });

  it('with named origins allows those (reflected) and no other', async () => {
    const app = await open({ cors: { origin: ['http://localhost:3000', 'https://app.example'] } });
    const allowed = await app.inject(preflight('/session/login', 'https://app.example'));
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(String(allowed.headers.vary)).toContain('Origin');
    const other = await app.inject(preflight('/session/login', 'https://evil.example'));
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const answer = await app.inject({ ...login, headers: { ...login.headers, origin: 'http://localhost:3000' } });
    expect(answer.headers['access-control-allow-origin']).toBe('http://localhost:3000');
  });

  it('journals a preflight without counting it against the contracts', async () => {
    const app = await open({ cors: { origin: '*' } });
    await app.inject(preflight('/session/login'));
    const [entry] = (await app.inject({ method: 'GET', url: '/__admin/requests' })).json().requests;
    expect(entry).toMatchObject({ request: { method: 'OPTIONS', path: '/session/login' }, response: { status: 204 }, operation: null });
    expect(entry.verdict).toMatchObject({ ok: true, request: [], response: [] });
    expect(entry.verdict.unchecked[0]).toContain('preflight');
  });
});

describe('--cors ORIGIN', () => {
  it('is any origin when bare or *, a list of origins otherwise, and refuses what is not an origin', () => {
    expect(parseCorsOption('*')).toEqual({ origin: '*' });
    expect(parseCorsOption('')).toEqual({ origin: '*' });
    expect(parseCorsOption('http://localhost:3000, https://app.example')).toEqual({ origin: ['http://localhost:3000', 'https://app.example'] });
    for (const bad of ['localhost:3000', 'http://localhost:3000/app', 'ftp://x']) expect(() => parseCorsOption(bad), bad).toThrow(UsageError);
  });
});
