// LiveVox SSO login (this project's OIDC design): a good ID token from the client's issuer logs in; tampered,
// expired, future, wrong-issuer, wrong-audience, unmapped and other-key tokens are 401; a client without SSO is 403.
import type { FastifyInstance } from 'fastify';
import { SignJWT, generateKeyPair } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControlledClock } from '../../src/runtime/clock.js';
import { BUILTIN_ISSUER, type TestIdentityProvider } from '../../src/sso/test-identity-provider.js';
import { DEMO, testApp } from '../helpers/test-app.js';

let app: FastifyInstance;
let clock: ControlledClock;
let idp: TestIdentityProvider;
beforeEach(async () => ({ app, clock, idp } = await testApp()));
afterEach(() => app.close());

const ssoLogin = (idToken: string, extra: object = {}, token: string = DEMO.token1, url = '/session/sso/login') =>
  app.inject({
    method: 'POST',
    url,
    headers: { 'lv-access': token, 'content-type': 'application/json' },
    payload: JSON.stringify({ clientName: 'DEMO', idToken, ...extra }),
  });

const mint = (overrides: Parameters<TestIdentityProvider['mint']>[0] = {}) =>
  idp.mint({ audience: 'livevox-demo', claims: { preferred_username: 'demo.user' }, ...overrides }, clock.now());

describe('SSO login', () => {
  it('logs in with a good ID token, sharing the session of a password login with the same token', async () => {
    const res = await ssoLogin(await mint());
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ clientId: 1001, userId: 2001 });
    const password = await app.inject({
      method: 'POST',
      url: '/session/v6.0/login',
      headers: { 'lv-access': DEMO.token1, 'content-type': 'application/json' },
      payload: JSON.stringify(DEMO.user),
    });
    expect(password.json().sessionId).toBe(res.json().sessionId);
  });

  it('logs an agent in when agent is true', async () => {
    const res = await ssoLogin(await mint({ claims: { preferred_username: 'demo.agent' } }), { agent: true }, DEMO.token1, '/session/v5.0/sso/login');
    expect(res.statusCode).toBe(200);
    expect(res.json().userId).toBe(2002);
  });

  it('mints through /__idp/token for integrators, and the JWKS is published', async () => {
    const minted = await app.inject({ method: 'POST', url: '/__idp/token', headers: { 'content-type': 'application/json' }, payload: { clientName: 'DEMO', userName: 'demo.user' } });
    expect(minted.statusCode).toBe(200);
    expect((await ssoLogin(minted.json().id_token)).statusCode).toBe(200);
    const jwks = await app.inject({ method: 'GET', url: '/__idp/jwks.json' });
    expect(jwks.json().keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(jwks.json().keys[0].d).toBeUndefined();
  });

  it.each([
    ['a tampered payload', async () => {
      const [h, p, s] = (await mint()).split('.');
      const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
      payload.preferred_username = 'demo.agent';
      return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    }],
    ['a tampered signature', async () => {
      const token = await mint();
      const last = token.at(-2) === 'A' ? 'B' : 'A';
      return token.slice(0, -2) + last + token.at(-1);
    }],
    ['an expired token', () => mint({ expiresInSeconds: -1 })],
    ['a token that expires right now', () => mint({ expiresInSeconds: 0 })],
    ['a wrong issuer', () => mint({ issuer: 'https://evil.example.com' })],
    ['a wrong audience', () => mint({ audience: 'someone-else' })],
    ['an unmapped user', () => mint({ claims: { preferred_username: 'nobody' } })],
    ['no user claim', () => mint({ claims: {} })],
    ['garbage', async () => 'not.a.jwt'],
    ['a token signed by a key the issuer does not publish', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      return new SignJWT({ preferred_username: 'demo.user' })
        .setProtectedHeader({ alg: 'ES256', kid: 'session-kit-test-idp-1' })
        .setIssuer(BUILTIN_ISSUER).setAudience('livevox-demo').setSubject('x').setIssuedAt(Math.floor(clock.now() / 1000)).setExpirationTime('5m')
        .sign(privateKey);
    }],
    ['an unsigned token (alg none)', async () => {
      const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const now = Math.floor(clock.now() / 1000);
      return `${enc({ alg: 'none' })}.${enc({ iss: BUILTIN_ISSUER, aud: 'livevox-demo', sub: 'x', iat: now, exp: now + 60, preferred_username: 'demo.user' })}.`;
    }],
  ])('refuses %s with 401 code 10011', async (_name, makeToken) => {
    const res = await ssoLogin(await makeToken());
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe(10011);
  });

  it('judges expiry by the server clock: a token valid now is refused once the clock passes exp', async () => {
    const token = await mint({ expiresInSeconds: 60 });
    clock.advance(59_000);
    expect((await ssoLogin(token)).statusCode).toBe(200);
    clock.advance(1_000);
    expect((await ssoLogin(token)).statusCode).toBe(401);
  });

  it('refuses a client without SSO with 403 code 10010', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/session/sso/login',
      headers: { 'lv-access': DEMO.otherToken, 'content-type': 'application/json' },
      payload: JSON.stringify({ clientName: 'OTHER', idToken: await mint() }),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe(10010);
  });

  it('checks LV-Access first, like every login', async () => {
    const res = await app.inject({ method: 'POST', url: '/session/sso/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ clientName: 'DEMO', idToken: await mint() }) });
    expect(res.json().code).toBe(10001);
    expect((await ssoLogin(await mint(), {}, DEMO.otherToken)).json().code).toBe(10002);
    expect((await ssoLogin('', {})).json().code).toBe(10008);
  });
});
