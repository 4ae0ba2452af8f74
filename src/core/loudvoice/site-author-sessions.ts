/**
 * The author sessions of one site (LDV-SESSION-*): start or refresh, list, end. Functions of the site aggregate's
 * parts (site-parts.ts).
 */
import type { ErrorCode } from '../../generated/loudvoice-catalogue.js';
import { fail, ok, type Result } from '../result.js';
import { commitPlan, NO_NAME, planByDetails, planByIdentity, planByToken, type AuthorPlan } from './author-resolution.js';
import type { Author, AuthorSession } from './entities.js';
import type { PageRequest, SessionStartInput, Upserted } from './inputs.js';
import { DEFAULT_EXPIRES_IN_SECONDS } from './model.js';
import { pageableArray } from './creation-order.js';
import type { Page } from './pagination.js';
import { sessionView, type AuthorSessionView } from './views.js';
import { SESSION_AUTHOR, type AuthorSessionNaming, type SiteParts } from './site-parts.js';

/**
 * Starts or refreshes the session of the author the body names (LDV-SESSION-*): `created` is true only when the
 * request created the author, which is what makes the answer 201.
 */
export function startSession(site: SiteParts, input: SessionStartInput): Result<Upserted<AuthorSessionView>, ErrorCode> {
  const a = input.author;
  const reused = a.kind === 'details' ? unreferencedAuthor(site, a.authorReference, a.fields.name) : undefined;
  const plan: Result<AuthorPlan, ErrorCode> = reused
    ? ok({ kind: 'existing', author: reused, apply: a.kind === 'details' ? a.fields : {} })
    : a.kind === 'token'
      ? planByToken(site.authors, a.authorToken, `${SESSION_AUTHOR}->author_token`)
      : a.kind === 'identity'
        ? planByIdentity(site.authors, a.identityToken, `${SESSION_AUTHOR}->identity_token`)
        : planByDetails(
            site.authors,
            a.authorReference,
            a.allowCreateNew || site.fault('loudvoice-allow-create-new-ignored'),
            a.fields,
            SESSION_AUTHOR,
            !site.fault('loudvoice-name-not-required'),
          );
  if (!plan.ok) return plan;
  // Test-only fault loudvoice-identity-link-ignored: a new author from an identity gets the link but not its profile.
  if (a.kind === 'identity' && plan.value.kind === 'new' && site.fault('loudvoice-identity-link-ignored')) {
    plan.value.fields = { ...plan.value.fields, name: NO_NAME, email: null, pictureUrl: null };
  }
  // Test-only fault loudvoice-details-sync-ignored: the details sent are never applied to an existing author.
  if (plan.value.kind === 'existing' && site.fault('loudvoice-details-sync-ignored')) plan.value.apply = {};
  const now = site.now();
  // The session PUT is an update of an author that existed (the loudvoice-last-update-every-put variant).
  const { author, created } = commitPlan(site.authors, plan.value, now, site.newToken, site.touchOnEveryPut);
  if (created && a.kind === 'details' && a.authorReference === null && a.fields.name !== undefined) {
    if (site.fault('loudvoice-no-reference-reuses-author')) site.unreferencedByName.set(a.fields.name, author);
  }
  // Test-only fault loudvoice-expires-in-ignored: every session gets the default lifetime.
  const expiresIn = site.fault('loudvoice-expires-in-ignored') ? DEFAULT_EXPIRES_IN_SECONDS : input.expiresIn;
  const session = site.sessions.start(author, expiresIn, now, site.newSessionToken);
  return ok({ created: answers201(site, a.kind, created), value: sessionView(session) });
}

/** Whether a session start answers 201: when it created the author, unless a test-only fault bends the rule. */
function answers201(site: SiteParts, kind: SessionStartInput['author']['kind'], created: boolean): boolean {
  if (kind === 'token' && site.fault('loudvoice-author-token-201')) return true;
  if (kind === 'details' && site.fault('loudvoice-session-201-existing-author')) return true;
  return created && !site.fault('loudvoice-200-for-new-author');
}

/** Under the test-only loudvoice-no-reference-reuses-author fault: the author an earlier reference-less PUT made with this name. */
function unreferencedAuthor(site: SiteParts, reference: string | null, name: string | undefined): Author | undefined {
  if (reference !== null || name === undefined || !site.fault('loudvoice-no-reference-reuses-author')) return undefined;
  const author = site.unreferencedByName.get(name);
  return author && site.authors.get(author.token) === author ? author : undefined;
}

/** A page of the live sessions, optionally only the one of an author (LDV-SESSION-LIST-*). */
export function listSessions(site: SiteParts, page: PageRequest, authorToken?: string): Page<AuthorSessionView> {
  const now = site.now();
  // Test-only fault loudvoice-session-filter-ignored: the filter is read and checked, then not used.
  if (authorToken === undefined || site.fault('loudvoice-session-filter-ignored')) return site.page(site.sessions.ordered(now), page, sessionView);
  const author = site.authors.get(authorToken);
  // Test-only faults loudvoice-session-per-put and loudvoice-session-list-includes-expired: the list may hold more than
  // one session of an author, and the filter goes through all of them.
  if (site.fault('loudvoice-session-per-put') || site.fault('loudvoice-session-list-includes-expired')) {
    const all = site.sessions.ordered(now);
    return site.page(pageableArray(all.slice('asc', 0, all.size).filter((s) => s.author === author)), page, sessionView);
  }
  const session = author ? site.sessions.liveOf(author, now) : undefined;
  return site.page(pageableArray(session ? [session] : []), page, sessionView);
}

/** Ends a live session; unknown, deleted or expired is SESSION_NOT_FOUND. */
export function deleteSession(site: SiteParts, token: string): Result<AuthorSessionView, ErrorCode> {
  const session = site.sessions.live(token, site.now());
  if (!session) return fail('SESSION_NOT_FOUND', { token });
  const before = sessionView(session);
  // Test-only fault loudvoice-session-delete-noop: answered as deleted, nothing removed.
  if (!site.fault('loudvoice-session-delete-noop')) site.sessions.remove(session);
  return ok(before);
}

/**
 * Ends, now, the live author session a request names: by its token, or by its author's token, reference or Social
 * Login identity. Not an operation of the API: an integrator's chaos rule (end-session) does it, so no test-only
 * fault bends it. Returns how many sessions ended (0 when the request names none that is live).
 */
export function endSessionsNamed(site: SiteParts, named: AuthorSessionNaming): number {
  const now = site.now();
  const ended = new Set<AuthorSession>();
  const bySessionToken = named.sessionToken === undefined ? undefined : site.sessions.live(named.sessionToken, now);
  if (bySessionToken) ended.add(bySessionToken);
  const authors = [
    named.authorToken === undefined ? undefined : site.authors.get(named.authorToken),
    named.authorReference === undefined ? undefined : site.authors.byAuthorReference(named.authorReference),
    named.identityToken === undefined ? undefined : site.authors.byIdentityToken(named.identityToken),
  ];
  for (const author of authors) {
    const session = author ? site.sessions.liveOf(author, now) : undefined;
    if (session) ended.add(session);
  }
  for (const session of ended) site.sessions.remove(session);
  return ended.size;
}

/** Live sessions for the admin view. */
