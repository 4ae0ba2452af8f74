import { hash } from 'node:crypto';

// crypto.hash (Node >= 20.12) is the one-shot digest: about 5x cheaper than createHash().update().digest(), and a
// secret is hashed on every authenticated request.

/**
 * Compares two secrets in time that depends on neither their content nor their lengths: both are hashed to
 * fixed-length digests first, so an attacker learns nothing from how long a comparison takes.
 */
export function secretEquals(given: string, expected: string): boolean {
  return digestsEqual(digestSecret(given), digestSecret(expected));
}

/**
 * A secret's SHA-256 digest, in base64 (always 44 characters): what the core keeps to compare against, so a request
 * hashes only what it sent. A string rather than a Buffer: no allocation outside the heap on every request.
 */
export type SecretDigest = string;

/** The digest of a secret, computed once when the secret is stored or changed. */
export const digestSecret = (secret: string): SecretDigest => hash('sha256', secret, 'base64');

/** Compares a secret someone sent with a stored digest in constant time (one hash per request, not two). */
export function secretMatches(given: string, expected: SecretDigest): boolean {
  return digestsEqual(digestSecret(given), expected);
}

/**
 * Two digests equal, in time that does not depend on where they differ: every character is compared (they are
 * always the same length, 44). What timingSafeEqual does for Buffers, without making two Buffers per request.
 */
export function digestsEqual(a: SecretDigest, b: SecretDigest): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * The key a secret is looked up by: its digest (SHA-256, base64). A map keyed by it says nothing, through its timing,
 * about how much of a guessed secret was right.
 */
export const lookupKey: (secret: string) => string = digestSecret;

/** Shortest secret whose last four characters may be shown: below it, four characters would give too much away. */
const SHOWN_TAIL_MIN_LENGTH = 16;

/**
 * A secret as a log, journal or report may show it: "…" and its last four characters (enough to tell two apart),
 * or "…" alone for a short one (a password's last four are too much of it). An empty value stays empty: that a
 * secret was sent empty is worth seeing, and hides nothing.
 */
export function maskSecret(secret: string): string {
  if (secret === '') return '';
  return secret.length >= SHOWN_TAIL_MIN_LENGTH ? `…${secret.slice(-4)}` : '…';
}
