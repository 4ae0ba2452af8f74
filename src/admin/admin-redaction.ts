// What GET /__admin/sessions shows to a caller without the admin token. On loopback without a token that is anyone
// on the machine (and, before the Host check, any page that rebound a name to it), so it keeps README's promise: no
// passwords, keys or full tokens. A session id or token is a bearer credential: its last 4 characters tell two apart
// (as the console shows them) and are no use to log in with.
import { maskSecret } from '../core/secrets.js';
import type { SessionView } from '../core/livevox/livevox-core.js';
import type { AdminSessionView } from '../core/loudvoice/loudvoice-core.js';

/** The admin view of the live sessions, as GET /__admin/sessions sends it. */
export interface SessionsView<C> {
  livevox: SessionView[];
  loudvoice: AdminSessionView[];
  clock: C;
}

/** A session id or token as shown without the admin token: "…" and its last 4 characters (the console's short form). */
export const shortId = (id: string): string => maskSecret(id);

/** The sessions view with every session id and token shortened; everything else as it was. */
export function redactSessionsView<C>(view: SessionsView<C>): SessionsView<C> {
  return {
    livevox: view.livevox.map((s) => ({ ...s, sessionId: shortId(s.sessionId) })),
    loudvoice: view.loudvoice.map((s) => ({ ...s, authorSessionToken: shortId(s.authorSessionToken), authorToken: shortId(s.authorToken) })),
    clock: view.clock,
  };
}
