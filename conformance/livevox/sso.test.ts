// LiveVox SSO login (session-kit's OIDC design; the vendor documents that SSO exists, not its request).
// - A good ID token from the client's issuer, for its audience, unexpired, logs the mapped user in.
// - Tampered, expired, wrong-issuer and wrong-audience tokens are 401 code 10011.
// Needs a way to mint ID tokens: the target's test identity provider (capability `idp`); skipped otherwise.
import { beforeAll, describe, expect, it } from 'vitest';
import { mintIdToken } from '../harness/admin.js';
import { kitHttp, rule } from '../harness/context.js';
import { everyResponseMatchesTheContract } from '../harness/contract-check.js';
import type { KitHttp } from '../harness/http.js';
import { LiveVoxCalls, livevoxOf } from './livevox-client.js';

let http: KitHttp;
let lv: LiveVoxCalls;
let cfg: ReturnType<typeof livevoxOf>;
beforeAll(async () => {
  http = await kitHttp('livevox');
  lv = new LiveVoxCalls(http);
  cfg = livevoxOf(http.target);
});

const codeOf = (body: unknown) => (body as { code?: unknown } | null)?.code;
const noIdp = 'the target offers no test identity provider to mint ID tokens';

describe('SSO login', () => {
  const mint = (over: Parameters<typeof mintIdToken>[1] = {}) =>
    mintIdToken(http.target, { clientName: cfg.primary.clientName, userName: cfg.primary.user.userName, ...over });

  it(rule(['LVX-SSO-SESSION', 'LVX-SSO-USER-MAPPING', 'LVX-SSO-VERSIONED'], 'a good ID token logs the mapped user in'), async (ctx) => {
    if (!http.target.capabilities.idp) return ctx.skip(noIdp);
    const res = await lv.ssoLogin(cfg.primary.apiTokens[0]!, cfg.primary.clientName, await mint());
    expect(res.status).toBe(200);
    expect(res.body.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await lv.details(res.body.sessionId)).body.userName).toBe(cfg.primary.user.userName);
    const versioned = await http.send({
      method: 'POST',
      path: '/session/v6.0/sso/login',
      headers: { 'LV-Access': cfg.primary.apiTokens[0] },
      json: { clientName: cfg.primary.clientName, idToken: await mint() },
    });
    expect(versioned.status).toBe(200);
  });

  it(rule('LVX-SSO-SIGNATURE', 'a tampered ID token is refused with 401 code 10011'), async (ctx) => {
    if (!http.target.capabilities.idp) return ctx.skip(noIdp);
    const [header, payload, signature] = (await mint()).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    claims.exp += 3600;
    const forgedPayload = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    for (const idToken of [forgedPayload, `${header}.${payload}.${flipped}`, `${header}.${payload}.`]) {
      const res = await lv.ssoLogin(cfg.primary.apiTokens[0]!, cfg.primary.clientName, idToken);
      expect(res.status).toBe(401);
      expect(codeOf(res.body)).toBe(10011);
    }
  });

  it(rule(['LVX-SSO-TIME', 'LVX-SSO-ISSUER', 'LVX-SSO-AUDIENCE'], 'expired, wrong-issuer and wrong-audience ID tokens are refused with 401 code 10011'), async (ctx) => {
    if (!http.target.capabilities.idp) return ctx.skip(noIdp);
    const cases = {
      expired: await mint({ expiresInSeconds: -1 }),
      'wrong issuer': await mint({ issuer: 'https://attacker.example.com' }),
      'wrong audience': await mint({ audience: 'some-other-application' }),
      'unknown user': await mint({ userName: 'no.such.user' }),
    };
    for (const [name, idToken] of Object.entries(cases)) {
      const res = await lv.ssoLogin(cfg.primary.apiTokens[0]!, cfg.primary.clientName, idToken);
      expect(res.status, name).toBe(401);
      expect(codeOf(res.body), name).toBe(10011);
    }
  });

  it(rule(['LVX-SSO-ACCESS', 'LVX-SSO-NOT-ENABLED'], 'SSO logins need LV-Access like every login; a client without SSO is 403'), async (ctx) => {
    if (!http.target.capabilities.idp) return ctx.skip(noIdp);
    const missing = await http.send({ method: 'POST', path: '/session/sso/login', json: { clientName: cfg.primary.clientName, idToken: await mint() } });
    expect(missing.status).toBe(401);
    expect(codeOf(missing.body)).toBe(10001);
    if (!cfg.secondary) return;
    const res = await lv.ssoLogin(cfg.secondary.apiToken, cfg.secondary.clientName, await mint());
    // A client without SSO answers 403; one with SSO refuses a token meant for another client's audience with 401.
    expect([401, 403]).toContain(res.status);
  });
});

everyResponseMatchesTheContract('livevox', () => http);
