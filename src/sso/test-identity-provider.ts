import { webcrypto } from 'node:crypto';
import type { JSONWebKeySet, JWK, JWTPayload } from 'jose';

type CryptoKey = webcrypto.CryptoKey;
type JsonWebKey = webcrypto.JsonWebKey;
const { subtle } = webcrypto;

// The key is made and moved with the platform's WebCrypto; jose (tens of modules) is loaded only to sign a token,
// so a server that never mints one never loads it (start-up time, issue 20).
const ES256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** The fields of an EC JWK (RFC 7518 section 6.2): WebCrypto's export adds `ext` and `key_ops`, which a JWKS leaves out. */
const ecJwk = ({ kty, crv, x, y, d }: JsonWebKey): JWK => ({ kty, crv, x, y, ...(d !== undefined ? { d } : {}) });

/** The issuer of the built-in test identity provider; a client's SSO fixture names it to trust this provider. */
export const BUILTIN_ISSUER = 'urn:session-kit:test-idp';

/** What to put in a minted ID token; anything left out gets a sensible default. */
export interface MintRequest {
  /** The `sub` claim; defaults to the user claim's value. */
  subject?: string;
  /** Claims merged into the token, e.g. `{ preferred_username: 'demo.user' }`. */
  claims?: Record<string, unknown>;
  issuer?: string;
  audience?: string;
  /** Seconds from `now` to `exp`; negative mints a token that has already expired. */
  expiresInSeconds?: number;
}

/**
 * A local OIDC identity provider for integrators and tests: it holds its own ES256 key, publishes it as a JWKS and
 * mints ID tokens. It stands in for a customer's Okta or Azure tenant; a real issuer can be configured instead.
 */
export class TestIdentityProvider {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicJwks: JSONWebKeySet,
    private readonly kid: string,
  ) {}

  /** Creates a provider with a fresh key pair. */
  static async create(kid = 'session-kit-test-idp-1'): Promise<TestIdentityProvider> {
    const { privateKey, publicKey } = await subtle.generateKey(ES256, true, ['sign', 'verify']);
    const jwk = { ...ecJwk(await subtle.exportKey('jwk', publicKey)), kid, alg: 'ES256', use: 'sig' };
    return new TestIdentityProvider(privateKey, { keys: [jwk] }, kid);
  }

  /**
   * A provider with a given private key (a JWK with its kid): how the instances of one shared store sign with one key,
   * so a token minted by one instance logs in on another.
   */
  static async fromPrivateJwk(privateJwk: JWK): Promise<TestIdentityProvider> {
    const { kid: _kid, alg: _alg, use: _use, ...keyFields } = privateJwk;
    const privateKey = await subtle.importKey('jwk', keyFields as JsonWebKey, ES256, true, ['sign']);
    const { d: _d, ...publicJwk } = privateJwk;
    return new TestIdentityProvider(privateKey, { keys: [{ ...publicJwk, alg: 'ES256', use: 'sig' }] }, privateJwk.kid ?? 'session-kit-test-idp-1');
  }

  /** The private key as a JWK (with its kid), to share with the other instances of a store. */
  async privateJwk(): Promise<JWK> {
    return { ...ecJwk(await subtle.exportKey('jwk', this.privateKey)), kid: this.kid };
  }

  /** The public keys, as the JWKS document an issuer publishes. */
  jwks(): JSONWebKeySet {
    return this.publicJwks;
  }

  /** Mints a signed ID token as of `nowMs` (the server's movable clock). */
  async mint(request: MintRequest, nowMs: number): Promise<string> {
    const iat = Math.floor(nowMs / 1000);
    const claims: JWTPayload = { ...(request.claims ?? {}) };
    const subject = request.subject ?? String(claims.preferred_username ?? claims.email ?? 'test-subject');
    const { SignJWT } = await import('jose');
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: this.kid, typ: 'JWT' })
      .setIssuer(request.issuer ?? BUILTIN_ISSUER)
      .setAudience(request.audience ?? 'session-kit')
      .setSubject(subject)
      .setIssuedAt(iat)
      .setExpirationTime(iat + (request.expiresInSeconds ?? 300))
      .sign(this.privateKey);
  }
}
