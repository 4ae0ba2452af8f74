import type { ErrorCode } from '../../generated/loudvoice-catalogue.js';
import type { FaultName } from '../faults.js';
import type { VariantName } from '../variants.js';
import type { CoreDeps } from '../ports.js';
import type { Result } from '../result.js';
import { AuthorSessionStore } from './author-session-store.js';
import { AuthorStore } from './author-store.js';
import type { Comment, Discussion } from './entities.js';
import type {
  AuthorFieldsInput,
  CommentFieldsInput,
  CommentWriteInput,
  DiscussionFieldsInput,
  PageRequest,
  SessionStartInput,
  Upserted,
} from './inputs.js';
import type { SiteSeed } from './model.js';
import type { Pageable } from './creation-order.js';
import { paginate, type Page } from './pagination.js';
import { ReferencedStore } from './referenced-store.js';
import * as sessions from './site-author-sessions.js';
import * as authors from './site-authors.js';
import * as comments from './site-comments.js';
import * as discussions from './site-discussions.js';
import type { AuthorSessionNaming, Selector, SiteParts } from './site-parts.js';
import { restoreSite, snapshotSite, type SiteSnapshot } from './site-snapshot.js';
import { sessionView, type AuthorSessionView, type AuthorView, type CommentView, type DiscussionView } from './views.js';

export type { AuthorSessionNaming, Selector } from './site-parts.js';

/** The page size when entries_per_page is not sent (LDV-PAGINATION-PARAMS); the only one under loudvoice-page-size-ignored. */
const DEFAULT_ENTRIES_PER_PAGE = 250;

/**
 * One LoudVoice site: its authors, author sessions, discussions and comments, fully separate from every other
 * site. Every operation checks everything first and changes state only once nothing can fail any more, so a
 * refused request changes nothing (LDV-ERROR-PRECEDENCE); each runs synchronously, so requests never interleave.
 * The aggregate owns the stores and the ports; each resource's rules are functions of its parts in their own file
 * (site-authors.ts, site-author-sessions.ts, site-discussions.ts, site-comments.ts).
 */
export class LoudVoiceSite {
  /** The stores, ports and switches the resources' functions work on; never handed out. */
  private readonly parts: SiteParts;

  /** A site from its fixtures, or (`--state FILE`) from a snapshot of all its data instead of the fixtures' data. */
  constructor(
    readonly seed: SiteSeed,
    private readonly deps: CoreDeps,
    snapshot?: SiteSnapshot,
  ) {
    const now = deps.clock.now();
    const fault = (name: FaultName) => this.fault(name);
    const variant = (name: VariantName) => this.variant(name);
    const newToken = (): string => deps.ids.uuid();
    // The last author_session_token handed out, only kept for the loudvoice-session-token-shared fault.
    let lastSessionToken: string | undefined;
    this.parts = {
      authors: new AuthorStore(seed.identities ?? [], fault),
      sessions: new AuthorSessionStore({
        neverExpire: fault('loudvoice-no-expiry'),
        fault,
        rotateTokenOnRefresh: variant('loudvoice-session-token-rotates'),
        capExpiry: variant('loudvoice-expires-in-unbounded'),
      }),
      discussions: new ReferencedStore<Discussion>(),
      comments: new ReferencedStore<Comment>(),
      unreferencedByName: new Map(),
      touchOnEveryPut: variant('loudvoice-last-update-every-put'),
      fault,
      variant,
      now: () => deps.clock.now(),
      newToken,
      newSessionToken: () => {
        const token = fault('loudvoice-session-token-shared') && lastSessionToken ? lastSessionToken : newToken();
        lastSessionToken = token;
        return token;
      },
      page: (items, request, map) => this.page(items, request, map),
    };
    if (snapshot) {
      restoreSite(snapshot, this.parts);
      return;
    }
    for (const a of seed.authors ?? []) {
      this.parts.authors.create(
        a.authorToken.toLowerCase(),
        {
          reference: a.authorReference ?? null,
          identityToken: a.identityToken?.toLowerCase() ?? null,
          name: a.name,
          email: a.email ?? null,
          description: a.description ?? null,
          pictureUrl: a.pictureUrl ?? null,
          websiteUrl: a.websiteUrl ?? null,
        },
        now,
      );
    }
    for (const d of seed.discussions ?? []) {
      const discussion = discussions.newDiscussion(this.parts, d.discussionToken.toLowerCase(), {
        discussionReference: d.discussionReference ?? null,
        title: d.title,
        url: d.url ?? null,
        isClosed: d.isClosed ?? false,
      }, now);
      this.parts.discussions.add(discussion);
      for (const c of d.comments ?? []) {
        const author = c.authorToken === undefined ? null : (this.parts.authors.get(c.authorToken) ?? null);
        const guest = c.guest ? { name: c.guest.name, email: c.guest.email ?? null, websiteUrl: null, pictureUrl: null } : null;
        const parent = c.parentCommentToken === undefined ? null : (this.parts.comments.get(c.parentCommentToken) ?? null);
        comments.addNewComment(this.parts, c.commentToken.toLowerCase(), discussion, { commentReference: c.commentReference ?? null, text: c.text }, parent, author, guest, now);
      }
    }
  }

  /** Whether a test-only fault (src/core/faults.ts) is on; never in a normal run. */
  fault(name: FaultName): boolean {
    return this.deps.faults?.has(name) ?? false;
  }

  /** Whether a test-only variant (src/core/variants.ts) is on; never in a normal run. */
  variant(name: VariantName): boolean {
    return this.deps.variants?.has(name) ?? false;
  }

  /**
   * paginate(), with the test-only pagination faults applied (loudvoice-pagination-total-off-by-one,
   * loudvoice-page-size-ignored: always the default size, loudvoice-order-direction-ignored: always ascending while the
   * node still echoes the direction asked for) and the loudvoice-total-pages-one-when-empty variant.
   */
  private page<S, T>(items: Pageable<S>, request: PageRequest, map: (item: S) => T): Page<T> {
    let used = request;
    if (this.fault('loudvoice-page-size-ignored')) used = { ...used, entriesPerPage: DEFAULT_ENTRIES_PER_PAGE };
    if (this.fault('loudvoice-order-direction-ignored')) used = { ...used, direction: 'asc' };
    let page = paginate(items, used, map);
    if (used !== request) page = { ...page, direction: request.direction };
    if (page.totalEntries === 0 && this.variant('loudvoice-total-pages-one-when-empty')) page = { ...page, totalPages: 1 };
    return this.fault('loudvoice-pagination-total-off-by-one') ? { ...page, totalEntries: page.totalEntries + 1 } : page;
  }

  // ---- Authors (site-authors.ts) ------------------------------------------------------------------------------

  /** A page of every author (LDV-AUTHOR-LIST). */
  listAuthors(page: PageRequest): Page<AuthorView> {
    return authors.listAuthors(this.parts, page);
  }

  /** One author by token or by author_reference. */
  getAuthor(selector: Selector): Result<AuthorView, ErrorCode> {
    return authors.getAuthor(this.parts, selector);
  }

  /** Creates an author (LDV-AUTHOR-CREATE-201). */
  createAuthor(fields: AuthorFieldsInput): Result<AuthorView, ErrorCode> {
    return authors.createAuthor(this.parts, fields);
  }

  /** Changes the fields sent of one author (LDV-AUTHOR-UPDATE-200). */
  updateAuthor(selector: Selector, fields: AuthorFieldsInput): Result<AuthorView, ErrorCode> {
    return authors.updateAuthor(this.parts, selector, fields);
  }

  /** Deletes an author: its session ends, its comments stay as guest comments (LDV-AUTHOR-DELETE-*). */
  deleteAuthor(selector: Selector): Result<AuthorView, ErrorCode> {
    return authors.deleteAuthor(this.parts, selector);
  }

  // ---- Author sessions (site-author-sessions.ts) --------------------------------------------------------------

  /** Starts or refreshes the session of the author the body names (LDV-SESSION-*); `created` makes it a 201. */
  startSession(input: SessionStartInput): Result<Upserted<AuthorSessionView>, ErrorCode> {
    return sessions.startSession(this.parts, input);
  }

  /** A page of the live sessions, optionally only the one of an author (LDV-SESSION-LIST-*). */
  listSessions(page: PageRequest, authorToken?: string): Page<AuthorSessionView> {
    return sessions.listSessions(this.parts, page, authorToken);
  }

  /** Ends a live session; unknown, deleted or expired is SESSION_NOT_FOUND. */
  deleteSession(token: string): Result<AuthorSessionView, ErrorCode> {
    return sessions.deleteSession(this.parts, token);
  }

  /** Ends, now, the live author session a request names (an integrator's chaos rule); returns how many ended. */
  endSessionsNamed(named: AuthorSessionNaming): number {
    return sessions.endSessionsNamed(this.parts, named);
  }

  liveSessions(): AuthorSessionView[] {
    return this.parts.sessions.ordered(this.parts.now()).slice('asc', 0, Number.MAX_SAFE_INTEGER).map(sessionView);
  }

  /** How many sessions are live. */
  liveSessionCount(): number {
    return this.parts.sessions.count(this.parts.now());
  }

  /** All of the site's data as plain records, for `--state FILE`. */
  snapshot(): SiteSnapshot {
    this.parts.sessions.expire(this.parts.now());
    return snapshotSite(this.parts);
  }

  /** Forgets expired sessions, at most `limit`; true when more are due. */
  expire(limit?: number): boolean {
    return this.parts.sessions.expire(this.parts.now(), limit);
  }


  // ---- Discussions (site-discussions.ts) ----------------------------------------------------------------------

  /** A page of every discussion (LDV-DISCUSSION-LIST). */
  listDiscussions(page: PageRequest): Page<DiscussionView> {
    return discussions.listDiscussions(this.parts, page);
  }

  /** One discussion by token or by discussion_reference. */
  getDiscussion(selector: Selector): Result<DiscussionView, ErrorCode> {
    return discussions.getDiscussion(this.parts, selector);
  }

  /** Creates a discussion (LDV-DISCUSSION-CREATE-201); a taken reference is a 409. */
  createDiscussion(fields: DiscussionFieldsInput): Result<DiscussionView, ErrorCode> {
    return discussions.createDiscussion(this.parts, fields);
  }

  /** PUT /loudvoice/discussions.json: update by reference, or create when allowed (LDV-DISCUSSION-UPSERT-*). */
  upsertDiscussion(reference: string, fields: DiscussionFieldsInput): Result<Upserted<DiscussionView>, ErrorCode> {
    return discussions.upsertDiscussion(this.parts, reference, fields);
  }

  /** Changes the fields sent of one discussion (LDV-DISCUSSION-UPDATE-200). */
  updateDiscussion(selector: Selector, fields: DiscussionFieldsInput): Result<DiscussionView, ErrorCode> {
    return discussions.updateDiscussion(this.parts, selector, fields);
  }

  /** Deletes a discussion and all its comments (LDV-DISCUSSION-DELETE-CASCADES). */
  deleteDiscussion(selector: Selector): Result<DiscussionView, ErrorCode> {
    return discussions.deleteDiscussion(this.parts, selector);
  }

  /** A page of one discussion's comments, replies included (LDV-DISCUSSION-COMMENTS-*). */
  listDiscussionComments(selector: Selector, page: PageRequest): Result<Page<CommentView>, ErrorCode> {
    return discussions.listDiscussionComments(this.parts, selector, page);
  }

  // ---- Comments (site-comments.ts) ----------------------------------------------------------------------------

  /** A page of every comment of the site (LDV-COMMENT-LIST). */
  listComments(page: PageRequest): Page<CommentView> {
    return comments.listComments(this.parts, page);
  }

  /** One comment by token (LDV-COMMENT-READ). */
  getComment(token: string): Result<CommentView, ErrorCode> {
    return comments.getComment(this.parts, token);
  }

  /** POST (`'create'`) and PUT (`'upsert'`) on /loudvoice/comments.json (LDV-COMMENT-UPSERT-SAME-CHECKS). */
  writeComment(input: CommentWriteInput, mode: 'create' | 'upsert'): Result<Upserted<CommentView>, ErrorCode> {
    return comments.writeComment(this.parts, input, mode);
  }

  /** PUT /loudvoice/comments/{comment_token}.json: a partial update (LDV-COMMENT-UPDATE-*). */
  updateComment(token: string, fields: CommentFieldsInput): Result<CommentView, ErrorCode> {
    return comments.updateComment(this.parts, token, fields);
  }

  /** Deletes a comment; its replies go with it or move up to its parent (LDV-COMMENT-DELETE-*). */
  deleteComment(token: string, deleteSubComments: boolean): Result<CommentView, ErrorCode> {
    return comments.deleteComment(this.parts, token, deleteSubComments);
  }
}
