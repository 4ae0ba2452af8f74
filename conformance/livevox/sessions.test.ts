// LiveVox sessions after login, each check pinned to one rule:
// - Every operation behind LV-Session refuses a missing, malformed, unknown or logged-out id with an Authorization
//   error (vendor docs L1/L2; 401 or 403 decides, exactly 401 is observed: L7's status table); LV-Access is not needed
//   after login (vendor docs L2). Checked on the protected
//   operations the target offers (session details is session-kit's design; callCenters another LiveVox API).
// - Validate answers 2xx for a live session and 404 otherwise, with no headers (observed L5, L6; docs L1). 404 decides:
//   LiveVox's own client reads exactly 404 as "not valid".
// - Logout ends the session (observed L5, L7; decides).
// - A password change ends the sessions of that user, and from then on the new password logs in and the old one does
//   not (vendor docs L1); a weak new password is refused (infosheet). The kit changes passwordUser's password to
//   random passwords of this run only, and puts the original back by rotating through fresh ones, so a target that
//   refuses the reuse of its last passwords (LiveVox's own policy) passes run after run.
// - An Agent session on the Configuration API is never a 401; a refused method is 403 (vendor docs L4).
// - callCenters answers alike on the unversioned path and under a version segment (observed L5: LiveVox's own client
//   puts its one configured version, v5.0 by default, into every path).
// - Expiry after 2 hours of inactivity, refreshed by every use (vendor docs L1, seed); the millisecond boundary,
//   validate not refreshing and login refreshing are session-kit's choices (assumed). Needs clock control.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { advanceClock, withFrozenClock } from '../harness/admin.js';
import { cannotContinue, check, expect, KitError } from '../harness/checks.js';
import { WORKDIR_ENV } from '../../src/certify/target.js';
import { kitHttp, rule, runTag } from '../harness/context.js';
import { everyResponseMatchesTheContract } from '../harness/contract-check.js';
import type { KitHttp } from '../harness/http.js';
import { assertProperty } from '../harness/property.js';
import { AUTHORIZATION_ERROR, errorCodeIs, freshPasswords, isSuccess, LiveVoxCalls, livevoxOf, NO_AGENT, noProtectedOperation, protectedOperationsOf, recoveryNote, restorePassword, sessionIdOf, type ProtectedOperation } from './livevox-client.js';

const TWO_HOURS = 2 * 60 * 60 * 1000;
const SECOND = 1000;

let http: KitHttp;
let lv: LiveVoxCalls;
let cfg: ReturnType<typeof livevoxOf>;
let token: string;
let ops: ProtectedOperation[];
beforeAll(async () => {
  http = await kitHttp('livevox');
  lv = new LiveVoxCalls(http);
  cfg = livevoxOf(http.target);
  token = cfg.primary.apiTokens[0]!;
  ops = protectedOperationsOf(http.target);
});
afterAll(() => lv?.endSessions());

/** A protected read with a session: the first operation the target offers. */
const use = (sessionId: string) => ops[0]!.call(lv, sessionId);

describe('LV-Session on protected operations', () => {
  it(rule(['LVX-CALLCENTERS-SESSION', 'LVX-AUTH-ERROR-401'], 'callCenters refuses a missing, unknown or logged-out LV-Session with an Authorization error'), async (ctx) => {
    if (!http.target.capabilities.callCenters) return ctx.skip(http.target.absent?.callCenters ?? 'no callCenters');
    const loggedOut = await lv.freshSession(token, cfg.primary.clientName, cfg.primary.user);
    await lv.loggedOut(loggedOut);
    for (const [kind, value] of [['missing', undefined], ['unknown', '5eb4ad6c-50b7-45da-8d56-f4e9ac7d9cbd'], ['logged out', loggedOut]] as const) {
      const res = await lv.callCenters(value);
      await check('LVX-CALLCENTERS-SESSION', () => expect(res.status, `callCenters with a ${kind} LV-Session`).toBeOneOf(AUTHORIZATION_ERROR));
      await check('LVX-AUTH-ERROR-401', () => expect(res.status, `callCenters with a ${kind} LV-Session`).toBe(401));
    }
  });

  it(rule(['LVX-SESSION-REQUIRED', 'LVX-AUTH-ERROR-401', 'LVX-DETAILS-SESSION-MISSING', 'LVX-DETAILS-SESSION-INVALID', 'LVX-ERROR-CODES'], 'every kind of bad LV-Session is refused with an Authorization error on every protected operation'), async (ctx) => {
    if (ops.length === 0) return ctx.skip(noProtectedOperation(http.target));
    const loggedOut = await lv.freshSession(token, cfg.primary.clientName, cfg.primary.user);
    await lv.loggedOut(loggedOut);
    const badValue = fc.oneof(
      fc.constant({ kind: 'missing', value: undefined as string | undefined, code: 10004 }),
      fc.constant({ kind: 'logged out', value: loggedOut, code: 10005 }),
      fc.uuid().map((value) => ({ kind: 'unknown', value, code: 10005 })),
      fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '' && !s.includes(',') && /^[\x21-\x7e ]*$/.test(s)).map((value) => ({ kind: 'malformed', value, code: 10005 })),
      fc.constant({ kind: 'an API token', value: token, code: 10005 }),
    );
    await assertProperty(
      http,
      fc.asyncProperty(fc.constantFrom(...ops), badValue, async (op, bad) => {
        const res = await op.call(lv, bad.value);
        await check('LVX-SESSION-REQUIRED', () => expect(res.status, `${op.name} with a ${bad.kind} LV-Session`).toBeOneOf(AUTHORIZATION_ERROR));
        await check('LVX-AUTH-ERROR-401', () => expect(res.status, `${op.name} with a ${bad.kind} LV-Session`).toBe(401));
        if (op.capability === 'sessionDetails') await check(bad.value === undefined ? 'LVX-DETAILS-SESSION-MISSING' : 'LVX-DETAILS-SESSION-INVALID', () => expect(res.status).toBe(401));
        await check('LVX-ERROR-CODES', () => errorCodeIs(res.body, bad.code));
      }),
      { numRuns: 30 },
    );
  });

  it(rule(['LVX-ACCESS-LOGIN-ONLY', 'LVX-DETAILS-CONTENT', 'LVX-DETAILS-VERSIONED'], 'a live session works with LV-Session alone, on every protected operation'), async (ctx) => {
    if (ops.length === 0) return ctx.skip(noProtectedOperation(http.target));
    const sessionId = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.user);
    for (const op of ops) {
      const res = await op.call(lv, sessionId);
      await check('LVX-ACCESS-LOGIN-ONLY', () => expect(res.status, `${op.name} with LV-Session and no LV-Access is not refused as unauthenticated`).not.toBeOneOf(AUTHORIZATION_ERROR));
    }
    if (http.target.capabilities.sessionDetails) {
      const details = await lv.details(sessionId);
      await check('LVX-DETAILS-CONTENT', () => expect(details.body).toMatchObject({ sessionId, clientName: cfg.primary.clientName, userName: cfg.primary.user.userName, agent: false }));
      const versioned = await lv.details(sessionId, '/session/v6.0/details');
      await check('LVX-DETAILS-VERSIONED', () => expect(versioned.status).toBe(200));
    }
  });

  it(rule(['LVX-HEADER-REPEATED', 'LVX-ERROR-CODES'], 'a repeated LV-Session is 400'), async (ctx) => {
    if (ops.length === 0) return ctx.skip(noProtectedOperation(http.target));
    const sessionId = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.user);
    const res = await ops[0]!.call(lv, [sessionId, sessionId]);
    await check('LVX-HEADER-REPEATED', () => expect(res.status).toBe(400));
    await check('LVX-ERROR-CODES', () => errorCodeIs(res.body, 10017));
  });
});

describe('validate and logout', () => {
  it(rule(['LVX-VALIDATE-NO-HEADERS', 'LVX-VALIDATE-LIVE-204', 'LVX-VALIDATE-DEAD-404', 'LVX-VALIDATE-VERSIONED'], 'validate is 2xx for a live session and 404 for any other id'), async () => {
    const sessionId = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.user);
    const live = await lv.validate(sessionId);
    await check('LVX-VALIDATE-NO-HEADERS', () => expect(live.status, 'validate of a live session, no headers sent').toBeOneOf([200, 201, 202, 204]));
    await check('LVX-VALIDATE-LIVE-204', () => expect(live.status).toBe(204));
    const versioned = await lv.validate(sessionId, '/session/v6.0/validate');
    await check('LVX-VALIDATE-VERSIONED', () => expect(versioned.status).toBe(live.status));
    await assertProperty(
      http,
      // UUIDs only: LiveVox's session ids are UUIDs, and what a malformed id gets is not the vendor's to say.
      fc.asyncProperty(fc.uuid(), async (id) => {
        fc.pre(id !== sessionId);
        const res = await lv.validate(id);
        await check('LVX-VALIDATE-DEAD-404', () => expect(res.status).toBe(404));
      }),
      { numRuns: 15 },
    );
  });

  it(rule(['LVX-LOGOUT-ENDS', 'LVX-LOGOUT-LIVE-204', 'LVX-LOGOUT-DEAD-404', 'LVX-LOGOUT-NO-HEADERS', 'LVX-VALIDATE-DEAD-404'], 'logout ends the session: 401 on use, 404 on validate and on a second logout'), async () => {
    const sessionId = await lv.freshSession(token, cfg.primary.clientName, cfg.primary.user);
    const out = await lv.logout(sessionId);
    await check('LVX-LOGOUT-NO-HEADERS', () => expect(out.status, 'logout of a live session, no headers sent').toBeOneOf([200, 202, 204]));
    await check('LVX-LOGOUT-LIVE-204', () => expect(out.status).toBe(204));
    if (out.status < 200 || out.status >= 300) cannotContinue(`logout answered ${out.status}: "after a successful logout" cannot be checked`);
    if (ops.length > 0) {
      const used = await use(sessionId);
      await check('LVX-LOGOUT-ENDS', () => expect(used.status, `${ops[0]!.name} after logout`).toBeOneOf(AUTHORIZATION_ERROR));
    }
    const validated = await lv.validate(sessionId);
    await check('LVX-LOGOUT-ENDS', () => expect(isSuccess(validated.status), `validate after logout answered ${validated.status}`).toBe(false));
    await check('LVX-VALIDATE-DEAD-404', () => expect(validated.status, 'validate after logout').toBe(404));
    const again = await lv.logout(sessionId);
    await check('LVX-LOGOUT-DEAD-404', () => expect(again.status, 'a second logout').toBe(404));
    const next = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.user);
    await check('LVX-LOGOUT-ENDS', () => expect(next, 'the next login after logout').not.toBe(sessionId));
  });
});

describe('password change', () => {
  it(
    rule(
      ['LVX-PASSWORD-CHANGE-ENDS-SESSIONS', 'LVX-PASSWORD-NEW-CREDENTIALS', 'LVX-PASSWORD-SUCCESS', 'LVX-PASSWORD-BAD-CREDENTIALS', 'LVX-PASSWORD-POLICY', 'LVX-PASSWORD-POLICY-400', 'LVX-AUTH-ERROR-401', 'LVX-ERROR-CODES'],
      'checks the current password and the policy, and a change ends every session of that user and swaps the credentials',
    ),
    async (ctx) => {
      const who = cfg.passwordUser;
      if (!who) return ctx.skip('needs a passwordUser in the target file (livevox.passwordUser): a user whose password the kit may change and puts back');
      const clientName = cfg.primary.clientName;
      const fresh = freshPasswords(cfg);
      // The password that logs in now, as far as the kit knows: every change the target accepted moves it.
      let current = who.password;
      const as = (password: string) => ({ userName: who.userName, password });
      try {
        const wrong = await lv.changePassword(token, clientName, as(`${who.password}-wrong`), fresh());
        await check('LVX-PASSWORD-BAD-CREDENTIALS', () => expect(wrong.status).toBe(401));
        await check('LVX-ERROR-CODES', () => errorCodeIs(wrong.body, 10003));
        for (const weak of ['short1', 'no-digits-at-all', 'current']) {
          const next = weak === 'current' ? current : weak;
          const res = await lv.changePassword(token, clientName, as(current), next);
          if (isSuccess(res.status)) current = next;
          await check('LVX-PASSWORD-POLICY', () => expect(res.status, `new password ${weak === 'current' ? '(the current one)' : `"${weak}"`} is refused`).toBeGreaterThanOrEqual(400));
          await check('LVX-PASSWORD-POLICY-400', () => expect(res.status).toBe(400));
          if (res.status === 400) await check('LVX-ERROR-CODES', () => errorCodeIs(res.body, 10009));
        }
        const stillOld = await lv.login(token, clientName, as(who.password));
        await check('LVX-PASSWORD-POLICY', () => expect(sessionIdOf(stillOld), `after refused changes the current password still logs in (the login answered ${stillOld.status})`).toEqual(expect.any(String)));
        const sessions = await Promise.all(cfg.primary.apiTokens.map((t) => lv.sessionFor(t, clientName, as(current))));
        const next = fresh();
        const changed = await lv.changePassword(token, clientName, as(current), next);
        await check('LVX-PASSWORD-SUCCESS', () => expect(changed.status).toBe(204));
        if (!isSuccess(changed.status)) cannotContinue(`the change to a fresh password answered ${changed.status}: what a successful change does cannot be checked`);
        const before = current;
        current = next;
        const newLogin = await lv.login(token, clientName, as(next));
        await check('LVX-PASSWORD-NEW-CREDENTIALS', () => expect(sessionIdOf(newLogin), `the new password logs in after a change (the login answered ${newLogin.status})`).toEqual(expect.any(String)));
        const old = await lv.login(token, clientName, as(before));
        await check('LVX-PASSWORD-NEW-CREDENTIALS', () => lv.expectNoSession(old, 'a login with the old password after the change'));
        for (const sessionId of sessions) {
          const res = await lv.validate(sessionId);
          await check('LVX-PASSWORD-CHANGE-ENDS-SESSIONS', () => expect(isSuccess(res.status), `validate of a session from before the change answered ${res.status}`).toBe(false));
          if (ops.length > 0) {
            const used = await use(sessionId);
            await check('LVX-PASSWORD-CHANGE-ENDS-SESSIONS', () => expect(used.status, `${ops[0]!.name} with a session from before the change`).toBeOneOf(AUTHORIZATION_ERROR));
            await check('LVX-AUTH-ERROR-401', () => expect(used.status, `${ops[0]!.name} with a session from before the change`).toBe(401));
          }
        }
      } finally {
        // The target as the kit found it: the original password back, through fresh ones if the target's policy
        // refuses a password it had before.
        const restore = await restorePassword(lv, token, clientName, who, current, fresh);
        if (!restore.restored) {
          const file = join(process.env[WORKDIR_ENV] ?? process.cwd(), `session-kit-password-recovery-${runTag}.txt`);
          writeFileSync(file, recoveryNote(who.userName, clientName, restore), { mode: 0o600 });
          throw new KitError(`the kit could not put ${who.userName}'s password back (${restore.why}); its current password is in ${file}, readable only by you: set the original back with it before the next run`);
        }
      }
    },
  );
});

describe('agent sessions', () => {
  it(rule(['LVX-CALLCENTERS-AGENT-403', 'LVX-CALLCENTERS-AGENT-REFUSED', 'LVX-DETAILS-AGENT-ALLOWED', 'LVX-ERROR-CODES'], 'an agent session is valid: never 401; the Configuration API refuses it with 403'), async (ctx) => {
    if (!cfg.primary.agent) return ctx.skip(NO_AGENT);
    if (!http.target.capabilities.callCenters) return ctx.skip(http.target.absent?.callCenters ?? 'no callCenters');
    const sessionId = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.agent, { agent: true });
    if (http.target.capabilities.sessionDetails) {
      const details = await lv.details(sessionId);
      await check('LVX-DETAILS-AGENT-ALLOWED', () => expect(details.status).toBe(200));
    }
    const res = await lv.callCenters(sessionId);
    await check('LVX-CALLCENTERS-AGENT-403', () => expect(res.status, 'an agent session is valid: 200, or 403 when the method is not allowed to agents').toBeOneOf([200, 403]));
    await check('LVX-CALLCENTERS-AGENT-REFUSED', () => expect(res.status).toBe(403));
    if (res.status === 403) await check('LVX-ERROR-CODES', () => errorCodeIs(res.body, 10006));
  });

  it(rule(['LVX-CALLCENTERS-CONTENT', 'LVX-CALLCENTERS-PAGING', 'LVX-CALLCENTERS-VERSIONED'], "a user session reads its client's call centers a page at a time, on every version form"), async (ctx) => {
    if (!http.target.capabilities.callCenters) return ctx.skip(http.target.absent?.callCenters ?? 'no callCenters');
    const sessionId = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.user);
    const all = await lv.callCenters(sessionId);
    const ids = await check('LVX-CALLCENTERS-CONTENT', () => {
      expect(all.status).toBe(200);
      const list = (all.body.callCenter as { callCenterId: number }[]).map((c) => c.callCenterId);
      expect([...list].sort((a, b) => a - b)).toEqual(list);
      return list;
    });
    if (ids && ids.length > 0) {
      const page = await lv.callCenters(sessionId, '?count=1&offset=0');
      await check('LVX-CALLCENTERS-PAGING', () => expect(page.body.callCenter).toHaveLength(1));
    }
    const zero = await lv.callCenters(sessionId, '?count=0');
    await check('LVX-CALLCENTERS-PAGING', () => expect(zero.status).toBe(400));
    // LiveVox's own client puts its configured version (v5.0 by default) into this path, or none (observed L5).
    for (const path of ['/configuration/v5.0/callCenters', '/configuration/callCenters']) {
      const same = await lv.callCenters(sessionId, '', path);
      await check('LVX-CALLCENTERS-VERSIONED', () => {
        expect(same.status, path).toBe(all.status);
        expect(same.body.callCenter, path).toEqual(all.body.callCenter);
      });
    }
  });
});

describe('expiry after 2 hours of inactivity', () => {
  it(rule(['LVX-EXPIRY-2H', 'LVX-ACTIVITY-REFRESHES'], 'for any gaps between uses, the session lives while every gap is below 2 h and ends after a longer one'), async (ctx) => {
    if (!http.target.capabilities.clock) return ctx.skip(http.target.absent?.clock ?? 'no clock control; waiting 2 hours for real is not practical');
    if (ops.length === 0) return ctx.skip(noProtectedOperation(http.target));
    await withFrozenClock(http, async () => {
      await assertProperty(
        http,
        fc.asyncProperty(
          // Gaps clear of the boundary second, which belongs to LVX-EXPIRY-BOUNDARY.
          fc.array(fc.oneof(fc.integer({ min: 0, max: TWO_HOURS - SECOND }), fc.constantFrom(TWO_HOURS - SECOND, TWO_HOURS + SECOND, TWO_HOURS + 5 * 60 * SECOND)), { minLength: 1, maxLength: 5 }),
          async (gaps) => {
            const sessionId = await lv.freshSession(token, cfg.primary.clientName, cfg.primary.user);
            let alive = true;
            let sinceLogin = 0;
            for (const gap of gaps) {
              await advanceClock(http, gap);
              sinceLogin += gap;
              alive = alive && gap < TWO_HOURS;
              const status = (await use(sessionId)).status;
              // Alive over 2 h after login with every gap short: only the uses in between can have kept it (refresh).
              const blame = alive && sinceLogin >= TWO_HOURS ? 'LVX-ACTIVITY-REFRESHES' : 'LVX-EXPIRY-2H';
              const when = `after a gap of ${gap} ms (${sinceLogin} ms since login)`;
              await check(blame, () => (alive ? expect(isSuccess(status), `${when}: answered ${status}`).toBe(true) : expect(status, when).toBeOneOf(AUTHORIZATION_ERROR)));
            }
          },
        ),
        { numRuns: 25 },
      );
    });
  });

  it(rule('LVX-EXPIRY-BOUNDARY', 'the session ends at exactly 2 h of inactivity, to the millisecond'), async (ctx) => {
    if (!http.target.capabilities.clock) return ctx.skip(http.target.absent?.clock ?? 'no clock control');
    if (ops.length === 0) return ctx.skip(noProtectedOperation(http.target));
    await withFrozenClock(http, async () => {
      const sessionId = await lv.freshSession(token, cfg.primary.clientName, cfg.primary.user);
      await advanceClock(http, TWO_HOURS - 1);
      const before = (await use(sessionId)).status;
      await check('LVX-EXPIRY-BOUNDARY', () => expect(before, 'at 2 h - 1 ms').toBe(200));
      await advanceClock(http, TWO_HOURS);
      const at = (await use(sessionId)).status;
      await check('LVX-EXPIRY-BOUNDARY', () => expect(at, 'at exactly 2 h').toBeOneOf(AUTHORIZATION_ERROR));
    });
  });

  it(rule('LVX-VALIDATE-NO-REFRESH', 'validate does not count as use: a session validated just before 2 h still ends at 2 h'), async (ctx) => {
    if (!http.target.capabilities.clock) return ctx.skip(http.target.absent?.clock ?? 'no clock control');
    await withFrozenClock(http, async () => {
      const sessionId = await lv.freshSession(token, cfg.primary.clientName, cfg.primary.user);
      await advanceClock(http, TWO_HOURS - 10 * SECOND);
      const before = await lv.validate(sessionId);
      await check('LVX-VALIDATE-NO-REFRESH', () => expect(before.status).toBeOneOf([200, 204]));
      await advanceClock(http, 20 * SECOND);
      const after = await lv.validate(sessionId);
      await check('LVX-VALIDATE-NO-REFRESH', () => expect(after.status, '10 s past 2 h since the last real use').toBe(404));
    });
  });

  it(rule('LVX-LOGIN-REFRESHES', 'a repeated login that returns the live session refreshes its window'), async (ctx) => {
    if (!http.target.capabilities.clock) return ctx.skip(http.target.absent?.clock ?? 'no clock control');
    await withFrozenClock(http, async () => {
      const sessionId = await lv.freshSession(token, cfg.primary.clientName, cfg.primary.user);
      await advanceClock(http, TWO_HOURS - 10 * SECOND);
      const again = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.user);
      await check('LVX-LOGIN-REFRESHES', () => expect(again).toBe(sessionId));
      await advanceClock(http, TWO_HOURS - 10 * SECOND);
      const res = await lv.validate(sessionId);
      await check('LVX-LOGIN-REFRESHES', () => expect(res.status, '2 h - 10 s after the second login').toBeOneOf([200, 204]));
    });
  });
});

everyResponseMatchesTheContract('livevox', () => http);
