// LiveVox SSO login. The vendor documents that SSO login exists, needs the API token like every login, and works only
// for a client with SSO enabled (L2, seed); its path and body are session-kit's design (POST /session/sso/login with
// an OIDC ID token), so these tests run only on a target that offers that path (capability ssoLogin) and a way to
// mint ID tokens (capability idp); otherwise they are skipped with the reason.
// - LV-Access missing or unknown on an SSO login: an Authorization error, no session (documented; exactly 401 is
//   observed). A client without SSO: refused (documented), 403 (assumed).
// - A good ID token logs the mapped user in; tampered, expired, wrong-issuer and wrong-audience tokens are refused
//   (assumed: OIDC Core 1.0 validation as session-kit designs it).
import { afterAll, beforeAll, describe, it } from 'vitest';
import { mintIdToken } from '../harness/admin.js';
import { check, expect, notChecked } from '../harness/checks.js';
import { kitHttp, rule } from '../harness/context.js';
import { everyResponseMatchesTheContract } from '../harness/contract-check.js';
import type { KitHttp } from '../harness/http.js';
import { AUTHORIZATION_ERROR, errorCodeIs, LiveVoxCalls, livevoxOf, NO_SECOND_CLIENT } from './livevox-client.js';

let http: KitHttp;
let lv: LiveVoxCalls;
let cfg: ReturnType<typeof livevoxOf>;
beforeAll(async () => {
  http = await kitHttp('livevox');
  lv = new LiveVoxCalls(http);
  cfg = livevoxOf(http.target);
});
afterAll(() => lv?.endSessions());

/** Why SSO tests cannot run on this target, or undefined when they can. */
const cannotRun = (): string | undefined => {
  const { capabilities, absent } = http.target;
  if (!capabilities.ssoLogin) return absent?.ssoLogin ?? 'no SSO login at session-kit\'s path';
  if (!capabilities.idp) return absent?.idp ?? 'no test identity provider to mint ID tokens';
  return undefined;
};

describe('SSO login', () => {
  const mint = (over: Parameters<typeof mintIdToken>[1] = {}) =>
    mintIdToken(http.target, { clientName: cfg.primary.clientName, userName: cfg.primary.user.userName, ...over });

  it(rule(['LVX-SSO-SESSION', 'LVX-SSO-USER-MAPPING', 'LVX-SSO-VERSIONED'], 'a good ID token logs the mapped user in'), async (ctx) => {
    const why = cannotRun();
    if (why) return ctx.skip(why);
    const res = await lv.ssoLogin(cfg.primary.apiTokens[0]!, cfg.primary.clientName, await mint());
    await check('LVX-SSO-SESSION', () => {
      expect(res.status).toBe(200);
      expect(res.body.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    });
    if (res.status === 200 && http.target.capabilities.sessionDetails) {
      const details = await lv.details(res.body.sessionId);
      await check('LVX-SSO-USER-MAPPING', () => expect(details.body.userName).toBe(cfg.primary.user.userName));
    }
    const versioned = await http.send({
      method: 'POST',
      path: '/session/v6.0/sso/login',
      headers: { 'LV-Access': cfg.primary.apiTokens[0] },
      json: { clientName: cfg.primary.clientName, idToken: await mint() },
    });
    await check('LVX-SSO-VERSIONED', () => expect(versioned.status).toBe(200));
  });

  it(rule(['LVX-SSO-SIGNATURE', 'LVX-ERROR-CODES'], 'a tampered ID token is refused with 401'), async (ctx) => {
    const why = cannotRun();
    if (why) return ctx.skip(why);
    const [header, payload, signature] = (await mint()).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    claims.exp += 3600;
    const forgedPayload = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    for (const idToken of [forgedPayload, `${header}.${payload}.${flipped}`, `${header}.${payload}.`]) {
      const res = await lv.ssoLogin(cfg.primary.apiTokens[0]!, cfg.primary.clientName, idToken);
      await check('LVX-SSO-SIGNATURE', () => expect(res.status).toBe(401));
      await check('LVX-ERROR-CODES', () => errorCodeIs(res.body, 10011));
    }
  });

  it(rule(['LVX-SSO-TIME', 'LVX-SSO-ISSUER', 'LVX-SSO-AUDIENCE', 'LVX-SSO-USER-MAPPING'], 'expired, wrong-issuer and wrong-audience ID tokens are refused with 401'), async (ctx) => {
    const why = cannotRun();
    if (why) return ctx.skip(why);
    const cases = [
      ['LVX-SSO-TIME', await mint({ expiresInSeconds: -1 })],
      ['LVX-SSO-ISSUER', await mint({ issuer: 'https://attacker.example.com' })],
      ['LVX-SSO-AUDIENCE', await mint({ audience: 'some-other-application' })],
      ['LVX-SSO-USER-MAPPING', await mint({ userName: 'no.such.user' })],
    ] as const;
    for (const [id, idToken] of cases) {
      const res = await lv.ssoLogin(cfg.primary.apiTokens[0]!, cfg.primary.clientName, idToken);
      await check(id, () => expect(res.status).toBe(401));
    }
  });

  it(rule(['LVX-SSO-ACCESS', 'LVX-AUTH-ERROR-401', 'LVX-SSO-NOT-ENABLED', 'LVX-SSO-NOT-ENABLED-403', 'LVX-ERROR-CODES'], 'SSO logins need LV-Access like every login; a client without SSO is refused'), async (ctx) => {
    const why = cannotRun();
    if (why) return ctx.skip(why);
    const missing = await http.send({ method: 'POST', path: '/session/sso/login', json: { clientName: cfg.primary.clientName, idToken: await mint() } });
    await check('LVX-SSO-ACCESS', async () => {
      expect(missing.status, 'an SSO login without LV-Access').toBeOneOf(AUTHORIZATION_ERROR);
      await lv.expectNoSession(missing, 'an SSO login without LV-Access');
    });
    await check('LVX-AUTH-ERROR-401', () => expect(missing.status, 'an SSO login without LV-Access').toBe(401));
    await check('LVX-ERROR-CODES', () => errorCodeIs(missing.body, 10001));
    const unknown = await lv.ssoLogin('a0009999bcbc0000xxxx000000000000', cfg.primary.clientName, await mint());
    await check('LVX-SSO-ACCESS', async () => {
      expect(unknown.status, 'an SSO login with a token that was never issued').toBeOneOf(AUTHORIZATION_ERROR);
      await lv.expectNoSession(unknown, 'an SSO login with a token that was never issued');
    });
    await check('LVX-AUTH-ERROR-401', () => expect(unknown.status, 'an SSO login with a token that was never issued').toBe(401));
    if (!cfg.secondary) {
      for (const id of ['LVX-SSO-NOT-ENABLED', 'LVX-SSO-NOT-ENABLED-403']) notChecked(id, `${NO_SECOND_CLIENT}, without SSO`);
      return;
    }
    // A token minted for a user of the second client, signed by the first client's issuer: a server that refuses
    // SSO for a client without it never looks at the token.
    const res = await lv.ssoLogin(cfg.secondary.apiToken, cfg.secondary.clientName, await mint({ userName: cfg.secondary.user.userName }));
    await check('LVX-SSO-NOT-ENABLED', () => {
      expect(res.status, 'an SSO login for a client without SSO').toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    });
    await check('LVX-SSO-NOT-ENABLED-403', () => expect(res.status).toBe(403));
  });
});

everyResponseMatchesTheContract('livevox', () => http);
