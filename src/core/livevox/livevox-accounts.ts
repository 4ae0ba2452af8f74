/**
 * The accounts of the LiveVox core: clients, their users and agents with their passwords, and the API tokens that
 * grant access to a client; the password policy. The core (livevox-core.ts) keeps them; the edge only sees the
 * opaque CheckedAccess and the AccessRecord a command carries.
 */
import { secretEquals, digestSecret, type SecretDigest } from '../secrets.js';
import type { LiveVoxClientSeed, LiveVoxUserSeed, SessionPrincipal } from './model.js';

/** A client as the core keeps it: its users indexed for the two case rules. */
export interface Client {
  readonly seed: LiveVoxClientSeed;
  readonly users: Map<string, User>;
  readonly agents: Map<string, User>;
}

/** A user or agent with its current password (which a password change replaces). */
export interface User extends SessionPrincipal {
  readonly seed: LiveVoxUserSeed;
  readonly client: Client;
  /** Unique across all clients: the base of the numeric identity key of its sessions. */
  readonly index: number;
  password: string;
  /** Digest of `password`, what a login is compared against in constant time. */
  passwordDigest: SecretDigest;
  /** The passwords before the current one, newest first, as many as the reuse policy remembers. */
  previousPasswords: string[];
  /** Under the test-only livevox-password-change-keeps-old-password fault: the password before the last change. */
  staleDigest?: SecretDigest;
}

/** The credentials of a login or password change, already parsed by the edge. */
export interface Credentials {
  clientName: string;
  userName: string;
  password: string;
  agent: boolean;
}

/** An API token found by `checkAccessToken`, handed back to the login that follows (opaque to the edge). */
export interface CheckedAccess {
  /** Undefined only under the test-only faults that skip the token check (the client then comes from the body). */
  readonly grant: AccessGrant | undefined;
}

/**
 * A checked API token as plain data: the client's name and the token's place in its list (never the token), or null
 * when a test-only fault let a request through without one. What a command carries across instances.
 */
export type AccessRecord = { clientName: string; tokenIndex: number } | null;

/** An API token that names a client, found in constant time; `tokenIndex` identifies it within the client. */
export interface AccessGrant {
  client: Client;
  tokenIndex: number;
}

/** Agents' userNames are case-insensitive, users' are case-sensitive (observed in the .NET client's docs). */
export const agentKey = (userName: string) => userName.toLowerCase();

/** Compared against when the user is unknown, so timing does not reveal which userNames exist. */
export const NO_SUCH_USER = digestSecret('\u0000no-such-user');

/** Changes a user's password and the digest logins compare against, remembering up to `remember` earlier ones. */
export function setPassword(user: User, password: string, remember: number): void {
  if (remember > 0) user.previousPasswords = [user.password, ...user.previousPasswords].slice(0, remember);
  user.password = password;
  user.passwordDigest = digestSecret(password);
}

/**
 * The password rules of the LiveVox password-management info sheet: at least 8 characters with a digit, and none of
 * the `remembered` passwords (the current one first; LiveVox: the last 4). Returns what is wrong, or null.
 */
export function passwordPolicyProblem(next: string, remembered: readonly string[]): string | null {
  if (next.length < 8) return 'the new password must have at least 8 characters';
  if (!/[0-9]/.test(next)) return 'the new password must contain at least one digit';
  if (remembered[0] !== undefined && secretEquals(next, remembered[0])) return 'the new password must differ from the current one';
  // Compared in constant time, like every secret: how long the refusal takes says nothing of the old passwords.
  if (remembered.slice(1).some((old) => secretEquals(next, old))) return `the new password must differ from the last ${remembered.length} passwords`;
  return null;
}
