// Admin controls: the clock moves forward only, reset returns to the fixtures, the sessions view shows what is
// live, and an admin token, when configured, is required.
import { describe, expect, it } from 'vitest';
import { DEMO, LOUDVOICE_AUTH, T0, appsClosedAfterEach } from './helpers/test-app.js';

const open = appsClosedAfterEach();

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url,
  headers: { 'content-type': 'application/json', ...headers },
  payload: JSON.stringify(payload),
});

describe('admin clock', () => {
  it('reads and advances the clock', async () => {
    const { app } = await open();
    expect((await app.inject({ method: 'GET', url: '/__admin/clock' })).json()).toEqual({ now: new Date(T0).toISOString(), epochMs: T0, mode: 'fixed' });
    const moved = await app.inject(post('/__admin/clock', { advanceMs: 7_200_000 }));
    expect(moved.statusCode).toBe(200);
    expect(moved.json().epochMs).toBe(T0 + 7_200_000);
    const set = await app.inject(post('/__admin/clock', { now: '2026-02-01T00:00:00Z' }));
    expect(set.json().now).toBe('2026-02-01T00:00:00.000Z');
  });

  it('stands still in fixed mode and follows real time in system mode, continuing from where it was', async () => {
    const { app } = await open();
    const moved = await app.inject(post('/__admin/clock', { advanceMs: 60_000 }));
    expect(moved.json().epochMs).toBe(T0 + 60_000);
    const system = await app.inject(post('/__admin/clock', { mode: 'system' }));
    expect(system.json()).toMatchObject({ mode: 'system' });
    expect(system.json().epochMs).toBeGreaterThanOrEqual(T0 + 60_000);
    await new Promise((r) => setTimeout(r, 20));
    const later = (await app.inject({ method: 'GET', url: '/__admin/clock' })).json().epochMs;
    expect(later).toBeGreaterThan(system.json().epochMs);
    const fixed = await app.inject(post('/__admin/clock', { mode: 'fixed' }));
    await new Promise((r) => setTimeout(r, 20));
    expect((await app.inject({ method: 'GET', url: '/__admin/clock' })).json().epochMs).toBe(fixed.json().epochMs);
    expect(fixed.json().epochMs).toBeGreaterThanOrEqual(later);
    expect((await app.inject(post('/__admin/clock', { mode: 'sundial' }))).statusCode).toBe(400);
  });

  it('never goes backwards, and refuses nonsense', async () => {
    const { app } = await open();
    const back = await app.inject(post('/__admin/clock', { now: '2020-01-01T00:00:00Z' }));
    expect(back.statusCode).toBe(409);
    expect(back.json().code).toBe('CLOCK_BACKWARDS');
    for (const body of [{ advanceMs: -1 }, { advanceMs: 1.5 }, { advanceMs: '10' }, { now: 'yesterday' }, {}, { advanceMs: 1, now: '2027-01-01T00:00:00Z' }]) {
      const res = await app.inject(post('/__admin/clock', body));
      expect(res.statusCode, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
    }
    expect((await app.inject({ method: 'GET', url: '/__admin/clock' })).json().epochMs).toBe(T0);
  });
});

describe('admin reset and sessions', () => {
  it('shows live sessions without their secrets, and reset forgets them', async () => {
    const { app } = await open();
    const login = await app.inject(post('/session/login', DEMO.user, { 'lv-access': DEMO.token1 }));
    const sessionId = login.json().sessionId;
    const view = (await app.inject({ method: 'GET', url: '/__admin/sessions' })).json();
    expect(view.livevox).toHaveLength(1);
    // Without the admin token (none is set here) the id is shortened as the console shows it: a bearer credential.
    expect(view.livevox[0]).toMatchObject({ sessionId: `…${sessionId.slice(-4)}`, userName: 'demo.user', apiTokenSuffix: '1111' });
    expect(JSON.stringify(view)).not.toContain(sessionId);
    expect(JSON.stringify(view)).not.toContain(DEMO.token1);
    expect(JSON.stringify(view)).not.toContain(DEMO.user.password);
    expect((await app.inject({ method: 'POST', url: '/__admin/reset', payload: {} })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/__admin/sessions' })).json().livevox).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/session/details', headers: { 'lv-session': sessionId } })).statusCode).toBe(401);
  });

  it('returns the clock to the real time on reset, in the mode it started in', async () => {
    const { app } = await open();
    expect((await app.inject({ method: 'POST', url: '/__admin/clock', payload: { advanceMs: 5 * 3_600_000 } })).statusCode).toBe(200);
    const before = Date.now();
    await app.inject({ method: 'POST', url: '/__admin/reset', payload: {} });
    const clock = (await app.inject({ method: 'GET', url: '/__admin/clock' })).json();
    expect(clock.epochMs).toBeGreaterThanOrEqual(before);
    expect(clock.epochMs).toBeLessThan(before + 60_000);
    expect(clock.mode).toBe('fixed');
  });

  it('restores changed passwords on reset', async () => {
    const { app } = await open();
    const changed = await app.inject(post('/session/password', { ...DEMO.user, newPassword: 'Changed-99' }, { 'lv-access': DEMO.token1 }));
    expect(changed.statusCode).toBe(204);
    await app.inject({ method: 'POST', url: '/__admin/reset', payload: {} });
    expect((await app.inject(post('/session/login', DEMO.user, { 'lv-access': DEMO.token1 }))).statusCode).toBe(200);
  });
});

describe('admin token', () => {
  it('is required on every admin route when configured, and compared exactly', async () => {
    const { app } = await open({ admin: { enabled: true, token: 's3cret-admin-token' } });
    for (const auth of [undefined, 'Bearer wrong', 'Bearer s3cret-admin-token-', 's3cret-admin-token']) {
      const res = await app.inject({ method: 'GET', url: '/__admin/clock', headers: auth ? { authorization: auth } : {} });
      expect(res.statusCode).toBe(401);
    }
    const ok = await app.inject({ method: 'GET', url: '/__admin/clock', headers: { authorization: 'Bearer s3cret-admin-token' } });
    expect(ok.statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/__admin/reset', payload: {} })).statusCode).toBe(401);
    expect((await app.inject(post('/__idp/token', { clientName: 'DEMO', userName: 'demo.user' }))).statusCode).toBe(401);
  });

  it('is absent when admin is disabled: the routes do not exist', async () => {
    const { app } = await open({ admin: { enabled: false } });
    expect((await app.inject({ method: 'GET', url: '/__admin/clock' })).statusCode).toBe(404);
  });
});

describe('one API per server', () => {
  it('a LoudVoice-only server owns every path: credentials first, then a LoudVoice 404; admin stays reachable', async () => {
    const { app } = await open({ api: 'loudvoice' });
    const noAuth = await app.inject({ method: 'POST', url: '/session/login' });
    expect(noAuth.statusCode).toBe(401);
    expect(noAuth.json().response.request.status.code).toBe(401);
    const authed = await app.inject({ method: 'POST', url: '/session/login', headers: { authorization: LOUDVOICE_AUTH } });
    expect(authed.statusCode).toBe(404);
    expect(authed.json().response.request.status.flag).toBe('error');
    expect((await app.inject({ method: 'GET', url: '/__admin/clock' })).statusCode).toBe(200);
  });

  it('a LiveVox-only server answers LoudVoice paths as unknown LiveVox routes', async () => {
    const { app } = await open({ api: 'livevox' });
    const res = await app.inject({ method: 'GET', url: '/loudvoice/authors.json', headers: { authorization: LOUDVOICE_AUTH } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 10013, message: expect.any(String) });
  });
});
