import { SignJWT, exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

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
    private readonly privateKey: PrivateKey,
    private readonly publicJwks: JSONWebKeySet,
    private readonly kid: string,
  ) {}

  /** Creates a provider with a fresh key pair. */
  static async create(kid = 'session-kit-test-idp-1'): Promise<TestIdentityProvider> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    return new TestIdentityProvider(privateKey, { keys: [jwk] }, kid);
  }

  /**
   * A provider with a given private key (a JWK with its kid): how the instances of one shared store sign with one key,
   * so a token minted by one instance logs in on another.
   */
  static async fromPrivateJwk(privateJwk: JWK): Promise<TestIdentityProvider> {
    const privateKey = (await importJWK(privateJwk, 'ES256', { extractable: true })) as PrivateKey;
    const { d: _d, ...publicJwk } = privateJwk;
    return new TestIdentityProvider(privateKey, { keys: [{ ...publicJwk, alg: 'ES256', use: 'sig' }] }, privateJwk.kid ?? 'session-kit-test-idp-1');
  }

  /** The private key as a JWK (with its kid), to share with the other instances of a store. */
  async privateJwk(): Promise<JWK> {
    return { ...(await exportJWK(this.privateKey)), kid: this.kid };
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
