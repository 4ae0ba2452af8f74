// LiveVox sessions after login.
// - Every protected operation needs LV-Session; missing, malformed, unknown, logged-out ids are 401 (vendor docs L1/L2;
//   status per LiveVox's status table, observed L7). LV-Access is not needed after login (vendor docs L2).
// - Validate answers 2xx for a live session, 404 otherwise, and needs no headers (observed L5, L6; vendor docs L1).
// - Logout ends the session: later use is 401, validate 404, a second logout 404 (observed L5, L7; assumed 401).
// - A password change checks the current password and ends every session of that user (vendor docs L1).
// - Agent sessions are refused on the Configuration API with 403 (vendor docs L4).
// - Expiry: a session is live exactly while every gap between uses is below 2 hours (vendor docs L1, seed);
//   validate does not count as use (assumed). Needs the target's clock control; skipped with the reason otherwise.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, withFrozenClock } from '../harness/admin.js';
import { checking, kitHttp, rule } from '../harness/context.js';
import { everyResponseMatchesTheContract } from '../harness/contract-check.js';
import type { KitHttp } from '../harness/http.js';
import { assertProperty } from '../harness/property.js';
import { LiveVoxCalls, livevoxOf, protectedOperations } from './livevox-client.js';

const TWO_HOURS = 2 * 60 * 60 * 1000;

let http: KitHttp;
let lv: LiveVoxCalls;
let cfg: ReturnType<typeof livevoxOf>;
let token: string;
beforeAll(async () => {
  http = await kitHttp('livevox');
  lv = new LiveVoxCalls(http);
  cfg = livevoxOf(http.target);
  token = cfg.primary.apiTokens[0]!;
});

const codeOf = (body: unknown) => (body as { code?: unknown } | null)?.code;

describe('LV-Session on protected operations', () => {
  it(rule(['LVX-SESSION-REQUIRED', 'LVX-DETAILS-SESSION-MISSING', 'LVX-DETAILS-SESSION-INVALID', 'LVX-CALLCENTERS-SESSION'], 'every kind of bad LV-Session is refused with 401 on every protected operation'), async () => {
    const loggedOut = await lv.freshSession(token, cfg.primary.clientName, cfg.primary.user);
    expect((await lv.logout(loggedOut)).status).toBe(204);
    const badValue = fc.oneof(
      fc.constant({ kind: 'missing', value: undefined as string | undefined, code: 10004 }),
      fc.constant({ kind: 'logged out', value: loggedOut, code: 10005 }),
      fc.uuid().map((value) => ({ kind: 'unknown', value, code: 10005 })),
      fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '' && !s.includes(',') && /^[\x21-\x7e ]*$/.test(s)).map((value) => ({ kind: 'malformed', value, code: 10005 })),
      fc.constant({ kind: 'an API token', value: token, code: 10005 }),
    );
    await assertProperty(
      http,
      fc.asyncProperty(fc.constantFrom(...protectedOperations), badValue, async (op, bad) => {
        const res = await op.call(lv, bad.value);
        expect(res.status, `${op.name} with a ${bad.kind} LV-Session`).toBe(401);
        expect(codeOf(res.body)).toBe(bad.code);
      }),
      { numRuns: 30 },
    );
  });

  it(rule(['LVX-ACCESS-LOGIN-ONLY', 'LVX-DETAILS-CONTENT', 'LVX-DETAILS-VERSIONED'], 'a live session works with LV-Session alone, on every protected operation'), async () => {
    const sessionId = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.user);
    for (const op of protectedOperations) {
      const res = await op.call(lv, sessionId);
      expect(res.status, op.name).toBe(200);
    }
    const details = await lv.details(sessionId);
    expect(details.body).toMatchObject({ sessionId, clientName: cfg.primary.clientName, userName: cfg.primary.user.userName, agent: false });
  });

  it(rule('LVX-HEADER-REPEATED', 'a repeated LV-Session is 400 code 10017'), async () => {
    const sessionId = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.user);
    const res = await lv.details([sessionId, sessionId]);
    expect(res.status).toBe(400);
    expect(codeOf(res.body)).toBe(10017);
  });
});

describe('validate and logout', () => {
  it(rule(['LVX-VALIDATE-LIVE-204', 'LVX-VALIDATE-DEAD-404', 'LVX-VALIDATE-NO-HEADERS', 'LVX-VALIDATE-VERSIONED'], 'validate is 2xx for a live session and 404 for any other id'), async () => {
    const sessionId = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.user);
    const live = await lv.validate(sessionId);
    expect(live.status).toBeGreaterThanOrEqual(200);
    expect(live.status).toBeLessThan(300);
    expect((await lv.validate(sessionId, '/session/v6.0/validate')).status).toBe(live.status);
    await assertProperty(
      http,
      fc.asyncProperty(fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/)), async (id) => {
        fc.pre(id !== sessionId);
        expect((await lv.validate(id)).status).toBe(404);
      }),
      { numRuns: 15 },
    );
  });

  it(rule(['LVX-LOGOUT-ENDS', 'LVX-LOGOUT-LIVE-204', 'LVX-LOGOUT-DEAD-404', 'LVX-LOGOUT-NO-HEADERS'], 'logout ends the session: 401 on use, 404 on validate and on a second logout'), async () => {
    const sessionId = await lv.freshSession(token, cfg.primary.clientName, cfg.primary.user);
    const out = await lv.logout(sessionId);
    expect(out.status).toBeGreaterThanOrEqual(200);
    expect(out.status).toBeLessThan(300);
    expect((await lv.details(sessionId)).status).toBe(401);
    expect((await lv.validate(sessionId)).status).toBe(404);
    expect((await lv.logout(sessionId)).status).toBe(404);
    const next = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.user);
    expect(next).not.toBe(sessionId);
  });
});

describe('password change', () => {
  it(rule(['LVX-PASSWORD-CHANGE-ENDS-SESSIONS', 'LVX-PASSWORD-SUCCESS', 'LVX-PASSWORD-BAD-CREDENTIALS', 'LVX-PASSWORD-POLICY'], 'checks the current password, and a change ends every session of that user'), async (ctx) => {
    const who = cfg.passwordUser;
    if (!who) return ctx.skip('the target file names no passwordUser the kit may change');
    const tokens = cfg.primary.apiTokens;
    const wrong = await lv.changePassword(token, cfg.primary.clientName, { ...who, password: `${who.password}-wrong` }, 'Kit-Pass-2026');
    expect(wrong.status).toBe(401);
    expect(codeOf(wrong.body)).toBe(10003);
    const weak = await lv.changePassword(token, cfg.primary.clientName, who, 'short1');
    expect(weak.status).toBe(400);
    expect(codeOf(weak.body)).toBe(10009);
    const sessions = await Promise.all(tokens.map((t) => lv.sessionFor(t, cfg.primary.clientName, who)));
    const changed = await lv.changePassword(token, cfg.primary.clientName, who, 'Kit-Pass-2026');
    expect(changed.status).toBe(204);
    try {
      for (const sessionId of sessions) expect((await lv.details(sessionId)).status).toBe(401);
      expect((await lv.login(token, cfg.primary.clientName, who)).status).toBe(401);
      expect((await lv.login(token, cfg.primary.clientName, { ...who, password: 'Kit-Pass-2026' })).status).toBe(200);
    } finally {
      // Put the password back so the target is as the kit found it.
      const back = await lv.changePassword(token, cfg.primary.clientName, { ...who, password: 'Kit-Pass-2026' }, who.password);
      expect(back.status).toBe(204);
    }
  });
});

describe('agent sessions', () => {
  it(rule(['LVX-CALLCENTERS-AGENT-403', 'LVX-DETAILS-AGENT-ALLOWED'], 'an agent session may read its details but not the Configuration API (403)'), async (ctx) => {
    if (!cfg.primary.agent) return ctx.skip('the target file names no agent');
    const sessionId = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.agent, { agent: true });
    expect((await lv.details(sessionId)).status).toBe(200);
    const res = await lv.callCenters(sessionId);
    expect(res.status).toBe(403);
    expect(codeOf(res.body)).toBe(10006);
  });

  it(rule(['LVX-CALLCENTERS-CONTENT', 'LVX-CALLCENTERS-PAGING'], "a user session reads its client's call centers a page at a time"), async () => {
    const sessionId = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.user);
    const all = await lv.callCenters(sessionId);
    expect(all.status).toBe(200);
    const ids = (all.body.callCenter as { callCenterId: number }[]).map((c) => c.callCenterId);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    if (ids.length > 0) {
      const page = await lv.callCenters(sessionId, '?count=1&offset=0');
      expect(page.body.callCenter).toHaveLength(1);
    }
    expect((await lv.callCenters(sessionId, '?count=0')).status).toBe(400);
  });
});

describe('expiry after 2 hours of inactivity', () => {
  it(rule(['LVX-EXPIRY-2H', 'LVX-ACTIVITY-REFRESHES', 'LVX-DETAILS-REFRESHES'], 'for any gaps between uses, the session lives exactly while every gap is below 2 h'), async (ctx) => {
    if (!http.target.capabilities.clock) return ctx.skip('the target offers no clock control; waiting 2 hours for real is not practical');
    await withFrozenClock(http, async () => {
      await assertProperty(
        http,
        fc.asyncProperty(
          fc.array(fc.oneof(fc.integer({ min: 0, max: TWO_HOURS - 1 }), fc.constantFrom(TWO_HOURS - 1, TWO_HOURS, TWO_HOURS + 1)), { minLength: 1, maxLength: 5 }),
          async (gaps) => {
            const sessionId = await lv.freshSession(token, cfg.primary.clientName, cfg.primary.user);
            let alive = true;
            let sinceLogin = 0;
            for (const gap of gaps) {
              await advanceClock(http, gap);
              sinceLogin += gap;
              alive = alive && gap < TWO_HOURS;
              const status = (await lv.details(sessionId)).status;
              // A live session that died although every gap was short, but over 2 h after login: uses did not refresh it.
              const blame = alive && status === 401 && sinceLogin >= TWO_HOURS ? 'LVX-ACTIVITY-REFRESHES' : 'LVX-EXPIRY-2H';
              await checking(blame, () => expect(status, `after a gap of ${gap} ms (${sinceLogin} ms since login)`).toBe(alive ? 200 : 401));
            }
          },
        ),
        { numRuns: 25 },
      );
    });
  });

  it(rule('LVX-VALIDATE-NO-REFRESH', 'validate does not count as use: a session validated just before 2 h still ends at 2 h'), async (ctx) => {
    if (!http.target.capabilities.clock) return ctx.skip('the target offers no clock control');
    await withFrozenClock(http, async () => {
      const sessionId = await lv.freshSession(token, cfg.primary.clientName, cfg.primary.user);
      await advanceClock(http, TWO_HOURS - 1000);
      expect((await lv.validate(sessionId)).status).toBe(204);
      await advanceClock(http, 1000);
      expect((await lv.validate(sessionId)).status).toBe(404);
    });
  });

  it(rule('LVX-LOGIN-REFRESHES', 'a repeated login that returns the live session refreshes its window'), async (ctx) => {
    if (!http.target.capabilities.clock) return ctx.skip('the target offers no clock control');
    await withFrozenClock(http, async () => {
      const sessionId = await lv.freshSession(token, cfg.primary.clientName, cfg.primary.user);
      await advanceClock(http, TWO_HOURS - 1);
      expect(await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.user)).toBe(sessionId);
      await advanceClock(http, TWO_HOURS - 1);
      expect((await lv.details(sessionId)).status).toBe(200);
    });
  });
});

everyResponseMatchesTheContract('livevox', () => http);
