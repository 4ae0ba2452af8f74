// LiveVox login and header rules, each check pinned to one rule:
// - LV-Access is required on login and must be a token of the client in the body: missing, unknown or another
//   client's token is an Authorization error and creates no session (vendor docs L2, seed). The docs name no status:
//   401 or 403 decides; exactly 401 is observed (LiveVox's status table, L7) and does not decide.
// - Wrong credentials (password, user, client, another client's user) create no session (vendor docs L2, seed),
//   whatever the status; their 401 is observed (L5, L7), their code assumed.
// - A valid login answers 200 with a sessionId (observed in every client; decides: the docs say a login returns one).
// - A malformed body is 400 (observed: LiveVox's own client L5, L7).
// - `agent` accepts the strings "true"/"false" (observed: a real client sends them, L11).
// - Same user + same token while live -> same sessionId (observed L6 quoting the docs; decides); each of the client's
//   tokens gives its own session (vendor docs L2).
// - Header names are case-insensitive and unknown headers ignored (HTTP; observed L5 tracking header).
// - Error codes and messages, a repeated header refused, 404/405 with Allow: session-kit's choices (assumed).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { check, expect, notChecked } from '../harness/checks.js';
import { kitHttp, rule } from '../harness/context.js';
import { everyResponseMatchesTheContract } from '../harness/contract-check.js';
import type { KitHttp } from '../harness/http.js';
import { assertProperty } from '../harness/property.js';
import { AUTHORIZATION_ERROR, errorCodeIs, errorShaped, LiveVoxCalls, livevoxOf, NO_AGENT, NO_SECOND_CLIENT, NO_SECOND_TOKEN } from './livevox-client.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let http: KitHttp;
let lv: LiveVoxCalls;
let cfg: ReturnType<typeof livevoxOf>;
beforeAll(async () => {
  http = await kitHttp('livevox');
  lv = new LiveVoxCalls(http);
  cfg = livevoxOf(http.target);
});
afterAll(() => lv?.endSessions());

describe('LiveVox login', () => {
  it(rule(['LVX-LOGIN-SUCCESS', 'LVX-LOGIN-IDS', 'LVX-SESSION-ID-UUID'], 'a login with a valid token and credentials answers 200 with a sessionId'), async () => {
    const res = await lv.login(cfg.primary.apiTokens[0], cfg.primary.clientName, cfg.primary.user);
    await check('LVX-LOGIN-SUCCESS', () => {
      expect(res.status).toBe(200);
      expect(res.body?.sessionId).toEqual(expect.any(String));
      expect(res.body.sessionId).not.toBe('');
    });
    await check('LVX-LOGIN-IDS', () => expect(Number.isInteger(res.body.clientId) && Number.isInteger(res.body.userId), 'clientId and userId are integers').toBe(true));
    await check('LVX-SESSION-ID-UUID', () => expect(res.body.sessionId).toMatch(UUID_V4));
  });

  it(rule(['LVX-LOGIN-VERSIONED', 'LVX-VERSION-SEGMENT', 'LVX-ERROR-CODES'], 'the versioned login paths behave like the unversioned one'), async () => {
    for (const path of ['/session/v5.0/login', '/session/v6.0/login']) {
      const res = await lv.login(cfg.primary.apiTokens[0], cfg.primary.clientName, cfg.primary.user, {}, path);
      await check('LVX-LOGIN-VERSIONED', () => expect(res.status, path).toBe(200));
    }
    const unknown = await lv.login(cfg.primary.apiTokens[0], cfg.primary.clientName, cfg.primary.user, {}, '/session/v9.9/login');
    await check('LVX-VERSION-SEGMENT', () => expect(unknown.status, 'an unlisted version segment is an unknown path').toBe(404));
    await check('LVX-ERROR-CODES', () => errorCodeIs(unknown.body, 10013));
  });

  it(rule(['LVX-LOGIN-ACCESS-MISSING', 'LVX-AUTH-ERROR-401', 'LVX-ERROR-SHAPE', 'LVX-ERROR-CODES'], 'a login without LV-Access is an Authorization error and creates no session'), async () => {
    for (const access of [undefined, '']) {
      const res = await lv.login(access, cfg.primary.clientName, cfg.primary.user);
      const what = access === undefined ? 'a login without LV-Access' : 'a login with an empty LV-Access';
      await check('LVX-LOGIN-ACCESS-MISSING', async () => {
        expect(res.status, what).toBeOneOf(AUTHORIZATION_ERROR);
        await lv.expectNoSession(res, what);
      });
      await check('LVX-AUTH-ERROR-401', () => expect(res.status, what).toBe(401));
      await check('LVX-ERROR-SHAPE', () => errorShaped(res.body));
      await check('LVX-ERROR-CODES', () => errorCodeIs(res.body, 10001));
    }
  });

  it(rule(['LVX-LOGIN-ACCESS-UNKNOWN', 'LVX-AUTH-ERROR-401', 'LVX-ERROR-CODES'], 'a login with any token that was never issued is an Authorization error and creates no session'), async () => {
    await assertProperty(
      http,
      fc.asyncProperty(
        fc.oneof(fc.uuid(), fc.stringMatching(/^[a-z0-9]{32}$/), fc.constant('a0009999bcbc0000xxxx000000000000')),
        async (token) => {
          fc.pre(!cfg.primary.apiTokens.includes(token) && token !== cfg.secondary?.apiToken);
          const res = await lv.login(token, cfg.primary.clientName, cfg.primary.user);
          await check('LVX-LOGIN-ACCESS-UNKNOWN', async () => {
            expect(res.status).toBeOneOf(AUTHORIZATION_ERROR);
            await lv.expectNoSession(res, 'a login with a token that was never issued');
          });
          await check('LVX-AUTH-ERROR-401', () => expect(res.status).toBe(401));
          await check('LVX-ERROR-CODES', () => errorCodeIs(res.body, 10002));
        },
      ),
      { numRuns: 15 },
    );
  });

  it(rule(['LVX-LOGIN-ACCESS-FOREIGN', 'LVX-AUTH-ERROR-401', 'LVX-ERROR-CODES'], "a login with another client's token is an Authorization error and creates no session"), async (ctx) => {
    if (!cfg.secondary) return ctx.skip(NO_SECOND_CLIENT);
    const foreign = await lv.login(cfg.secondary.apiToken, cfg.primary.clientName, cfg.primary.user);
    await check('LVX-LOGIN-ACCESS-FOREIGN', async () => {
      expect(foreign.status).toBeOneOf(AUTHORIZATION_ERROR);
      await lv.expectNoSession(foreign, "a login with the second client's token");
    });
    await check('LVX-AUTH-ERROR-401', () => expect(foreign.status).toBe(401));
    await check('LVX-ERROR-CODES', () => errorCodeIs(foreign.body, 10002));
  });

  it(rule('LVX-TOKEN-PER-CLIENT', "each client's token works for that client only, both ways"), async (ctx) => {
    if (!cfg.secondary) return ctx.skip(NO_SECOND_CLIENT);
    const reverse = await lv.login(cfg.primary.apiTokens[0], cfg.secondary.clientName, cfg.secondary.user);
    await check('LVX-TOKEN-PER-CLIENT', async () => {
      expect(reverse.status, "the first client's token with the second client's user").toBeOneOf(AUTHORIZATION_ERROR);
      await lv.expectNoSession(reverse, "the first client's token with the second client's user");
    });
    await lv.sessionFor(cfg.secondary.apiToken, cfg.secondary.clientName, cfg.secondary.user);
  });

  it(rule(['LVX-LOGIN-WRONG-CREDENTIALS', 'LVX-LOGIN-BAD-CREDENTIALS', 'LVX-ERROR-CODES'], 'a wrong password, an unknown user, an unknown client or a user of another client creates no session'), async () => {
    const { clientName, user } = cfg.primary;
    const token = cfg.primary.apiTokens[0]!;
    // Each consequence decides on its own: every way a credential can be wrong is tried, whatever the runs.
    const cases: [string, string, { userName: string; password: string }][] = [
      ['a wrong password', clientName, { ...user, password: `${user.password}-wrong` }],
      ['an unknown user', clientName, { ...user, userName: `${user.userName}.no-such-user` }],
      ['an unknown clientName', `${clientName}-NO-SUCH-CLIENT`, user],
    ];
    if (cfg.secondary) cases.push(["the second client's user under the first client", clientName, cfg.secondary.user]);
    for (const [what, client, who] of cases) {
      const res = await lv.login(token, client, who);
      await check('LVX-LOGIN-WRONG-CREDENTIALS', () => lv.expectNoSession(res, `a login with ${what}`));
      await check('LVX-LOGIN-BAD-CREDENTIALS', () => expect(res.status, what).toBe(401));
      await check('LVX-ERROR-CODES', () => errorCodeIs(res.body, 10003));
    }
  });

  it(rule(['LVX-LOGIN-WRONG-CREDENTIALS', 'LVX-LOGIN-BAD-CREDENTIALS', 'LVX-ERROR-CODES'], 'any wrong password, user name or client name creates no session'), async () => {
    await assertProperty(
      http,
      fc.asyncProperty(
        fc.constantFrom('password', 'userName', 'clientName'),
        fc.string({ minLength: 1, maxLength: 24 }),
        async (field, value) => {
          const login = { clientName: cfg.primary.clientName, ...cfg.primary.user };
          fc.pre(value !== login[field]);
          login[field] = value;
          const res = await lv.login(cfg.primary.apiTokens[0], login.clientName, login);
          await check('LVX-LOGIN-WRONG-CREDENTIALS', () => lv.expectNoSession(res, `a login with ${field} ${JSON.stringify(value)}`));
          await check('LVX-LOGIN-BAD-CREDENTIALS', () => expect(res.status).toBe(401));
          await check('LVX-ERROR-CODES', () => errorCodeIs(res.body, 10003));
        },
      ),
      { numRuns: 20 },
    );
  });

  it(rule(['LVX-LOGIN-BODY-INVALID', 'LVX-ERROR-CODES'], 'a malformed or incomplete body is 400'), async () => {
    const token = cfg.primary.apiTokens[0]!;
    const bodies: (string | object)[] = [
      '{"clientName":',
      '[]',
      '"text"',
      { clientName: cfg.primary.clientName, userName: cfg.primary.user.userName },
      { clientName: cfg.primary.clientName, userName: 5, password: cfg.primary.user.password },
      { ...cfg.primary.user, clientName: '' },
      { clientName: cfg.primary.clientName, ...cfg.primary.user, agent: 7 },
    ];
    for (const body of bodies) {
      const res = await http.send({
        method: 'POST',
        path: '/session/login',
        headers: { 'LV-Access': token, 'Content-Type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      await check('LVX-LOGIN-BODY-INVALID', () => expect(res.status, JSON.stringify(body)).toBe(400));
      await check('LVX-ERROR-CODES', () => errorCodeIs(res.body, 10008));
    }
  });

  it(rule(['LVX-LOGIN-AGENT-STRING', 'LVX-LOGIN-AGENT-KEY'], 'an agent logs in with agent true or "true"; the user with "false"'), async (ctx) => {
    if (!cfg.primary.agent) return ctx.skip(NO_AGENT);
    const token = cfg.primary.apiTokens[0]!;
    const asBoolean = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.agent, { agent: true });
    const asString = await lv.login(token, cfg.primary.clientName, cfg.primary.agent, { agent: 'true' });
    await check('LVX-LOGIN-AGENT-STRING', () => {
      expect(asString.status).toBe(200);
      expect(asString.body.sessionId, 'the string "true" means an Agent login too').toBe(asBoolean);
    });
    const user = await lv.login(token, cfg.primary.clientName, cfg.primary.user, { agent: 'false' });
    await check('LVX-LOGIN-AGENT-STRING', () => expect(user.status, 'agent "false" is a User login').toBe(200));
    await check('LVX-LOGIN-AGENT-KEY', () => expect(user.body?.sessionId).not.toBe(asBoolean));
  });

  it(rule(['LVX-SAME-TOKEN-SAME-SESSION', 'LVX-DIFFERENT-TOKEN-DIFFERENT-SESSION'], 'each token gives its own session, and the same token the same session while it lives'), async () => {
    const ids: string[] = [];
    for (const token of cfg.primary.apiTokens) {
      const first = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.user);
      const again = await lv.sessionFor(token, cfg.primary.clientName, cfg.primary.user);
      await check('LVX-SAME-TOKEN-SAME-SESSION', () => expect(again, 'a second login with the same token while the session lives').toBe(first));
      ids.push(first);
    }
    if (ids.length < 2) notChecked('LVX-DIFFERENT-TOKEN-DIFFERENT-SESSION', NO_SECOND_TOKEN);
    else {
      await check('LVX-DIFFERENT-TOKEN-DIFFERENT-SESSION', () => expect(new Set(ids).size, `one session per token: ${ids.join(', ')}`).toBe(ids.length));
      // Each lives on its own: ending the first token's session leaves the second one's valid.
      const out = await lv.logout(ids[0]!);
      if (out.status >= 200 && out.status < 300) {
        const other = await lv.validate(ids[1]!);
        await check('LVX-DIFFERENT-TOKEN-DIFFERENT-SESSION', () => expect(other.status, "the other token's session after the first one's logout").toBeOneOf([200, 201, 202, 204]));
      }
    }
  });

  it(rule(['LVX-HEADER-CASE', 'LVX-UNKNOWN-HEADERS-IGNORED'], 'header names in any case work, unknown headers are ignored'), async () => {
    for (const name of ['LV-Access', 'lv-access', 'LV-ACCESS', 'Lv-Access', 'lV-aCcEsS']) {
      const res = await http.send({
        method: 'POST',
        path: '/session/login',
        headers: { [name]: cfg.primary.apiTokens[0] },
        json: { clientName: cfg.primary.clientName, ...cfg.primary.user },
      });
      await check('LVX-HEADER-CASE', () => expect(res.status, name).toBe(200));
    }
    const res = await http.send({
      method: 'POST',
      path: '/session/login',
      headers: { 'LV-Access': cfg.primary.apiTokens[0], LV_REQUEST_TRACKING_ID: '3f1d2c1e-5f7a-4c1e-9a3b-1c2d3e4f5a6b', 'X-Unknown': 'yes' },
      json: { clientName: cfg.primary.clientName, ...cfg.primary.user },
    });
    await check('LVX-UNKNOWN-HEADERS-IGNORED', () => expect(res.status).toBe(200));
  });

  it(rule(['LVX-HEADER-REPEATED', 'LVX-ERROR-CODES'], 'a repeated LV-Access is 400'), async () => {
    const res = await http.send({
      method: 'POST',
      path: '/session/login',
      headers: { 'LV-Access': [cfg.primary.apiTokens[0]!, cfg.primary.apiTokens[0]!] },
      json: { clientName: cfg.primary.clientName, ...cfg.primary.user },
    });
    await check('LVX-HEADER-REPEATED', () => expect(res.status).toBe(400));
    await check('LVX-ERROR-CODES', () => errorCodeIs(res.body, 10017));
  });

  it(rule(['LVX-ERROR-SHAPE', 'LVX-ROUTE-NOT-FOUND', 'LVX-METHOD-NOT-ALLOWED', 'LVX-ERROR-CODES'], 'unknown LiveVox paths and wrong methods answer in the {code, message} shape'), async () => {
    const unknown = await http.send({ method: 'POST', path: '/contact/contacts/', headers: { 'LV-Session': '5eb4ad6c-50b7-45da-8d56-f4e9ac7d9cbd' }, json: {} });
    await check('LVX-ERROR-SHAPE', () => errorShaped(unknown.body));
    await check('LVX-ROUTE-NOT-FOUND', () => expect(unknown.status).toBe(404));
    await check('LVX-ERROR-CODES', () => errorCodeIs(unknown.body, 10013));
    const wrong = await http.send({ method: 'GET', path: '/session/login' });
    await check('LVX-ERROR-SHAPE', () => errorShaped(wrong.body));
    await check('LVX-METHOD-NOT-ALLOWED', () => {
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toContain('POST');
    });
    await check('LVX-ERROR-CODES', () => errorCodeIs(wrong.body, 10014));
  });
});

everyResponseMatchesTheContract('livevox', () => http);
