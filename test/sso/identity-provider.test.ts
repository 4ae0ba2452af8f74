// The built-in test identity provider and the ID-token verifier, without a server: the key made with WebCrypto, its
// JWKS, a key shared between instances (a fleet signs with one key), and the verdicts on tokens.
import { describe, expect, it } from 'vitest';
import { IdTokenVerifier } from '../../src/sso/id-token-verifier.js';
import { BUILTIN_ISSUER, TestIdentityProvider } from '../../src/sso/test-identity-provider.js';

const sso = { issuer: BUILTIN_ISSUER, audience: 'session-kit' };
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

describe('test identity provider', () => {
  it('publishes one ES256 public key: the EC fields, kid, alg and use, never the private part', async () => {
    const idp = await TestIdentityProvider.create('kid-1');
    const [key] = idp.jwks().keys;
    expect(Object.keys(key!).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', kid: 'kid-1', alg: 'ES256', use: 'sig' });
  });

  it('a token it mints verifies; expired, foreign-audience and future tokens do not', async () => {
    const idp = await TestIdentityProvider.create();
    const verifier = new IdTokenVerifier(idp);
    const good = await idp.mint({ claims: { preferred_username: 'demo.user' } }, NOW);
    expect(await verifier.verify(good, sso, NOW)).toMatchObject({ ok: true, claims: { preferred_username: 'demo.user', sub: 'demo.user', iss: BUILTIN_ISSUER } });
    expect(await verifier.verify(await idp.mint({ expiresInSeconds: -1 }, NOW), sso, NOW)).toEqual({ ok: false, reason: 'the ID token has expired' });
    expect(await verifier.verify(await idp.mint({ audience: 'someone-else' }, NOW), sso, NOW)).toEqual({ ok: false, reason: 'the ID token is not meant for this client (audience)' });
    expect(await verifier.verify(await idp.mint({}, NOW + 60_000), sso, NOW)).toEqual({ ok: false, reason: 'the ID token was issued in the future' });
  });

  it('a token signed by another provider does not verify', async () => {
    const [ours, theirs] = await Promise.all([TestIdentityProvider.create(), TestIdentityProvider.create()]);
    const outcome = await new IdTokenVerifier(ours).verify(await theirs.mint({}, NOW), sso, NOW);
    expect(outcome).toEqual({ ok: false, reason: 'the ID token signature does not verify' });
  });

  it('an instance given another\'s private JWK signs tokens the first accepts, and publishes the same public key', async () => {
    const first = await TestIdentityProvider.create('fleet-key');
    const shared = await first.privateJwk();
    expect(shared).toMatchObject({ kty: 'EC', crv: 'P-256', kid: 'fleet-key' });
    expect(typeof shared.d).toBe('string');
    const second = await TestIdentityProvider.fromPrivateJwk(JSON.parse(JSON.stringify(shared)));
    expect(second.jwks()).toEqual(first.jwks());
    const token = await second.mint({ claims: { preferred_username: 'demo.user' } }, NOW);
    expect(await new IdTokenVerifier(first).verify(token, sso, NOW)).toMatchObject({ ok: true });
  });

  it('without a built-in provider, a token naming it has no keys', async () => {
    const idp = await TestIdentityProvider.create();
    expect(await new IdTokenVerifier(undefined).verify(await idp.mint({}, NOW), sso, NOW)).toEqual({ ok: false, reason: 'no keys are configured for this issuer' });
  });
});
