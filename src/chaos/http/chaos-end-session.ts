import type { FastifyRequest } from 'fastify';
import type { AuthorSessionNaming } from '../../core/loudvoice/loudvoice-site.js';
import { readSessionFilter } from '../../http/loudvoice/loudvoice-query.js';
import { siteOf } from '../../http/loudvoice/loudvoice-auth.js';
import { singleHeader } from '../../http/headers.js';
import type { ServerState } from '../../state/server-state.js';

/**
 * Ends, now, the session a request names (a chaos rule's end-session action), so that the request, handled next as
 * usual, gets the API's own answer for an ended session. Returns how many sessions ended: 0 when the request names
 * none that is live (a login, say), which is not an error.
 *
 * - LiveVox: the session in LV-Session (the first value if repeated), else the `{sessionId}` of validate and logout.
 * - LoudVoice: the author session named by the path's author_session_token; or the live session of the author named
 *   by the path's author_token, the query's author_reference or `filters=author_token:eq:...`, or the session PUT
 *   body's author (author_token, author_reference or identity_token). A request without the site's credentials names
 *   nothing: it is refused before this runs.
 */
export function endNamedSession(state: ServerState, request: FastifyRequest, api: 'livevox' | 'loudvoice'): number {
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  if (api === 'livevox') {
    const header = singleHeader(request, 'lv-session');
    const sessionId = header.kind === 'value' ? header.value : header.kind === 'repeated' ? header.first : params['sessionId'];
    return sessionId !== undefined && state.livevox.endSession(sessionId) ? 1 : 0;
  }
  const site = siteOf(request);
  if (!site) return 0;
  const query = (request.query ?? {}) as Record<string, string | string[] | undefined>;
  const filter = readSessionFilter(query);
  const bodyAuthor = sessionPutAuthor(request.body);
  const reference = query['author_reference'];
  const named: AuthorSessionNaming = {
    sessionToken: params['author_session_token'],
    authorToken: params['author_token'] ?? (filter.ok ? filter.value : undefined) ?? bodyAuthor.authorToken,
    authorReference: (typeof reference === 'string' ? reference : undefined) ?? bodyAuthor.authorReference,
    identityToken: bodyAuthor.identityToken,
  };
  return site.endSessionsNamed(named);
}

/** The author a session PUT body names (`request.author_session.author`), read leniently: only strings count. */
function sessionPutAuthor(body: unknown): AuthorSessionNaming {
  const author = (body as { request?: { author_session?: { author?: Record<string, unknown> } } } | undefined)?.request?.author_session?.author;
  if (typeof author !== 'object' || author === null) return {};
  const text = (key: string) => (typeof author[key] === 'string' && author[key] !== '' ? (author[key] as string) : undefined);
  return { authorToken: text('author_token'), authorReference: text('author_reference'), identityToken: text('identity_token') };
}
