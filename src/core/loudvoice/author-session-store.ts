import type { FaultName } from '../faults.js';
import type { Author, AuthorSession } from './entities.js';
import { CreationOrder, type Pageable } from './creation-order.js';
import { ExpiryHeap } from './expiry-heap.js';
import { DEFAULT_EXPIRES_IN_SECONDS } from './model.js';

/** The latest date_expiration ever stored (9999-12-31T23:59:59Z): later ones could not be written as dates. */
export const LATEST_EXPIRY = Date.UTC(9999, 11, 31, 23, 59, 59);

/** How a store departs from the default; every option is off in a normal run. */
export interface AuthorSessionStoreOptions {
  /** The test-only fault loudvoice-no-expiry (src/core/faults.ts). */
  neverExpire?: boolean;
  /** Whether another test-only fault is on (never, in a normal run). */
  fault?: (name: FaultName) => boolean;
  /** The test-only variant loudvoice-session-token-rotates (src/core/variants.ts): a refresh issues a new token. */
  rotateTokenOnRefresh?: boolean;
  /**
   * The test-only variant loudvoice-expires-in-unbounded: expires_in may be any safe integer, so date_expiration is
   * capped at LATEST_EXPIRY (expires_in is still stored and echoed as sent).
   */
  capExpiry?: boolean;
}

/**
 * The live author sessions of one site: by token (in creation order, the list order), by author (one live session
 * per author, LDV-SESSION-ONE-PER-AUTHOR), and in an expiry heap. A session is live while now < date_expiration
 * (LDV-SESSION-EXPIRY-BOUNDARY); an expired one is forgotten when read and by `expire()`.
 */
export class AuthorSessionStore {
  private readonly byToken = new Map<string, AuthorSession>();
  private readonly byAuthor = new Map<Author, AuthorSession>();
  private readonly heap = new ExpiryHeap<AuthorSession>();
  private readonly inCreationOrder = new CreationOrder<AuthorSession>();

  private readonly neverExpire: boolean;
  /** Whether a test-only fault (src/core/faults.ts) is on; never in a normal run. */
  private readonly fault: (name: FaultName) => boolean;

  constructor(private readonly options: AuthorSessionStoreOptions = {}) {
    this.neverExpire = options.neverExpire ?? false;
    this.fault = options.fault ?? (() => false);
  }

  /** date_expiration of a session last active at `lastActivityAt`: expires_in seconds later. */
  expiryOf(lastActivityAt: number, expiresIn: number): number {
    const at = lastActivityAt + expiresIn * 1000;
    return this.options.capExpiry ? Math.min(at, LATEST_EXPIRY) : at;
  }

  /** The live session with this token, if any. */
  live(token: string, now: number): AuthorSession | undefined {
    return this.alive(this.byToken.get(token.toLowerCase()), now);
  }

  /** The author's live session, if any. */
  liveOf(author: Author, now: number): AuthorSession | undefined {
    return this.alive(this.byAuthor.get(author), now);
  }

  /**
   * Starts a session for the author or refreshes its live one: a refresh keeps token and date_creation
   * (LDV-SESSION-TOKEN-KEPT-ON-REFRESH) and pushes the expiry from now. Under the loudvoice-session-token-rotates
   * variant the refreshed session takes a new token in place (same place in the list, same date_creation) and the
   * old token is forgotten at once.
   */
  start(author: Author, expiresIn: number, now: number, newToken: () => string): AuthorSession {
    // Test-only fault loudvoice-session-per-put: the live session is never looked for, so every start makes a new one.
    const existing = this.fault('loudvoice-session-per-put') ? undefined : this.liveOf(author, now);
    if (existing) {
      if (this.options.rotateTokenOnRefresh) {
        this.byToken.delete(existing.token);
        existing.token = newToken();
        this.byToken.set(existing.token, existing);
      }
      existing.updatedAt = now;
      existing.expiresIn = expiresIn;
      // Test-only fault loudvoice-refresh-not-extending: the refresh is recorded but the expiry never moves.
      if (this.fault('loudvoice-refresh-not-extending')) return existing;
      existing.lastActivityAt = now;
      existing.expiresAt = this.expiryOf(now, expiresIn);
      this.heap.update(existing);
      return existing;
    }
    const session: AuthorSession = {
      token: newToken(),
      author,
      createdAt: now,
      // Test-only fault loudvoice-last-update-set-on-create.
      updatedAt: this.fault('loudvoice-last-update-set-on-create') ? now : null,
      expiresIn,
      lastActivityAt: now,
      // Test-only fault loudvoice-session-expiry-from-creation: a new session's expiry from the default, not expires_in.
      expiresAt: this.expiryOf(now, this.fault('loudvoice-session-expiry-from-creation') ? DEFAULT_EXPIRES_IN_SECONDS : expiresIn),
      heapIndex: -1,
    };
    this.byToken.set(session.token, session);
    this.inCreationOrder.add(session);
    this.byAuthor.set(author, session);
    this.heap.push(session);
    return session;
  }

  /** Takes back a session from a snapshot, as it was (`--state FILE`). */
  adopt(session: AuthorSession): void {
    this.byToken.set(session.token, session);
    this.inCreationOrder.add(session);
    this.byAuthor.set(session.author, session);
    this.heap.push(session);
  }

  /** Every session held, expired or not, in creation order (for snapshots). */
  held(): AuthorSession[] {
    return this.inCreationOrder.values();
  }

  /** Ends a session at once. */
  remove(session: AuthorSession): void {
    this.byToken.delete(session.token);
    this.inCreationOrder.remove(session);
    if (this.byAuthor.get(session.author) === session) this.byAuthor.delete(session.author);
    this.heap.remove(session);
  }

  /** Every live session in creation order, pageable without copying (what is due is forgotten first). */
  ordered(now: number): Pageable<AuthorSession> {
    this.expire(now);
    return this.inCreationOrder;
  }

  /** How many sessions are live. */
  count(now: number): number {
    this.expire(now);
    return this.byToken.size;
  }

  /**
   * Forgets expired sessions, at most `limit`; true when more are due. The heap hands them out soonest first, so
   * this costs O(expired · log n).
   */
  expire(now: number, limit = Number.POSITIVE_INFINITY): boolean {
    if (this.neverExpire) return false;
    let forgotten = 0;
    for (let next = this.heap.peek(); next && next.expiresAt <= now; next = this.heap.peek()) {
      if (forgotten++ >= limit) return true;
      this.forgetExpired(next);
    }
    return false;
  }

  private alive(session: AuthorSession | undefined, now: number): AuthorSession | undefined {
    if (!session) return undefined;
    if (now >= session.expiresAt && !this.neverExpire) {
      this.forgetExpired(session);
      return undefined;
    }
    return session;
  }

  /** Ends an expired session; under the test-only loudvoice-session-list-includes-expired fault the list keeps it. */
  private forgetExpired(session: AuthorSession): void {
    if (!this.fault('loudvoice-session-list-includes-expired')) return this.remove(session);
    this.byToken.delete(session.token);
    if (this.byAuthor.get(session.author) === session) this.byAuthor.delete(session.author);
    this.heap.remove(session);
  }
}
