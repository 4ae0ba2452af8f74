import type { JWTVerifyGetKey } from 'jose';
import type { LiveVoxSsoSeed } from '../core/livevox/model.js';
import { BUILTIN_ISSUER, type TestIdentityProvider } from './test-identity-provider.js';

type Jose = typeof import('jose');

/** Why an ID token was refused, in words fit for the error message. */
export type VerifyOutcome = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Verifies OIDC ID tokens for a client's SSO configuration: signature against the issuer's keys (the built-in test
 * provider's, or a remote JWKS), then `iss`, `aud` and `exp`/`nbf` against the server's clock with no leeway.
 */
export class IdTokenVerifier {
  private readonly remoteKeySets = new Map<string, JWTVerifyGetKey>();
  private localKeys: JWTVerifyGetKey | undefined;

  constructor(private readonly builtin: TestIdentityProvider | undefined) {}

  async verify(idToken: string, sso: LiveVoxSsoSeed, nowMs: number): Promise<VerifyOutcome> {
    // jose is loaded at the first SSO login, not at start-up (issue 20).
    const jose = await import('jose');
    const { jwtVerify, errors } = jose;
    const keys = this.keysFor(sso, jose);
    if (!keys) return { ok: false, reason: 'no keys are configured for this issuer' };
    try {
      const { payload } = await jwtVerify(idToken, keys, {
        issuer: sso.issuer,
        audience: sso.audience,
        currentDate: new Date(nowMs),
        clockTolerance: 0,
        requiredClaims: ['exp', 'iat'],
        algorithms: ['ES256', 'ES384', 'RS256', 'RS384', 'RS512', 'PS256', 'EdDSA'],
      });
      // jose checks `iat` only against a maximum age; LVX-SSO-TIME also refuses a token issued in the future.
      if (typeof payload.iat !== 'number' || payload.iat > Math.floor(nowMs / 1000)) return { ok: false, reason: 'the ID token was issued in the future' };
      return { ok: true, claims: payload as Record<string, unknown> };
    } catch (error) {
      return { ok: false, reason: describe(error, errors) };
    }
  }

  private keysFor(sso: LiveVoxSsoSeed, jose: Jose): JWTVerifyGetKey | undefined {
    if (sso.jwksUri) {
      let keys = this.remoteKeySets.get(sso.jwksUri);
      if (!keys) this.remoteKeySets.set(sso.jwksUri, (keys = jose.createRemoteJWKSet(new URL(sso.jwksUri))));
      return keys;
    }
    if (sso.issuer !== BUILTIN_ISSUER || !this.builtin) return undefined;
    return (this.localKeys ??= jose.createLocalJWKSet(this.builtin.jwks()));
  }
}

/** A short reason that says which check failed without echoing the token. */
function describe(error: unknown, errors: Jose['errors']): string {
  if (error instanceof errors.JWTExpired) return 'the ID token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'the ID token was issued by an issuer this client does not trust';
    if (error.claim === 'aud') return 'the ID token is not meant for this client (audience)';
    if (error.claim === 'nbf') return 'the ID token is not valid yet';
    return `the ID token's "${error.claim}" claim is not acceptable`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the ID token signature does not verify';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the issuer matches the ID token';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the ID token uses an algorithm that is not allowed';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSEError && error.code === 'ERR_JWKS_INVALID') {
    return 'the issuer keys could not be fetched';
  }
  return 'the ID token is malformed';
}
