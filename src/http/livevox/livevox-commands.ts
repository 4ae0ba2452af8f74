import type { AccessRecord, CheckedAccess, Credentials, LiveVoxCore } from '../../core/livevox/livevox-core.js';
import type { LiveVoxSession, LoginResult } from '../../core/livevox/model.js';
import type { Result } from '../../core/result.js';
import { isUuid } from '../../core/uuid.js';
import type { ErrorCode } from '../../generated/livevox-session-catalogue.js';
import type { ServerState } from '../server-state.js';

/**
 * Every LiveVox operation that changes state or counts as a session's activity, as plain data: what a store commits
 * and every instance applies to its own core. Passwords travel inside login and change commands, as they do in the
 * request itself, because the check must run where the command is ordered (a password change may come first).
 */
export type LiveVoxCommand =
  | { k: 'lvx'; op: 'auth'; session: string; access?: string }
  | { k: 'lvx'; op: 'login'; grant: AccessRecord; credentials: Credentials }
  | { k: 'lvx'; op: 'sso'; grant: AccessRecord; clientName: string; claims: Record<string, unknown>; agent: boolean }
  | { k: 'lvx'; op: 'validate'; sessionId: string }
  | { k: 'lvx'; op: 'logout'; sessionId: string }
  | { k: 'lvx'; op: 'password'; grant: AccessRecord; credentials: Credentials; newPassword: string };

/** Applies one LiveVox command to a core: the same call whichever store ordered it. */
export function applyLiveVoxCommand(core: LiveVoxCore, command: LiveVoxCommand): unknown {
  switch (command.op) {
    case 'auth':
      return core.authenticate(command.session, command.access);
    case 'login':
      return core.login(core.accessOf(command.grant), command.credentials);
    case 'sso':
      return core.ssoLogin(core.accessOf(command.grant), command.clientName, command.claims, command.agent);
    case 'validate':
      return core.validate(command.sessionId);
    case 'logout':
      return core.logout(command.sessionId);
    case 'password':
      return core.changePassword(core.accessOf(command.grant), command.credentials, command.newPassword);
  }
}

/**
 * The LiveVox operations as the routes call them: each one commits its command through the server's store and
 * answers what the core decided. A session id that is not a UUID names no session on any instance, so that answer
 * needs no round trip (and no log entry).
 */
export class LiveVoxCommands {
  constructor(private readonly state: ServerState) {}

  private commit<T>(command: LiveVoxCommand): Promise<T> {
    return this.state.store.commit(command) as Promise<T>;
  }

  /** core.authenticate: refreshes the session it finds. */
  async authenticate(session: string | undefined, access?: string): Promise<Result<LiveVoxSession, ErrorCode>> {
    if (session === undefined || !isUuid(session)) return this.state.livevox.authenticate(session, access);
    return this.commit({ k: 'lvx', op: 'auth', session, ...(access !== undefined ? { access } : {}) });
  }

  /** core.login. */
  login(access: CheckedAccess, credentials: Credentials): Promise<Result<LoginResult, ErrorCode>> {
    return this.commit({ k: 'lvx', op: 'login', grant: this.state.livevox.accessRecord(access), credentials });
  }

  /** core.ssoLogin, with the claims of an ID token the edge has verified. */
  ssoLogin(access: CheckedAccess, clientName: string, claims: Record<string, unknown>, agent: boolean): Promise<Result<LoginResult, ErrorCode>> {
    return this.commit({ k: 'lvx', op: 'sso', grant: this.state.livevox.accessRecord(access), clientName, claims, agent });
  }

  /** core.validate: a read (after the store's sync), unless the livevox-validate-refreshes variant makes it activity. */
  async validate(sessionId: string): Promise<Result<true, ErrorCode>> {
    if (isUuid(sessionId) && this.state.variant('livevox-validate-refreshes')) return this.commit({ k: 'lvx', op: 'validate', sessionId });
    if (isUuid(sessionId)) await this.state.store.sync();
    return this.state.livevox.validate(sessionId);
  }

  /** core.logout. */
  async logout(sessionId: string): Promise<Result<true, ErrorCode>> {
    if (!isUuid(sessionId)) return this.state.livevox.logout(sessionId);
    return this.commit({ k: 'lvx', op: 'logout', sessionId });
  }

  /** core.changePassword. */
  changePassword(access: CheckedAccess, credentials: Credentials, newPassword: string): Promise<Result<true, ErrorCode>> {
    return this.commit({ k: 'lvx', op: 'password', grant: this.state.livevox.accessRecord(access), credentials, newPassword });
  }
}
