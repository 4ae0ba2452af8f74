import type { LiveVoxCommand } from '../../core/livevox/livevox-commands.js';
import type { CheckedAccess, Credentials } from '../../core/livevox/livevox-core.js';
import type { LiveVoxSession, LoginResult } from '../../core/livevox/model.js';
import type { Result } from '../../core/result.js';
import { isUuid } from '../../core/uuid.js';
import type { ErrorCode } from '../../generated/livevox-session-catalogue.js';
import type { ServerState } from '../../state/server-state.js';

/**
 * The LiveVox operations as the routes call them: each one commits its domain command through the server's store
 * and answers what the core decided. A session id that is not a UUID names no session on any instance, so that
 * answer needs no round trip (and no log entry).
 */
export class LiveVoxOperations {
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
