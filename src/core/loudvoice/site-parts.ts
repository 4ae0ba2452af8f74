import { fail } from '../result.js';
import type { FaultName } from '../faults.js';
import type { VariantName } from '../variants.js';
import type { AuthorSessionStore } from './author-session-store.js';
import type { AuthorStore } from './author-store.js';
import type { Pageable } from './creation-order.js';
import type { Author, Comment, Discussion } from './entities.js';
import type { PageRequest } from './inputs.js';
import type { Page } from './pagination.js';
import type { ReferencedStore } from './referenced-store.js';

/** How a path or query names one object: by its token or by the reference you gave it. */
export type Selector = { token: string } | { reference: string };

/** Everything a request can name an author session by (any of them; absent ones are undefined). */
export interface AuthorSessionNaming {
  sessionToken?: string | undefined;
  authorToken?: string | undefined;
  authorReference?: string | undefined;
  identityToken?: string | undefined;
}

/**
 * The inside of one site aggregate (loudvoice-site.ts), as the functions of each resource (site-authors.ts,
 * site-author-sessions.ts, site-discussions.ts, site-comments.ts) use it: the site's stores, and its ports and
 * switches. Only the aggregate builds one, so a resource's rules stay one site's rules.
 */
export interface SiteParts {
  readonly authors: AuthorStore;
  readonly sessions: AuthorSessionStore;
  readonly discussions: ReferencedStore<Discussion>;
  readonly comments: ReferencedStore<Comment>;
  /** Authors made by a details-variant session PUT without author_reference, by name: only for loudvoice-no-reference-reuses-author. */
  readonly unreferencedByName: Map<string, Author>;
  /** Whether a PUT sets date_last_update even when nothing changed (the loudvoice-last-update-every-put variant). */
  readonly touchOnEveryPut: boolean;
  /** Whether a test-only fault (src/core/faults.ts) is on. */
  fault(name: FaultName): boolean;
  /** Whether a test-only variant (src/core/variants.ts) is on. */
  variant(name: VariantName): boolean;
  /** The time, from the clock port. */
  now(): number;
  /** A new token, from the ids port. */
  newToken(): string;
  /** A new author_session_token (or, under the test-only loudvoice-session-token-shared fault, the previous one). */
  newSessionToken(): string;
  /** paginate(), with the test-only pagination faults and variants applied. */
  page<S, T>(items: Pageable<S>, request: PageRequest, map: (item: S) => T): Page<T>;
}

/** The node paths of the author node in each body that carries one. */
export const SESSION_AUTHOR = 'request->author_session->author';
/** The node path of a comment body's author node. */
export const COMMENT_AUTHOR = 'request->comment->author';

/** "" and null both mean "none" (LDV-BODY-EMPTY-MEANS-NONE). */
export const nonEmpty = (value: string | null | undefined): string | null => (value === undefined || value === null || value === '' ? null : value);

/** RESOURCE_NOT_FOUND for an object looked up by one key. */
export const notFound = (object: string, key: string, value: string) => fail('RESOURCE_NOT_FOUND', { object, key, value });
