// LiveVox session lifecycle, in process with a manual clock: LV-Session on protected reads, the exact 2-hour
// inactivity window, what refreshes it, validate, logout, password change, the Configuration read and agents.
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControlledClock } from '../../src/runtime/clock.js';
import { DEMO, T0, testApp } from '../helpers/test-app.js';

const TWO_HOURS = 2 * 60 * 60 * 1000;

let app: FastifyInstance & { state: { livevox: { liveSessionCount(): number; expire(): void } } };
let clock: ControlledClock;
beforeEach(async () => ({ app, clock } = await testApp()));
afterEach(() => app.close());

async function loginAs(creds: object = DEMO.user, token: string = DEMO.token1): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/session/login', headers: { 'lv-access': token, 'content-type': 'application/json' }, payload: JSON.stringify(creds) });
  expect(res.statusCode).toBe(200);
  return res.json().sessionId;
}

const details = (sessionId?: string, url = '/session/details') =>
  app.inject({ method: 'GET', url, headers: sessionId === undefined ? {} : { 'lv-session': sessionId } });
const validate = (sessionId: string) => app.inject({ method: 'GET', url: `/session/validate/${sessionId}` });
const logout = (sessionId: string) => app.inject({ method: 'DELETE', url: `/session/logout/${sessionId}` });

describe('protected operations', () => {
  it('answer 200 with LV-Session and without LV-Access (the token is only needed on login)', async () => {
    const sessionId = await loginAs();
    const res = await details(sessionId);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      sessionId,
      clientId: 1001,
      clientName: 'DEMO',
      userId: 2001,
      userName: 'demo.user',
      agent: false,
      createdAt: new Date(T0).toISOString(),
      lastActivityAt: new Date(T0).toISOString(),
      expiresAt: new Date(T0 + TWO_HOURS).toISOString(),
    });
    expect((await details(sessionId, '/session/v6.0/details')).statusCode).toBe(200);
  });

  it.each([
    ['missing', undefined, 10004],
    ['empty', '', 10004],
    ['not a UUID', 'not-a-session', 10005],
    ['an unknown UUID', '5eb4ad6c-50b7-45da-8d56-f4e9ac7d9cbd', 10005],
    ['an API token instead of a session id', DEMO.token1, 10005],
  ])('refuse an LV-Session that is %s with 401', async (_name, value, code) => {
    const res = await details(value);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe(code);
  });

  it('refuse a repeated LV-Session with 400 code 10017', async () => {
    const sessionId = await loginAs();
    const res = await app.inject({ method: 'GET', url: '/session/details', headers: { 'lv-session': [sessionId, sessionId] } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe(10017);
  });

  it('read LV-Session whatever the case of its name', async () => {
    const sessionId = await loginAs();
    const res = await app.inject({ method: 'GET', url: '/session/details', headers: { 'LV-SESSION': sessionId } });
    expect(res.statusCode).toBe(200);
  });
});

describe('expiry after 2 hours of inactivity', () => {
  it('keeps a session valid at 2 h − 1 ms after its last use and ends it at exactly 2 h', async () => {
    const sessionId = await loginAs();
    clock.advance(TWO_HOURS - 1);
    expect((await validate(sessionId)).statusCode).toBe(204);
    expect((await details(sessionId)).statusCode).toBe(200); // use at T0 + 2h − 1 ms
    clock.advance(TWO_HOURS - 1);
    expect((await details(sessionId)).statusCode).toBe(200); // 2h − 1 ms after that use
    clock.advance(TWO_HOURS);
    const expired = await details(sessionId);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe(10005);
    expect((await validate(sessionId)).statusCode).toBe(404);
  });

  it('is not refreshed by validate (LVX-VALIDATE-NO-REFRESH)', async () => {
    const sessionId = await loginAs();
    clock.advance(TWO_HOURS - 10);
    expect((await validate(sessionId)).statusCode).toBe(204);
    clock.advance(10);
    expect((await validate(sessionId)).statusCode).toBe(404);
  });

  it('is refreshed by a repeated login that returns the same session', async () => {
    const sessionId = await loginAs();
    clock.advance(TWO_HOURS - 1);
    expect(await loginAs()).toBe(sessionId);
    clock.advance(TWO_HOURS - 1);
    expect((await validate(sessionId)).statusCode).toBe(204);
  });

  it('gives a new session id to a login after expiry', async () => {
    const first = await loginAs();
    clock.advance(TWO_HOURS);
    expect(await loginAs()).not.toBe(first);
  });

  it('forgets expired sessions, so memory does not grow with them', async () => {
    for (const token of [DEMO.token1, DEMO.token2]) {
      await loginAs(DEMO.user, token);
      await loginAs(DEMO.agent, token);
    }
    expect(app.state.livevox.liveSessionCount()).toBe(4);
    clock.advance(TWO_HOURS);
    app.state.livevox.expire();
    expect(app.state.livevox.liveSessionCount()).toBe(0);
  });

  it('holds for any sequence of activity gaps: live exactly when every gap is below 2 h', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.integer({ min: 0, max: TWO_HOURS - 1 }), fc.constantFrom(TWO_HOURS - 1, TWO_HOURS, TWO_HOURS + 1)), { minLength: 1, maxLength: 6 }),
        async (gaps) => {
          const sessionId = await loginAs(DEMO.user, DEMO.token2);
          let alive = true;
          for (const gap of gaps) {
            clock.advance(gap);
            const res = await details(sessionId);
            alive = alive && gap < TWO_HOURS;
            expect(res.statusCode).toBe(alive ? 200 : 401);
          }
          await logout(sessionId);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('validate and logout', () => {
  it('validate answers 204 for a live session and 404 for unknown or malformed ids, with no headers needed', async () => {
    const sessionId = await loginAs();
    expect((await validate(sessionId)).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: `/session/v5.0/validate/${sessionId}` })).statusCode).toBe(204);
    for (const id of ['5eb4ad6c-50b7-45da-8d56-f4e9ac7d9cbd', 'nonsense']) {
      const res = await validate(id);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe(10007);
    }
  });

  it('logout ends the session: later use is 401, validate 404, a second logout 404', async () => {
    const sessionId = await loginAs();
    expect((await logout(sessionId)).statusCode).toBe(204);
    expect((await details(sessionId)).statusCode).toBe(401);
    expect((await validate(sessionId)).statusCode).toBe(404);
    const again = await logout(sessionId);
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe(10007);
  });

  it('logout of one session leaves the same user’s other sessions alone', async () => {
    const one = await loginAs(DEMO.user, DEMO.token1);
    const two = await loginAs(DEMO.user, DEMO.token2);
    await logout(one);
    expect((await details(two)).statusCode).toBe(200);
  });
});

describe('change password', () => {
  const change = (body: object, token: string = DEMO.token1) =>
    app.inject({ method: 'POST', url: '/session/password', headers: { 'lv-access': token, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

  it('checks the current password, changes it, and ends every session of that user', async () => {
    const one = await loginAs(DEMO.user, DEMO.token1);
    const two = await loginAs(DEMO.user, DEMO.token2);
    const agent = await loginAs(DEMO.agent, DEMO.token1);
    const res = await change({ ...DEMO.user, newPassword: 'New-Pass-22' });
    expect(res.statusCode).toBe(204);
    expect((await details(one)).statusCode).toBe(401);
    expect((await details(two)).statusCode).toBe(401);
    expect((await details(agent)).statusCode).toBe(200); // another principal
    const oldPassword = await app.inject({ method: 'POST', url: '/session/login', headers: { 'lv-access': DEMO.token1, 'content-type': 'application/json' }, payload: JSON.stringify(DEMO.user) });
    expect(oldPassword.statusCode).toBe(401);
    expect(await loginAs({ ...DEMO.user, password: 'New-Pass-22' })).toMatch(/-/);
  });

  it.each([
    ['a wrong current password', { ...DEMO.user, password: 'nope', newPassword: 'New-Pass-22' }, 401, 10003],
    ['a new password shorter than 8', { ...DEMO.user, newPassword: 'Ab1' }, 400, 10009],
    ['a new password without a digit', { ...DEMO.user, newPassword: 'NoDigitsHere' }, 400, 10009],
    ['the same password again', { ...DEMO.user, newPassword: DEMO.user.password }, 400, 10009],
    ['no newPassword', { ...DEMO.user }, 400, 10008],
  ])('refuses %s', async (_name, body, status, code) => {
    const sessionId = await loginAs();
    const res = await change(body);
    expect(res.statusCode).toBe(status);
    expect(res.json().code).toBe(code);
    expect((await details(sessionId)).statusCode).toBe(200); // nothing ended
  });

  it('needs LV-Access and refuses the token of another client', async () => {
    const missing = await app.inject({ method: 'POST', url: '/session/password', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ ...DEMO.user, newPassword: 'New-Pass-22' }) });
    expect(missing.json().code).toBe(10001);
    const foreign = await change({ ...DEMO.user, newPassword: 'New-Pass-22' }, DEMO.otherToken);
    expect(foreign.json().code).toBe(10002);
  });
});

describe('Configuration read (GET /configuration/v6.0/callCenters)', () => {
  const callCenters = (sessionId: string, query = '') =>
    app.inject({ method: 'GET', url: `/configuration/v6.0/callCenters${query}`, headers: { 'lv-session': sessionId } });

  it("returns the session's client's call centers, a page at a time", async () => {
    const sessionId = await loginAs();
    const all = await callCenters(sessionId);
    expect(all.statusCode).toBe(200);
    expect(all.json()).toEqual({
      callCenter: [
        { callCenterId: 3001, name: 'Demo Call Center East' },
        { callCenterId: 3002, name: 'Demo Call Center West' },
      ],
      next: null,
    });
    const first = (await callCenters(sessionId, '?count=1&offset=0')).json();
    expect(first.callCenter).toHaveLength(1);
    expect(first.next).toBe('/configuration/v6.0/callCenters?offset=1&count=1');
    const past = (await callCenters(sessionId, '?offset=5')).json();
    expect(past).toEqual({ callCenter: [], next: null });
    const other = (await callCenters(await loginAs(DEMO.other, DEMO.otherToken))).json();
    expect(other.callCenter).toEqual([{ callCenterId: 3101, name: 'Other Call Center' }]);
  });

  it('refuses an agent session with 403 code 10006, before checking parameters', async () => {
    const sessionId = await loginAs(DEMO.agent);
    for (const query of ['', '?count=0']) {
      const res = await callCenters(sessionId, query);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe(10006);
    }
  });

  it.each(['?count=0', '?count=1001', '?count=abc', '?offset=-1', '?offset=1.5', '?count=', '?count=1&count=2', '?offset=9007199254740992'])('refuses %s with 400 code 10012', async (query) => {
    const res = await callCenters(await loginAs(), query);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe(10012);
  });

  it('takes every offset the contract allows, up to 9007199254740991, and names that range when refusing a larger one', async () => {
    const sessionId = await loginAs();
    expect((await callCenters(sessionId, '?offset=9007199254740991')).json()).toEqual({ callCenter: [], next: null });
    expect((await callCenters(sessionId, '?offset=99999999999999999')).json().message).toBe('Query parameter is invalid: offset must be an integer from 0 to 9007199254740991');
  });

  it('needs a session: 401 without one', async () => {
    const res = await app.inject({ method: 'GET', url: '/configuration/v6.0/callCenters' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe(10004);
  });
});
