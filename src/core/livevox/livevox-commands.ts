import type { AccessRecord, Credentials, LiveVoxCore } from './livevox-core.js';

/**
 * Every LiveVox operation that changes state or counts as a session's activity, as plain JSON data: what a store
 * commits and every instance applies to its own core. What is not deterministic travels beside it in the store's
 * log entry (the time the store stamped, the seed new ids derive from), so applying it is a pure function of the
 * core, the command and those two. Passwords travel inside login and change commands, as they do in the request
 * itself, because the check must run where the command is ordered (a password change may come first).
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
  // A command no release of this core knows: a log written by something else, never data to guess at.
  throw new Error(`unknown LiveVox command: ${JSON.stringify((command as { op?: unknown }).op)}`);
}
