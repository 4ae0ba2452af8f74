import type { ErrorCode } from '../../generated/loudvoice-catalogue.js';
import { fail, ok, type Result } from '../result.js';
import { digestSecret, lookupKey, secretMatches, type SecretDigest } from '../secrets.js';

/** A site as the registry knows it: the keys, and whatever the caller keeps for it. */
interface Entry<T> {
  privateKeyDigest: SecretDigest;
  value: T;
}

/** Compared against when the public key is unknown, so an unknown key costs the same private-key comparison. */
const NO_SUCH_SITE = digestSecret('\u0000no-such-site');

/**
 * Finds a site by its Basic credentials (LDV-AUTH-BASIC-EVERY-CALL). The public key is looked up by digest, so the
 * lookup's timing says nothing about how much of a key was right; the private key is then always compared in
 * constant time, against a dummy when the public key is unknown, so no answer comes back earlier for a wrong
 * public key than for a wrong private key.
 */
export class SiteRegistry<T> {
  private readonly byPublicKeyDigest = new Map<string, Entry<T>>();

  /** Registers a site under its key pair. */
  add(publicKey: string, privateKey: string, value: T): void {
    this.byPublicKeyDigest.set(lookupKey(publicKey), { privateKeyDigest: digestSecret(privateKey), value });
  }

  /**
   * The site these credentials open, or CREDENTIALS_INVALID. `checkPrivateKey` is false only under the test-only
   * loudvoice-private-key-unchecked fault.
   */
  authenticate(publicKey: string, privateKey: string, checkPrivateKey = true): Result<T, ErrorCode> {
    const entry = this.byPublicKeyDigest.get(lookupKey(publicKey));
    const privateOk = secretMatches(privateKey, entry?.privateKeyDigest ?? NO_SUCH_SITE);
    return entry && (privateOk || !checkPrivateKey) ? ok(entry.value) : fail('CREDENTIALS_INVALID');
  }
}
