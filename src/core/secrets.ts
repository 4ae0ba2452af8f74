import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets in time that depends on neither their content nor their lengths: both are hashed to
 * fixed-length digests first, so an attacker learns nothing from how long a comparison takes.
 */
export function secretEquals(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** A secret's SHA-256 digest: what the core keeps to compare against, so a request hashes only what it sent. */
export type SecretDigest = Buffer;

/** The digest of a secret, computed once when the secret is stored or changed. */
export const digestSecret = (secret: string): SecretDigest => createHash('sha256').update(secret, 'utf8').digest();

/** Compares a secret someone sent with a stored digest in constant time (one hash per request, not two). */
export function secretMatches(given: string, expected: SecretDigest): boolean {
  return timingSafeEqual(digestSecret(given), expected);
}
