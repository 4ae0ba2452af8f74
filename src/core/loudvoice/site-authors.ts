/**
 * The authors of one site (LDV-AUTHOR-*): list, read, create, update, delete. Functions of the site aggregate's parts
 * (site-parts.ts): each checks everything first and changes state only once nothing can fail any more.
 */
import type { ErrorCode } from '../../generated/loudvoice-catalogue.js';
import { fail, ok, type Result } from '../result.js';
import { NO_NAME } from './author-resolution.js';
import { takeComments } from './comment-counters.js';
import type { Author } from './entities.js';
import type { AuthorFieldsInput, PageRequest } from './inputs.js';
import { pageableArray } from './creation-order.js';
import type { Page } from './pagination.js';
import { authorView, type AuthorView } from './views.js';
import { nonEmpty, notFound, type Selector, type SiteParts } from './site-parts.js';

/** A page of every author (LDV-AUTHOR-LIST). */
export function listAuthors(site: SiteParts, page: PageRequest): Page<AuthorView> {
  // Test-only fault loudvoice-author-list-skips-guests: only authors with an author_reference are listed.
  if (site.fault('loudvoice-author-list-skips-guests')) {
    return site.page(pageableArray(site.authors.ordered.values().filter((a) => a.reference !== null)), page, authorView);
  }
  return site.page(site.authors.ordered, page, authorView);
}

/** One author by token or by author_reference. */
export function getAuthor(site: SiteParts, selector: Selector): Result<AuthorView, ErrorCode> {
  const author = findAuthor(site, selector);
  // Test-only fault loudvoice-author-read-by-token-404: a token read misses every author that has a reference.
  if (author.ok && 'token' in selector && author.value.reference !== null && site.fault('loudvoice-author-read-by-token-404')) {
    return notFound('author', 'author_token', selector.token);
  }
  return author.ok ? ok(authorView(author.value)) : author;
}

/** Creates an author (LDV-AUTHOR-CREATE-201): unique reference, identity linked at most once, name required unless the identity gives one. */
export function createAuthor(site: SiteParts, fields: AuthorFieldsInput): Result<AuthorView, ErrorCode> {
  const identityToken = nonEmpty(fields.identityToken);
  if (fields.name === undefined && identityToken === null && !site.fault('loudvoice-name-not-required')) {
    return fail('NAME_REQUIRED_FOR_NEW_AUTHOR', { node: 'request->author->name' });
  }
  const checked = checkAuthorKeys(site, null, fields);
  if (!checked.ok) return checked;
  // Test-only fault loudvoice-identity-link-ignored: the identity is checked and linked, but its profile never read.
  const identity = identityToken === null || site.fault('loudvoice-identity-link-ignored') ? undefined : site.authors.identity(identityToken);
  const author = site.authors.create(
    site.newToken(),
    {
      reference: nonEmpty(fields.authorReference),
      identityToken: identityToken?.toLowerCase() ?? null,
      // No name at all only under the test-only faults loudvoice-name-not-required and loudvoice-identity-link-ignored.
      name: fields.name ?? identity?.name ?? NO_NAME,
      email: fields.email !== undefined ? fields.email : (identity?.email ?? null),
      description: fields.description ?? null,
      pictureUrl: fields.pictureUrl !== undefined ? fields.pictureUrl : (identity?.pictureUrl ?? null),
      websiteUrl: fields.websiteUrl ?? null,
    },
    site.now(),
  );
  return ok(authorView(author));
}

/** Changes the fields sent of one author (LDV-AUTHOR-UPDATE-200). */
export function updateAuthor(site: SiteParts, selector: Selector, fields: AuthorFieldsInput): Result<AuthorView, ErrorCode> {
  const found = findAuthor(site, selector);
  if (!found.ok) return found;
  const checked = checkAuthorKeys(site, found.value, fields);
  if (!checked.ok) return checked;
  // Test-only fault loudvoice-author-update-ignored: checked, answered, never stored.
  if (site.fault('loudvoice-author-update-ignored')) return ok(authorView(found.value));
  const normalized: AuthorFieldsInput = { ...fields };
  if (fields.authorReference !== undefined) normalized.authorReference = nonEmpty(fields.authorReference);
  if (fields.identityToken !== undefined) normalized.identityToken = nonEmpty(fields.identityToken)?.toLowerCase() ?? null;
  site.authors.update(found.value, normalized, site.now(), site.touchOnEveryPut);
  return ok(authorView(found.value));
}

/** Deletes an author: its session ends, its comments stay as guest comments (LDV-AUTHOR-DELETE-*). */
export function deleteAuthor(site: SiteParts, selector: Selector): Result<AuthorView, ErrorCode> {
  const found = findAuthor(site, selector);
  if (!found.ok) return found;
  const author = found.value;
  const before = authorView(author);
  // Test-only fault loudvoice-author-delete-noop: answered as deleted, nothing removed.
  if (site.fault('loudvoice-author-delete-noop')) return ok(before);
  const session = site.sessions.liveOf(author, site.now());
  if (session) site.sessions.remove(session);
  for (const comment of takeComments(author)) {
    comment.guest = { name: author.name, email: author.email, websiteUrl: author.websiteUrl, pictureUrl: author.pictureUrl };
    comment.author = null;
  }
  site.authors.remove(author);
  return ok(before);
}

function findAuthor(site: SiteParts, selector: Selector): Result<Author, ErrorCode> {
  if ('token' in selector) {
    const author = site.authors.get(selector.token);
    return author ? ok(author) : notFound('author', 'author_token', selector.token);
  }
  // Test-only fault loudvoice-reference-parameter-ignored: the reference never reaches the lookup, which takes the first.
  const author = site.fault('loudvoice-reference-parameter-ignored')
    ? site.authors.ordered.slice('asc', 0, 1)[0]
    : site.authors.byAuthorReference(selector.reference);
  return author ? ok(author) : notFound('author', 'author_reference', selector.reference);
}

/** Lookups first (unknown identity: 404), then uniqueness (409), as LDV-ERROR-PRECEDENCE orders them. */
function checkAuthorKeys(site: SiteParts, self: Author | null, fields: AuthorFieldsInput): Result<true, ErrorCode> {
  const identityToken = nonEmpty(fields.identityToken);
  if (identityToken !== null && !site.authors.identity(identityToken)) return fail('IDENTITY_TOKEN_UNKNOWN', { node: 'request->author->identity_token' });
  const reference = nonEmpty(fields.authorReference);
  if (reference !== null) {
    const holder = site.authors.byAuthorReference(reference);
    if (holder && holder !== self) return fail('AUTHOR_REFERENCE_TAKEN', { node: 'request->author->author_reference', value: reference });
  }
  if (identityToken !== null) {
    const holder = site.authors.byIdentityToken(identityToken);
    if (holder && holder !== self) return fail('IDENTITY_TOKEN_TAKEN', { node: 'request->author->identity_token', value: identityToken });
  }
  return ok(true);
}
