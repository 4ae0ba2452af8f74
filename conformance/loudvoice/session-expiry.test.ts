// LoudVoice author-session expiry.
// - A session expires after expires_in seconds of inactivity, default 14 days (vendor docs: the seed); it is live
//   while every gap between activities is below expires_in, and gone at exactly expires_in (boundary assumed).
// - Activity is a session PUT for the session's author; reads and lists never extend it (assumed).
// - The sessions list shows only live sessions (vendor docs O4).
// With clock control (capability `clock`) any gaps are tested exactly; without it, a short expires_in and real,
// bounded waits.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, withFrozenClock } from '../harness/admin.js';
import { kitHttp, rule, runTag } from '../harness/context.js';
import { everyResponseMatchesTheContract } from '../harness/contract-check.js';
import type { KitHttp } from '../harness/http.js';
import { assertProperty } from '../harness/property.js';
import { dataOf, LoudVoiceCalls } from './loudvoice-client.js';

let http: KitHttp;
let ldv: LoudVoiceCalls;
beforeAll(async () => {
  http = await kitHttp('loudvoice');
  ldv = new LoudVoiceCalls(http);
});

let authors = 0;
/** Starts (or refreshes) the session of one author of this run, returning its author and session tokens. */
async function session(ref: string, expiresIn?: number): Promise<{ author: string; token: string; body: unknown }> {
  const res = await ldv.startSession({ author_reference: ref, name: 'Expiry Tester' }, expiresIn === undefined ? undefined : { expires_in: expiresIn });
  expect([200, 201]).toContain(res.status);
  const s = dataOf(res).author_session;
  return { author: s.author.author_token, token: s.author_session_token, body: s };
}

/** Is the author's session listed? */
async function listed(authorToken: string): Promise<boolean> {
  const res = await ldv.sessionsOf(authorToken);
  expect(res.status).toBe(200);
  return (dataOf(res).author_sessions.entries as unknown[]).length > 0;
}

describe('author session expiry', () => {
  it(rule(['LDV-SESSION-EXPIRY-BOUNDARY', 'LDV-SESSION-ACTIVITY', 'LDV-SESSION-LIST-LIVE-ONLY', 'LDV-SESSION-LIST-FILTER'], 'for any gaps between session PUTs, the session lives exactly while every gap is below expires_in'), async (ctx) => {
    if (!http.target.capabilities.clock) return ctx.skip('needs clock control; the real-time variant below covers the rule without it');
    await withFrozenClock(http, async () => {
      await assertProperty(
        http,
        fc.asyncProperty(
          fc.integer({ min: 1, max: 1_209_600 }),
          fc.array(fc.oneof(fc.constantFrom('minus1', 'exact', 'plus1'), fc.double({ min: 0, max: 0.999, noNaN: true })), { minLength: 1, maxLength: 4 }),
          async (expiresIn, gapKinds) => {
            const windowMs = expiresIn * 1000;
            const ref = `${runTag}-expiry-${++authors}`;
            const { author, token } = await session(ref, expiresIn);
            let alive = true;
            for (const kind of gapKinds) {
              const gap = kind === 'minus1' ? windowMs - 1 : kind === 'exact' ? windowMs : kind === 'plus1' ? windowMs + 1 : Math.floor(windowMs * kind);
              await advanceClock(http, gap);
              alive = alive && gap < windowMs;
              expect(await listed(author), `after a gap of ${gap} ms (window ${windowMs} ms)`).toBe(alive);
              if (!alive) break;
              // Activity: refresh with a PUT; the token must be the same while the session lives.
              const refreshed = await session(ref, expiresIn);
              expect(refreshed.token).toBe(token);
            }
          },
        ),
        { numRuns: 20 },
      );
    });
  }, 120_000);

  it(rule(['LDV-SESSION-EXPIRY-BOUNDARY', 'LDV-SESSION-LIST-LIVE-ONLY'], 'with real time: a 2-second session is listed after 1 s and gone after 2 s (bounded real waits)'), async (ctx) => {
    if (http.target.capabilities.clock) return ctx.skip('covered exactly by the clock-controlled property above');
    const { author } = await session(`${runTag}-realtime-${++authors}`, 2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await listed(author)).toBe(true);
    await new Promise((r) => setTimeout(r, 1200));
    expect(await listed(author)).toBe(false);
  }, 30_000);

  it(rule(['LDV-SESSION-ACTIVITY', 'LDV-SESSION-NEW-SESSION', 'LDV-SESSION-REFRESH-EXTENDS'], 'reads do not extend a session; after expiry the next PUT starts a new session with a new token'), async (ctx) => {
    if (!http.target.capabilities.clock) return ctx.skip('needs clock control');
    await withFrozenClock(http, async () => {
      const ref = `${runTag}-reads-${++authors}`;
      const first = await session(ref, 60);
      await advanceClock(http, 59_000);
      expect(await listed(first.author)).toBe(true);
      await ldv.author(first.author);
      await advanceClock(http, 1_000);
      expect(await listed(first.author), 'reads and lists are not activity').toBe(false);
      const second = await session(ref, 60);
      expect(second.token).not.toBe(first.token);
    });
  });

  it(rule('LDV-SESSION-EXPIRES-IN', 'expires_in out of range or not an integer is 400 naming the node'), async () => {
    for (const expiresIn of [0, -5, 1.5, 31_536_001, '60']) {
      const res = await ldv.send('PUT', '/loudvoice/authors/sessions.json', {
        request: { author_session: { author: { author_reference: `${runTag}-bad-expiry`, name: 'X' }, session: { expires_in: expiresIn } } },
      });
      expect(res.status, String(expiresIn)).toBe(400);
      expect(res.body.response.request.status.info).toContain('request->author_session->session->expires_in');
    }
  });
});

everyResponseMatchesTheContract('loudvoice', () => http);
