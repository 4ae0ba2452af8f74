import type { ErrorCode } from '../../generated/livevox-session-catalogue.js';
import type { CoreDeps } from '../ports.js';
import { fail, ok, type Result } from '../result.js';
import { digestSecret, lookupKey, secretMatches } from '../secrets.js';
import type { FaultName } from '../faults.js';
import type { VariantName } from '../variants.js';
import { isUuid } from '../uuid.js';
import {
  agentKey,
  NO_SUCH_USER,
  passwordPolicyProblem,
  setPassword,
  type AccessGrant,
  type AccessRecord,
  type CheckedAccess,
  type Client,
  type Credentials,
  type User,
} from './livevox-accounts.js';
import {
  SESSION_TTL_MS,
  type CallCenter,
  type LiveVoxSeed,
  type LiveVoxSession,
  type LiveVoxSsoSeed,
  type LoginResult,
  type SessionDetails,
} from './model.js';

export type { AccessRecord, CheckedAccess, Credentials } from './livevox-accounts.js';
export { passwordPolicyProblem } from './livevox-accounts.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const FIVE_MINUTES_MS = 5 * 60 * 1000;

/** The LiveVox state that is not in the fixtures: changed passwords and live sessions, as plain data. */
export interface LiveVoxSnapshot {
  /** Users whose password changed, with the passwords before it that the reuse policy remembers (newest first). */
  passwords: { clientName: string; userName: string; agent: boolean; password: string; previous?: string[] }[];
  /** In order of last activity, oldest first. */
  sessions: { sessionId: string; clientName: string; userName: string; agent: boolean; tokenIndex: number; createdAt: number; lastActivityAt: number }[];
}


/** A LiveVox session as the admin view shows it. */
export interface SessionView extends SessionDetails {
  apiTokenSuffix: string;
}


/**
 * The LiveVox Session Management domain: API tokens, logins, sessions and their 2-hour inactivity expiry.
 * Pure apart from its ports: time comes from `deps.clock`, session ids from `deps.ids`.
 *
 * Sessions live in a Map in the order of their last activity (a request that counts as activity moves its session to
 * the end; the clock never goes back), so the expired ones are at the front: forgetting them costs time proportional
 * to what expired, never a scan. (Moving a session only when the sweep met it, as before, let a session moved late
 * sit behind a newer one and outlive its expiry until that one expired too.)
 */
export class LiveVoxCore {
  private readonly clientsByName = new Map<string, Client>();
  private readonly grantsByTokenDigest = new Map<string, AccessGrant>();
  private readonly sessions = new Map<string, LiveVoxSession>();
  /** The live session of each (user, token), keyed `user.index * 8 + tokenIndex` (a number: no key strings to keep). */
  private readonly sessionByIdentity = new Map<number, LiveVoxSession>();

  /**
   * Session lifetime: 2 hours, unless a test-only fault bends it. A session is live while now - lastActivityAt < ttl;
   * the livevox-expiry-inclusive variant (live at exactly 2 h) is the same test with one more millisecond, times
   * being whole milliseconds, so expire()'s order invariant holds unchanged.
   */
  private readonly ttl: number;

  /** How many of a user's latest passwords, the current one included, a new one may not repeat. */
  private readonly reuseHistory: number;

  constructor(
    seed: LiveVoxSeed,
    private readonly deps: CoreDeps,
  ) {
    // livevox-expiry-five-minutes-late: as if expiry were left to a sweeper that runs every five minutes.
    this.ttl = this.fault('livevox-no-expiry')
      ? Number.POSITIVE_INFINITY
      : SESSION_TTL_MS + (this.fault('livevox-expiry-five-minutes-late') ? FIVE_MINUTES_MS : 0) + (this.variant('livevox-expiry-inclusive') ? 1 : 0);
    this.reuseHistory = seed.passwordPolicy?.reuseHistory ?? 1;
    let index = 0;
    for (const clientSeed of seed.clients) {
      const client: Client = { seed: clientSeed, users: new Map(), agents: new Map() };
      for (const userSeed of clientSeed.users) {
        const user: User = {
          seed: userSeed,
          client,
          index: index++,
          clientId: clientSeed.clientId,
          userId: userSeed.userId,
          agent: userSeed.agent,
          password: userSeed.password,
          passwordDigest: digestSecret(userSeed.password),
          previousPasswords: [],
        };
        if (userSeed.agent) client.agents.set(agentKey(userSeed.userName), user);
        else client.users.set(userSeed.userName, user);
      }
      this.clientsByName.set(clientSeed.clientName, client);
      clientSeed.apiTokens.forEach((token, tokenIndex) => this.grantsByTokenDigest.set(lookupKey(token), { client, tokenIndex }));
    }
  }

  /** Logs in without SSO: checks the API token against the client, then the credentials; reuses a live session. */
  login(access: CheckedAccess, credentials: Credentials): Result<LoginResult, ErrorCode> {
    const checked = this.checkCredentials(access, credentials, true);
    return checked.ok ? ok(this.startSession(checked.value.grant, checked.value.user)) : checked;
  }

  /** First half of an SSO login: the API token must name the client, and the client must have SSO enabled. */
  ssoClient(access: CheckedAccess, clientName: string): Result<LiveVoxSsoSeed, ErrorCode> {
    const grant = this.grant(access, clientName);
    if (!grant.ok) return grant;
    const sso = grant.value.client.seed.sso;
    if (sso) return ok(sso);
    // Test-only fault livevox-sso-without-config-uses-first: a fallback to "the" SSO configuration of the server.
    const first = this.fault('livevox-sso-without-config-uses-first') ? [...this.clientsByName.values()].find((c) => c.seed.sso)?.seed.sso : undefined;
    return first ? ok(first) : fail('SSO_NOT_ENABLED');
  }

  /** Second half of an SSO login, once the edge has verified the ID token: maps the claim to a user. */
  ssoLogin(access: CheckedAccess, clientName: string, claims: Record<string, unknown>, agent: boolean): Result<LoginResult, ErrorCode> {
    const grant = this.grant(access, clientName);
    if (!grant.ok) return grant;
    const claimName = grant.value.client.seed.sso?.userClaim ?? 'preferred_username';
    const userName = claims[claimName];
    const user = typeof userName === 'string' ? this.findUser(grant.value.client, userName, agent) : undefined;
    if (!user) return fail('SSO_TOKEN_INVALID', { reason: `no LiveVox ${agent ? 'agent' : 'user'} matches the "${claimName}" claim` });
    return ok(this.startSession(grant.value, user));
  }

  /**
   * Authenticates a protected request by its LV-Session value, and counts the request as activity. `accessToken` is
   * the request's LV-Access, read only under the test-only livevox-session-needs-access fault.
   */
  authenticate(sessionHeader: string | undefined, accessToken?: string): Result<LiveVoxSession, ErrorCode> {
    if (sessionHeader === undefined || sessionHeader === '') return fail('SESSION_MISSING');
    const session = this.liveSession(sessionHeader);
    if (!session) return fail('SESSION_INVALID');
    if (this.fault('livevox-session-needs-access')) {
      const grant = accessToken === undefined ? undefined : this.grantsByTokenDigest.get(lookupKey(accessToken));
      if (grant?.client !== (session.principal as User).client) return fail('SESSION_INVALID');
    }
    this.touch(session);
    return ok(session);
  }

  /**
   * IsSessionValid: true for a live session. Does not count as activity (see LVX-VALIDATE-NO-REFRESH), except
   * under the livevox-validate-refreshes variant.
   */
  validate(sessionId: string): Result<true, ErrorCode> {
    const session = this.liveSession(sessionId);
    if (!session) return fail(this.fault('livevox-validate-dead-401') ? 'SESSION_INVALID' : 'SESSION_NOT_FOUND');
    if (this.variant('livevox-validate-refreshes')) this.touch(session);
    return ok(true);
  }

  /**
   * Whether an LV-Session value names a live session, without counting as activity: what the
   * livevox-auth-before-routing variant asks of a request to a path that does not exist.
   */
  checkSession(sessionHeader: string | undefined): Result<true, ErrorCode> {
    if (sessionHeader === undefined || sessionHeader === '') return fail('SESSION_MISSING');
    return this.liveSession(sessionHeader) ? ok(true) : fail('SESSION_INVALID');
  }

  /** Ends a live session; an unknown or already ended one is SESSION_NOT_FOUND. */
  logout(sessionId: string): Result<true, ErrorCode> {
    const session = this.liveSession(sessionId);
    if (!session) return fail('SESSION_NOT_FOUND');
    if (!this.fault('livevox-logout-noop')) this.forget(session);
    return ok(true);
  }

  /**
   * Ends a live session now, whatever test-only faults say: not the API's logout but an integrator's chaos rule
   * (end-session), so the session's next use gets the API's own answer for an ended session. False when none is live.
   */
  endSession(sessionId: string): boolean {
    const session = this.liveSession(sessionId);
    if (!session) return false;
    this.forget(session);
    return true;
  }

  /** Changes a password after checking the current one, and ends every session of that user. */
  changePassword(access: CheckedAccess, credentials: Credentials, newPassword: string): Result<true, ErrorCode> {
    const checked = this.checkCredentials(access, credentials);
    if (!checked.ok) return checked;
    const { grant, user } = checked.value;
    const remembered = [user.password, ...user.previousPasswords].slice(0, this.reuseHistory);
    const policy = this.fault('livevox-password-policy-unchecked') ? null : passwordPolicyProblem(newPassword, remembered);
    if (policy) return fail('PASSWORD_POLICY', { reason: policy });
    // Test-only fault livevox-password-change-keeps-old-password: the old password stays accepted by logins.
    if (this.fault('livevox-password-change-keeps-old-password')) user.staleDigest = user.passwordDigest;
    setPassword(user, newPassword, this.reuseHistory - 1);
    if (!this.fault('livevox-password-change-keeps-sessions')) this.endSessionsOf(grant.client, user);
    return ok(true);
  }

  /** The details of the authenticated session (already touched by `authenticate`). */
  details(session: LiveVoxSession): SessionDetails {
    const user = session.principal as User;
    return {
      sessionId: session.sessionId,
      clientId: user.clientId,
      clientName: user.client.seed.clientName,
      userId: user.userId,
      userName: user.seed.userName,
      agent: user.agent,
      createdAt: session.createdAt,
      lastActivityAt: session.lastActivityAt,
      expiresAt: session.lastActivityAt + SESSION_TTL_MS,
    };
  }

  /**
   * The client's call centers, a page at a time; agent sessions may not read Configuration (vendor docs: 403). No
   * session (only under the test-only livevox-callcenters-session-unchecked fault) reads the first client's.
   */
  callCenters(session: LiveVoxSession | undefined, offset: number, count: number): { callCenter: CallCenter[]; more: boolean } {
    const client = session ? (session.principal as User).client : this.clientsByName.values().next().value!;
    const all = [...(client.seed.callCenters ?? [])].sort((a, b) => a.callCenterId - b.callCenterId);
    return { callCenter: all.slice(offset, offset + count).map((c) => ({ ...c })), more: offset + count < all.length };
  }

  /** Whether this session may use the Configuration API: agent sessions may not (vendor docs: 403 Forbidden). */
  mayConfigure(session: LiveVoxSession): Result<true, ErrorCode> {
    if (!session.principal.agent) return ok(true);
    // Test-only fault livevox-agent-session-rejected-on-configuration: agent sessions looked up in the users' store.
    return fail(this.fault('livevox-agent-session-rejected-on-configuration') ? 'SESSION_INVALID' : 'FORBIDDEN_FOR_AGENT');
  }

  /** Every live session, oldest activity first: the admin view. Not on any API request path. */
  liveSessions(): SessionView[] {
    this.expire();
    return [...this.sessions.values()].map((s) => {
      const token = (s.principal as User).client.seed.apiTokens[s.tokenIndex] ?? '';
      return { ...this.details(s), apiTokenSuffix: token.slice(-4) };
    });
  }

  /** How many sessions are live (for benchmarks and the admin view). */
  liveSessionCount(): number {
    this.expire();
    return this.sessions.size;
  }

  /** The state beyond the fixtures, for `--state FILE`: changed passwords and every live session. */
  snapshot(): LiveVoxSnapshot {
    this.expire();
    const passwords: LiveVoxSnapshot['passwords'] = [];
    for (const client of this.clientsByName.values()) {
      for (const user of [...client.users.values(), ...client.agents.values()]) {
        if (user.password === user.seed.password && user.previousPasswords.length === 0) continue;
        passwords.push({
          clientName: client.seed.clientName,
          userName: user.seed.userName,
          agent: user.agent,
          password: user.password,
          ...(user.previousPasswords.length > 0 ? { previous: [...user.previousPasswords] } : {}),
        });
      }
    }
    const sessions = [...this.sessions.values()].map((s) => {
      const user = s.principal as User;
      return { sessionId: s.sessionId, clientName: user.client.seed.clientName, userName: user.seed.userName, agent: user.agent, tokenIndex: s.tokenIndex, createdAt: s.createdAt, lastActivityAt: s.lastActivityAt };
    });
    return { passwords, sessions };
  }

  /**
   * Puts a snapshot back on top of the fixtures. Records naming a client, user or token the fixtures no longer
   * have are skipped and counted, so a changed fixture file never stops a restart.
   */
  restore(snapshot: LiveVoxSnapshot): { skipped: number } {
    let skipped = 0;
    const userOf = (clientName: string, userName: string, agent: boolean) => {
      const client = this.clientsByName.get(clientName);
      return client && this.findUser(client, userName, agent);
    };
    for (const p of snapshot.passwords) {
      const user = userOf(p.clientName, p.userName, p.agent);
      if (user) {
        setPassword(user, p.password, 0);
        user.previousPasswords = (p.previous ?? []).slice(0, this.reuseHistory - 1);
      } else skipped++;
    }
    // In order of last activity: the order expire() relies on (see the class comment).
    for (const r of [...snapshot.sessions].sort((x, y) => x.lastActivityAt - y.lastActivityAt)) {
      const user = userOf(r.clientName, r.userName, r.agent);
      if (!user || r.tokenIndex >= user.client.seed.apiTokens.length || !isUuid(r.sessionId)) {
        skipped++;
        continue;
      }
      const session: LiveVoxSession = {
        sessionId: r.sessionId.toLowerCase(),
        principal: user,
        tokenIndex: r.tokenIndex,
        createdAt: r.createdAt,
        lastActivityAt: r.lastActivityAt,
      };
      this.sessions.set(session.sessionId, session);
      this.sessionByIdentity.set(this.identityKey(user, session.tokenIndex), session);
    }
    this.expire();
    return { skipped };
  }

  /**
   * Forgets expired sessions, at most `limit` of them; true when more are due. The server sweeps on a timer in bounded chunks, so memory comes back
   * without traffic and without blocking requests.
   */
  expire(limit = Number.POSITIVE_INFINITY): boolean {
    const deadline = this.deps.clock.now() - this.ttl;
    let steps = 0;
    for (const session of this.sessions.values()) {
      // In order of last activity: once the front session is live, every session behind it is live too.
      if (session.lastActivityAt > deadline) return false;
      if (steps++ >= limit) return true;
      this.forget(session);
    }
    return false;
  }

  /**
   * The header check of every login-type request, which needs no body: the API token must exist. What it returns
   * is what the login itself takes, so the token is looked up once.
   */
  checkAccessToken(accessToken: string | undefined): Result<CheckedAccess, ErrorCode> {
    if (accessToken === undefined || accessToken === '') {
      // Under the access-unchecked fault a missing token passes; the client then comes from the body.
      if (this.fault('livevox-access-unchecked')) return ok({ grant: undefined });
      return fail('ACCESS_TOKEN_MISSING');
    }
    // Under the any-token-accepted fault the header is only checked for presence; the client comes from the body.
    if (this.fault('livevox-any-token-accepted')) return ok({ grant: undefined });
    // Looked up by digest, so the lookup's timing says nothing about how much of a token was right.
    const grant = this.grantsByTokenDigest.get(lookupKey(accessToken));
    return grant ? ok({ grant }) : fail('ACCESS_TOKEN_INVALID');
  }

  /** A checked token as plain data, for a command that another instance applies. */
  accessRecord(access: CheckedAccess): AccessRecord {
    return access.grant ? { clientName: access.grant.client.seed.clientName, tokenIndex: access.grant.tokenIndex } : null;
  }

  /** The checked token a record names; a client the fixtures no longer have reads as no token checked. */
  accessOf(record: AccessRecord): CheckedAccess {
    const client = record ? this.clientsByName.get(record.clientName) : undefined;
    return { grant: client && record ? { client, tokenIndex: record.tokenIndex } : undefined };
  }

  /** The token must name the client of the body: an unknown client is a credentials error (LVX-LOGIN-CHECK-ORDER). */
  private grant(access: CheckedAccess, clientName: string): Result<AccessGrant, ErrorCode> {
    const client = this.clientsByName.get(clientName);
    if (access.grant === undefined) {
      if (client) return ok({ client, tokenIndex: 0 });
      return this.fault('livevox-access-unchecked') ? ok(this.anyGrant()) : fail('CREDENTIALS_INVALID');
    }
    const grant = ok(access.grant);
    if (!client) return fail('CREDENTIALS_INVALID');
    // A token of another client is refused like an unknown one (vendor docs: tokens cannot be shared).
    if (grant.value.client !== client) {
      if (this.fault('livevox-foreign-token-accepted')) return ok({ client, tokenIndex: 0 });
      return fail('ACCESS_TOKEN_INVALID');
    }
    return grant;
  }

  /**
   * The token names the client of the credentials, and the user's password is right: what logins and changes share.
   * `forLogin` is read only by the test-only faults that bend the login path alone.
   */
  private checkCredentials(access: CheckedAccess, credentials: Credentials, forLogin = false): Result<{ grant: AccessGrant; user: User }, ErrorCode> {
    // Test-only fault livevox-client-name-ignored: the client comes from the API token; clientName is not compared.
    const grant = this.fault('livevox-client-name-ignored') && access.grant ? ok(access.grant) : this.grant(access, credentials.clientName);
    if (!grant.ok) return grant;
    const user = this.findUser(grant.value.client, credentials.userName, credentials.agent);
    // Compare against a dummy when the user is unknown, so timing does not reveal which userNames exist.
    let passwordOk = secretMatches(credentials.password, user?.passwordDigest ?? NO_SUCH_USER);
    if (forLogin && !passwordOk && user?.staleDigest) passwordOk = secretMatches(credentials.password, user.staleDigest);
    // Test-only fault livevox-any-password-accepted: the login path looks the user up but never compares the password.
    if (forLogin && this.fault('livevox-any-password-accepted')) passwordOk = true;
    return user && passwordOk ? ok({ grant: grant.value, user }) : fail('CREDENTIALS_INVALID');
  }

  /** Whether a test-only fault (src/core/faults.ts) is on; never in a normal run. */
  fault(name: FaultName): boolean {
    return this.deps.faults?.has(name) ?? false;
  }

  /** Whether a test-only variant (src/core/variants.ts) is on; never in a normal run. */
  private variant(name: VariantName): boolean {
    return this.deps.variants?.has(name) ?? false;
  }

  /** The key of a (user, token) pair's session; under the livevox-session-per-user fault the token is left out. */
  private identityKey(user: User, tokenIndex: number): number {
    return identityKey(user, this.fault('livevox-session-per-user') ? 0 : tokenIndex);
  }

  /** Under the access-unchecked fault, a missing token with an unknown client counts as the first token of the first client. */
  private anyGrant(): AccessGrant {
    return { client: this.clientsByName.values().next().value!, tokenIndex: 0 };
  }

  private findUser(client: Client, userName: string, agent: boolean): User | undefined {
    return agent ? client.agents.get(agentKey(userName)) : client.users.get(userName);
  }

  private startSession(grant: AccessGrant, user: User): LoginResult {
    const now = this.deps.clock.now();
    const identity = this.identityKey(user, grant.tokenIndex);
    // Test-only fault livevox-login-always-new-session: the live session is never looked for.
    const existing = this.fault('livevox-login-always-new-session') ? undefined : this.sessionByIdentity.get(identity);
    let session = existing === undefined ? undefined : this.liveSession(existing.sessionId);
    // A login that finds a live session refreshes it (LVX-LOGIN-REFRESHES), unless the variant says it does not.
    if (session) {
      if (!this.variant('livevox-login-no-refresh')) this.touch(session);
    } else {
      session = { sessionId: this.deps.ids.uuid(), principal: user, tokenIndex: grant.tokenIndex, createdAt: now, lastActivityAt: now };
      this.sessions.set(session.sessionId, session);
      this.sessionByIdentity.set(identity, session);
    }
    const result: LoginResult = { sessionId: session.sessionId, clientId: user.clientId, userId: user.userId };
    if (user.seed.passwordExpiresAt !== undefined) {
      const expiresAt = Date.parse(user.seed.passwordExpiresAt);
      result.daysUntilPasswordExpires = Math.max(0, Math.floor((expiresAt - now) / DAY_MS));
    }
    return result;
  }

  /** The session if it exists and has not expired; an expired one is forgotten on the spot. */
  private liveSession(sessionId: string): LiveVoxSession | undefined {
    if (!isUuid(sessionId)) return undefined;
    const session = this.sessions.get(sessionId.toLowerCase());
    if (!session) return undefined;
    if (this.deps.clock.now() - session.lastActivityAt >= this.ttl) {
      this.forget(session);
      return undefined;
    }
    return session;
  }

  /** Counts a request as the session's activity: stamps it and moves the session to the end of the activity order. */
  private touch(session: LiveVoxSession): void {
    if (this.fault('livevox-activity-no-refresh')) return;
    session.lastActivityAt = this.deps.clock.now();
    this.sessions.delete(session.sessionId);
    this.sessions.set(session.sessionId, session);
  }

  private forget(session: LiveVoxSession): void {
    this.sessions.delete(session.sessionId);
    const identity = this.identityKey(session.principal as User, session.tokenIndex);
    // Only the session the key names: under the test-only livevox-login-always-new-session fault a newer one may hold it.
    if (this.sessionByIdentity.get(identity) === session) this.sessionByIdentity.delete(identity);
  }

  private endSessionsOf(client: Client, user: User): void {
    // At most one session per token of the client: a handful of direct look-ups, no scan over sessions.
    client.seed.apiTokens.forEach((_token, tokenIndex) => {
      const session = this.sessionByIdentity.get(this.identityKey(user, tokenIndex));
      if (session) this.forget(session);
    });
  }
}

/** The numeric key of a (user, token) pair: at most 5 tokens per client, so 8 slots per user never collide. */
function identityKey(user: User, tokenIndex: number): number {
  return user.index * 8 + tokenIndex;
}
