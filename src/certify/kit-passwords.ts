// The passwords the kit sets on a target's passwordUser while it checks the password rules. They are new for every
// run (so nothing a certificate once showed works later), strong enough for any usual policy (upper and lower case,
// digits, a symbol, 17 characters), and handed to the reports as secrets, so no report ever carries one.
import { randomInt } from 'node:crypto';

/** How many password changes the kit makes at most to put a password back (past a history of reused passwords). */
export const MAX_RESTORE_CHANGES = 24;

/** One fresh password: `Kit-` + 10 random base-36 characters + `-9Z`. */
export function newKitPassword(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let body = '';
  for (let i = 0; i < 10; i++) body += alphabet[randomInt(alphabet.length)];
  return `Kit-${body}-9Z`;
}

/** The passwords of one run: for the changes the tests make, and one for each change a restore may need. */
export const kitPasswords = (): string[] => Array.from({ length: MAX_RESTORE_CHANGES + 4 }, newKitPassword);
