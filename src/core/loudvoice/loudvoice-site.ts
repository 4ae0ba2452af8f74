import type { ErrorCode } from '../../generated/loudvoice-catalogue.js';
import type { FaultName } from '../faults.js';
import type { VariantName } from '../variants.js';
import type { CoreDeps } from '../ports.js';
import { fail, ok, type Result } from '../result.js';
import { AuthorSessionStore } from './author-session-store.js';
import { AuthorStore } from './author-store.js';
import { commitPlan, NO_NAME, planByDetails, planByIdentity, planByToken, type AuthorPlan } from './author-resolution.js';
import { addComment, commentsOf, removeComment, takeComments } from './comment-counters.js';
import type { Author, AuthorSession, Comment, Discussion } from './entities.js';
import type {
  AuthorFieldsInput,
  CommentAuthorInput,
  CommentFieldsInput,
  CommentWriteInput,
  DiscussionFieldsInput,
  PageRequest,
  SessionStartInput,
  Upserted,
} from './inputs.js';
import { DEFAULT_EXPIRES_IN_SECONDS, type SiteSeed } from './model.js';
import { pageableArray, type Pageable } from './creation-order.js';
import { paginate, type Page } from './pagination.js';
import { ReferencedStore } from './referenced-store.js';
import { restoreSite, snapshotSite, type SiteSnapshot } from './site-snapshot.js';
import { authorView, commentView, discussionView, sessionView, type AuthorSessionView, type AuthorView, type CommentView, type DiscussionView } from './views.js';

/** How a path or query names one object: by its token or by the reference you gave it. */
export type Selector = { token: string } | { reference: string };

/** Everything a request can name an author session by (any of them; absent ones are undefined). */
export interface AuthorSessionNaming {
  sessionToken?: string | undefined;
  authorToken?: string | undefined;
  authorReference?: string | undefined;
  identityToken?: string | undefined;
}

/** The node paths of the author node in each body that carries one. */
const SESSION_AUTHOR = 'request->author_session->author';
const COMMENT_AUTHOR = 'request->comment->author';

/** "" and null both mean "none" (LDV-BODY-EMPTY-MEANS-NONE). */
const nonEmpty = (value: string | null | undefined): string | null => (value === undefined || value === null || value === '' ? null : value);

const notFound = (object: string, key: string, value: string) => fail('RESOURCE_NOT_FOUND', { object, key, value });

/** The page size when entries_per_page is not sent (LDV-PAGINATION-PARAMS); the only one under loudvoice-page-size-ignored. */
const DEFAULT_ENTRIES_PER_PAGE = 250;

/**
 * One LoudVoice site: its authors, author sessions, discussions and comments, fully separate from every other
 * site. Every operation checks everything first and changes state only once nothing can fail any more, so a
 * refused request changes nothing (LDV-ERROR-PRECEDENCE); each runs synchronously, so requests never interleave.
 */
export class LoudVoiceSite {
  private readonly authors: AuthorStore;
  private readonly sessions: AuthorSessionStore;
  /** The last author_session_token handed out, only kept for the loudvoice-session-token-shared fault. */
  private lastSessionToken: string | undefined;
  /** Authors made by a details-variant session PUT without author_reference, by name: only for loudvoice-no-reference-reuses-author. */
  private readonly unreferencedByName = new Map<string, Author>();
  private readonly discussions = new ReferencedStore<Discussion>();
  private readonly comments = new ReferencedStore<Comment>();

  /** A site from its fixtures, or (`--state FILE`) from a snapshot of all its data instead of the fixtures' data. */
  constructor(
    readonly seed: SiteSeed,
    private readonly deps: CoreDeps,
    snapshot?: SiteSnapshot,
  ) {
    const now = deps.clock.now();
    const fault = (name: FaultName) => this.fault(name);
    this.sessions = new AuthorSessionStore({
      neverExpire: this.fault('loudvoice-no-expiry'),
      fault,
      rotateTokenOnRefresh: this.variant('loudvoice-session-token-rotates'),
      capExpiry: this.variant('loudvoice-expires-in-unbounded'),
    });
    this.authors = new AuthorStore(seed.identities ?? [], fault);
    if (snapshot) {
      restoreSite(snapshot, { authors: this.authors, discussions: this.discussions, comments: this.comments, sessions: this.sessions });
      return;
    }
    for (const a of seed.authors ?? []) {
      this.authors.create(
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
      const discussion = this.newDiscussion(d.discussionToken.toLowerCase(), {
        discussionReference: d.discussionReference ?? null,
        title: d.title,
        url: d.url ?? null,
        isClosed: d.isClosed ?? false,
      }, now);
      this.discussions.add(discussion);
      for (const c of d.comments ?? []) {
        const author = c.authorToken === undefined ? null : (this.authors.get(c.authorToken) ?? null);
        const guest = c.guest ? { name: c.guest.name, email: c.guest.email ?? null, websiteUrl: null, pictureUrl: null } : null;
        const parent = c.parentCommentToken === undefined ? null : (this.comments.get(c.parentCommentToken) ?? null);
        this.addNewComment(c.commentToken.toLowerCase(), discussion, { commentReference: c.commentReference ?? null, text: c.text }, parent, author, guest, now);
      }
    }
  }

  private now(): number {
    return this.deps.clock.now();
  }

  private newToken = (): string => this.deps.ids.uuid();

  /** A new author_session_token (or, under the test-only loudvoice-session-token-shared fault, the previous one). */
  private newSessionToken = (): string => {
    const token = this.fault('loudvoice-session-token-shared') && this.lastSessionToken ? this.lastSessionToken : this.newToken();
    this.lastSessionToken = token;
    return token;
  };

  /** Whether a test-only fault (src/core/faults.ts) is on; never in a normal run. */
  fault(name: FaultName): boolean {
    return this.deps.faults?.has(name) ?? false;
  }

  /** Whether a test-only variant (src/core/variants.ts) is on; never in a normal run. */
  variant(name: VariantName): boolean {
    return this.deps.variants?.has(name) ?? false;
  }

  /** Whether a PUT sets date_last_update even when nothing changed (the loudvoice-last-update-every-put variant). */
  private get touchOnEveryPut(): boolean {
    return this.variant('loudvoice-last-update-every-put');
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

  // ---- Authors ------------------------------------------------------------------------------------------------

  /** A page of every author (LDV-AUTHOR-LIST). */
  listAuthors(page: PageRequest): Page<AuthorView> {
    // Test-only fault loudvoice-author-list-skips-guests: only authors with an author_reference are listed.
    if (this.fault('loudvoice-author-list-skips-guests')) {
      return this.page(pageableArray(this.authors.ordered.values().filter((a) => a.reference !== null)), page, authorView);
    }
    return this.page(this.authors.ordered, page, authorView);
  }

  /** One author by token or by author_reference. */
  getAuthor(selector: Selector): Result<AuthorView, ErrorCode> {
    const author = this.findAuthor(selector);
    // Test-only fault loudvoice-author-read-by-token-404: a token read misses every author that has a reference.
    if (author.ok && 'token' in selector && author.value.reference !== null && this.fault('loudvoice-author-read-by-token-404')) {
      return notFound('author', 'author_token', selector.token);
    }
    return author.ok ? ok(authorView(author.value)) : author;
  }

  /** Creates an author (LDV-AUTHOR-CREATE-201): unique reference, identity linked at most once, name required unless the identity gives one. */
  createAuthor(fields: AuthorFieldsInput): Result<AuthorView, ErrorCode> {
    const identityToken = nonEmpty(fields.identityToken);
    if (fields.name === undefined && identityToken === null && !this.fault('loudvoice-name-not-required')) {
      return fail('NAME_REQUIRED_FOR_NEW_AUTHOR', { node: 'request->author->name' });
    }
    const checked = this.checkAuthorKeys(null, fields);
    if (!checked.ok) return checked;
    // Test-only fault loudvoice-identity-link-ignored: the identity is checked and linked, but its profile never read.
    const identity = identityToken === null || this.fault('loudvoice-identity-link-ignored') ? undefined : this.authors.identity(identityToken);
    const author = this.authors.create(
      this.newToken(),
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
      this.now(),
    );
    return ok(authorView(author));
  }

  /** Changes the fields sent of one author (LDV-AUTHOR-UPDATE-200). */
  updateAuthor(selector: Selector, fields: AuthorFieldsInput): Result<AuthorView, ErrorCode> {
    const found = this.findAuthor(selector);
    if (!found.ok) return found;
    const checked = this.checkAuthorKeys(found.value, fields);
    if (!checked.ok) return checked;
    // Test-only fault loudvoice-author-update-ignored: checked, answered, never stored.
    if (this.fault('loudvoice-author-update-ignored')) return ok(authorView(found.value));
    const normalized: AuthorFieldsInput = { ...fields };
    if (fields.authorReference !== undefined) normalized.authorReference = nonEmpty(fields.authorReference);
    if (fields.identityToken !== undefined) normalized.identityToken = nonEmpty(fields.identityToken)?.toLowerCase() ?? null;
    this.authors.update(found.value, normalized, this.now(), this.touchOnEveryPut);
    return ok(authorView(found.value));
  }

  /** Deletes an author: its session ends, its comments stay as guest comments (LDV-AUTHOR-DELETE-*). */
  deleteAuthor(selector: Selector): Result<AuthorView, ErrorCode> {
    const found = this.findAuthor(selector);
    if (!found.ok) return found;
    const author = found.value;
    const before = authorView(author);
    // Test-only fault loudvoice-author-delete-noop: answered as deleted, nothing removed.
    if (this.fault('loudvoice-author-delete-noop')) return ok(before);
    const session = this.sessions.liveOf(author, this.now());
    if (session) this.sessions.remove(session);
    for (const comment of takeComments(author)) {
      comment.guest = { name: author.name, email: author.email, websiteUrl: author.websiteUrl, pictureUrl: author.pictureUrl };
      comment.author = null;
    }
    this.authors.remove(author);
    return ok(before);
  }

  private findAuthor(selector: Selector): Result<Author, ErrorCode> {
    if ('token' in selector) {
      const author = this.authors.get(selector.token);
      return author ? ok(author) : notFound('author', 'author_token', selector.token);
    }
    // Test-only fault loudvoice-reference-parameter-ignored: the reference never reaches the lookup, which takes the first.
    const author = this.fault('loudvoice-reference-parameter-ignored')
      ? this.authors.ordered.slice('asc', 0, 1)[0]
      : this.authors.byAuthorReference(selector.reference);
    return author ? ok(author) : notFound('author', 'author_reference', selector.reference);
  }

  /** Lookups first (unknown identity: 404), then uniqueness (409), as LDV-ERROR-PRECEDENCE orders them. */
  private checkAuthorKeys(self: Author | null, fields: AuthorFieldsInput): Result<true, ErrorCode> {
    const identityToken = nonEmpty(fields.identityToken);
    if (identityToken !== null && !this.authors.identity(identityToken)) return fail('IDENTITY_TOKEN_UNKNOWN', { node: 'request->author->identity_token' });
    const reference = nonEmpty(fields.authorReference);
    if (reference !== null) {
      const holder = this.authors.byAuthorReference(reference);
      if (holder && holder !== self) return fail('AUTHOR_REFERENCE_TAKEN', { node: 'request->author->author_reference', value: reference });
    }
    if (identityToken !== null) {
      const holder = this.authors.byIdentityToken(identityToken);
      if (holder && holder !== self) return fail('IDENTITY_TOKEN_TAKEN', { node: 'request->author->identity_token', value: identityToken });
    }
    return ok(true);
  }

  // ---- Author sessions ----------------------------------------------------------------------------------------

  /**
   * Starts or refreshes the session of the author the body names (LDV-SESSION-*): `created` is true only when the
   * request created the author, which is what makes the answer 201.
   */
  startSession(input: SessionStartInput): Result<Upserted<AuthorSessionView>, ErrorCode> {
    const a = input.author;
    const reused = a.kind === 'details' ? this.unreferencedAuthor(a.authorReference, a.fields.name) : undefined;
    const plan: Result<AuthorPlan, ErrorCode> = reused
      ? ok({ kind: 'existing', author: reused, apply: a.kind === 'details' ? a.fields : {} })
      : a.kind === 'token'
        ? planByToken(this.authors, a.authorToken, `${SESSION_AUTHOR}->author_token`)
        : a.kind === 'identity'
          ? planByIdentity(this.authors, a.identityToken, `${SESSION_AUTHOR}->identity_token`)
          : planByDetails(
              this.authors,
              a.authorReference,
              a.allowCreateNew || this.fault('loudvoice-allow-create-new-ignored'),
              a.fields,
              SESSION_AUTHOR,
              !this.fault('loudvoice-name-not-required'),
            );
    if (!plan.ok) return plan;
    // Test-only fault loudvoice-identity-link-ignored: a new author from an identity gets the link but not its profile.
    if (a.kind === 'identity' && plan.value.kind === 'new' && this.fault('loudvoice-identity-link-ignored')) {
      plan.value.fields = { ...plan.value.fields, name: NO_NAME, email: null, pictureUrl: null };
    }
    // Test-only fault loudvoice-details-sync-ignored: the details sent are never applied to an existing author.
    if (plan.value.kind === 'existing' && this.fault('loudvoice-details-sync-ignored')) plan.value.apply = {};
    const now = this.now();
    // The session PUT is an update of an author that existed (the loudvoice-last-update-every-put variant).
    const { author, created } = commitPlan(this.authors, plan.value, now, this.newToken, this.touchOnEveryPut);
    if (created && a.kind === 'details' && a.authorReference === null && a.fields.name !== undefined) {
      if (this.fault('loudvoice-no-reference-reuses-author')) this.unreferencedByName.set(a.fields.name, author);
    }
    // Test-only fault loudvoice-expires-in-ignored: every session gets the default lifetime.
    const expiresIn = this.fault('loudvoice-expires-in-ignored') ? DEFAULT_EXPIRES_IN_SECONDS : input.expiresIn;
    const session = this.sessions.start(author, expiresIn, now, this.newSessionToken);
    return ok({ created: this.answers201(a.kind, created), value: sessionView(session) });
  }

  /** Whether a session start answers 201: when it created the author, unless a test-only fault bends the rule. */
  private answers201(kind: SessionStartInput['author']['kind'], created: boolean): boolean {
    if (kind === 'token' && this.fault('loudvoice-author-token-201')) return true;
    if (kind === 'details' && this.fault('loudvoice-session-201-existing-author')) return true;
    return created && !this.fault('loudvoice-200-for-new-author');
  }

  /** Under the test-only loudvoice-no-reference-reuses-author fault: the author an earlier reference-less PUT made with this name. */
  private unreferencedAuthor(reference: string | null, name: string | undefined): Author | undefined {
    if (reference !== null || name === undefined || !this.fault('loudvoice-no-reference-reuses-author')) return undefined;
    const author = this.unreferencedByName.get(name);
    return author && this.authors.get(author.token) === author ? author : undefined;
  }

  /** A page of the live sessions, optionally only the one of an author (LDV-SESSION-LIST-*). */
  listSessions(page: PageRequest, authorToken?: string): Page<AuthorSessionView> {
    const now = this.now();
    // Test-only fault loudvoice-session-filter-ignored: the filter is read and checked, then not used.
    if (authorToken === undefined || this.fault('loudvoice-session-filter-ignored')) return this.page(this.sessions.ordered(now), page, sessionView);
    const author = this.authors.get(authorToken);
    // Test-only faults loudvoice-session-per-put and loudvoice-session-list-includes-expired: the list may hold more than
    // one session of an author, and the filter goes through all of them.
    if (this.fault('loudvoice-session-per-put') || this.fault('loudvoice-session-list-includes-expired')) {
      const all = this.sessions.ordered(now);
      return this.page(pageableArray(all.slice('asc', 0, all.size).filter((s) => s.author === author)), page, sessionView);
    }
    const session = author ? this.sessions.liveOf(author, now) : undefined;
    return this.page(pageableArray(session ? [session] : []), page, sessionView);
  }

  /** Ends a live session; unknown, deleted or expired is SESSION_NOT_FOUND. */
  deleteSession(token: string): Result<AuthorSessionView, ErrorCode> {
    const session = this.sessions.live(token, this.now());
    if (!session) return fail('SESSION_NOT_FOUND', { token });
    const before = sessionView(session);
    // Test-only fault loudvoice-session-delete-noop: answered as deleted, nothing removed.
    if (!this.fault('loudvoice-session-delete-noop')) this.sessions.remove(session);
    return ok(before);
  }

  /**
   * Ends, now, the live author session a request names: by its token, or by its author's token, reference or Social
   * Login identity. Not an operation of the API: an integrator's chaos rule (end-session) does it, so no test-only
   * fault bends it. Returns how many sessions ended (0 when the request names none that is live).
   */
  endSessionsNamed(named: AuthorSessionNaming): number {
    const now = this.now();
    const ended = new Set<AuthorSession>();
    const bySessionToken = named.sessionToken === undefined ? undefined : this.sessions.live(named.sessionToken, now);
    if (bySessionToken) ended.add(bySessionToken);
    const authors = [
      named.authorToken === undefined ? undefined : this.authors.get(named.authorToken),
      named.authorReference === undefined ? undefined : this.authors.byAuthorReference(named.authorReference),
      named.identityToken === undefined ? undefined : this.authors.byIdentityToken(named.identityToken),
    ];
    for (const author of authors) {
      const session = author ? this.sessions.liveOf(author, now) : undefined;
      if (session) ended.add(session);
    }
    for (const session of ended) this.sessions.remove(session);
    return ended.size;
  }

  /** Live sessions for the admin view. */
  liveSessions(): AuthorSessionView[] {
    return this.sessions.ordered(this.now()).slice('asc', 0, Number.MAX_SAFE_INTEGER).map(sessionView);
  }

  /** How many sessions are live. */
  liveSessionCount(): number {
    return this.sessions.count(this.now());
  }

  /** All of the site's data as plain records, for `--state FILE`. */
  snapshot(): SiteSnapshot {
    this.sessions.expire(this.now());
    return snapshotSite({ authors: this.authors, discussions: this.discussions, comments: this.comments, sessions: this.sessions });
  }

  /** Forgets expired sessions, at most `limit`; true when more are due. */
  expire(limit?: number): boolean {
    return this.sessions.expire(this.now(), limit);
  }

  // ---- Discussions --------------------------------------------------------------------------------------------

  /** A page of every discussion (LDV-DISCUSSION-LIST). */
  listDiscussions(page: PageRequest): Page<DiscussionView> {
    // Test-only fault loudvoice-discussion-list-skips-closed: closed discussions are left out.
    if (this.fault('loudvoice-discussion-list-skips-closed')) {
      return this.page(pageableArray(this.discussions.ordered.values().filter((d) => !d.isClosed)), page, discussionView);
    }
    return this.page(this.discussions.ordered, page, discussionView);
  }

  /** One discussion by token or by discussion_reference. */
  getDiscussion(selector: Selector): Result<DiscussionView, ErrorCode> {
    const found = this.findDiscussion(selector);
    // Test-only fault loudvoice-discussion-read-by-token-404: a token read misses every discussion that has a reference.
    if (found.ok && 'token' in selector && found.value.reference !== null && this.fault('loudvoice-discussion-read-by-token-404')) {
      return notFound('discussion', 'discussion_token', selector.token);
    }
    return found.ok ? ok(discussionView(found.value)) : found;
  }

  /** Creates a discussion (LDV-DISCUSSION-CREATE-201); a taken reference is a 409. */
  createDiscussion(fields: DiscussionFieldsInput): Result<DiscussionView, ErrorCode> {
    const taken = this.checkDiscussionReference(null, fields.discussionReference);
    if (!taken.ok) return taken;
    const discussion = this.newDiscussion(this.newToken(), fields, this.now());
    this.discussions.add(discussion);
    return ok(discussionView(discussion));
  }

  /** PUT /loudvoice/discussions.json: update by reference, or create when allowed (LDV-DISCUSSION-UPSERT-*). */
  upsertDiscussion(reference: string, fields: DiscussionFieldsInput): Result<Upserted<DiscussionView>, ErrorCode> {
    const existing = this.discussions.byReference(reference);
    if (existing) {
      this.applyDiscussionFields(existing, fields);
      return ok({ created: false, value: discussionView(existing) });
    }
    if (fields.allowCreateDiscussionReference !== true) return fail('DISCUSSION_REFERENCE_UNKNOWN', { node: 'request->discussion->discussion_reference' });
    const discussion = this.newDiscussion(this.newToken(), { ...fields, discussionReference: reference }, this.now());
    this.discussions.add(discussion);
    return ok({ created: true, value: discussionView(discussion) });
  }

  /** Changes the fields sent of one discussion (LDV-DISCUSSION-UPDATE-200). */
  updateDiscussion(selector: Selector, fields: DiscussionFieldsInput): Result<DiscussionView, ErrorCode> {
    const found = this.findDiscussion(selector);
    if (!found.ok) return found;
    const taken = this.checkDiscussionReference(found.value, fields.discussionReference);
    if (!taken.ok) return taken;
    this.applyDiscussionFields(found.value, fields);
    return ok(discussionView(found.value));
  }

  /** Deletes a discussion and all its comments (LDV-DISCUSSION-DELETE-CASCADES). */
  deleteDiscussion(selector: Selector): Result<DiscussionView, ErrorCode> {
    const found = this.findDiscussion(selector);
    if (!found.ok) return found;
    const discussion = found.value;
    const before = discussionView(discussion);
    for (const comment of takeComments(discussion)) {
      if (comment.author) removeComment(comment.author, comment);
      this.comments.remove(comment);
    }
    this.discussions.remove(discussion);
    return ok(before);
  }

  /** A page of one discussion's comments, replies included (LDV-DISCUSSION-COMMENTS-*). */
  listDiscussionComments(selector: Selector, page: PageRequest): Result<Page<CommentView>, ErrorCode> {
    const found = this.findDiscussion(selector);
    if (!found.ok) return found;
    // Test-only fault loudvoice-discussion-comments-all: the site's comments, not the discussion's.
    if (this.fault('loudvoice-discussion-comments-all')) return ok(this.page(this.comments.ordered, page, commentView));
    return ok(this.page(pageableArray(commentsOf(found.value)), page, commentView));
  }

  private findDiscussion(selector: Selector): Result<Discussion, ErrorCode> {
    if ('token' in selector) {
      const discussion = this.discussions.get(selector.token);
      return discussion ? ok(discussion) : notFound('discussion', 'discussion_token', selector.token);
    }
    // Test-only fault loudvoice-reference-parameter-ignored: the reference never reaches the lookup, which takes the first.
    const discussion = this.fault('loudvoice-reference-parameter-ignored')
      ? this.discussions.ordered.slice('asc', 0, 1)[0]
      : this.discussions.byReference(selector.reference);
    return discussion ? ok(discussion) : notFound('discussion', 'discussion_reference', selector.reference);
  }

  private checkDiscussionReference(self: Discussion | null, reference: string | null | undefined): Result<true, ErrorCode> {
    if (reference === undefined || reference === null) return ok(true);
    const holder = this.discussions.byReference(reference);
    if (holder && holder !== self) return fail('DISCUSSION_REFERENCE_TAKEN', { node: 'request->discussion->discussion_reference', value: reference });
    return ok(true);
  }

  private newDiscussion(token: string, fields: DiscussionFieldsInput, now: number): Discussion {
    return {
      token,
      reference: fields.discussionReference ?? null,
      title: fields.title ?? null,
      url: fields.url ?? null,
      isClosed: fields.isClosed ?? false,
      isTrashed: fields.isTrashed ?? false,
      realm: fields.realm ?? null,
      createdAt: now,
      // Test-only fault loudvoice-last-update-set-on-create.
      updatedAt: this.fault('loudvoice-last-update-set-on-create') ? now : null,
      comments: null,
      lastCommentAt: null,
      nextPostOrder: 1,
    };
  }

  private applyDiscussionFields(discussion: Discussion, fields: DiscussionFieldsInput): void {
    let changed = false;
    if (fields.discussionReference !== undefined && fields.discussionReference !== discussion.reference) {
      this.discussions.setReference(discussion, fields.discussionReference);
      changed = true;
    }
    const simple = { title: fields.title, url: fields.url, isClosed: fields.isClosed, isTrashed: fields.isTrashed, realm: fields.realm };
    for (const [key, value] of Object.entries(simple) as [keyof typeof simple, string | boolean | null | undefined][]) {
      if (value === undefined || discussion[key] === value) continue;
      (discussion as unknown as Record<string, unknown>)[key] = value;
      changed = true;
    }
    if (changed || this.touchOnEveryPut) discussion.updatedAt = this.now();
  }

  // ---- Comments -----------------------------------------------------------------------------------------------

  /** A page of every comment of the site (LDV-COMMENT-LIST). */
  listComments(page: PageRequest): Page<CommentView> {
    return this.page(this.comments.ordered, page, commentView);
  }

  /** One comment by token (LDV-COMMENT-READ). */
  getComment(token: string): Result<CommentView, ErrorCode> {
    const comment = this.comments.get(token);
    return comment ? ok(commentView(comment)) : notFound('comment', 'comment_token', token);
  }

  /**
   * POST (`mode: 'create'`, always a new comment) and PUT (`'upsert'`: by comment_token, else by comment_reference,
   * else new) on /loudvoice/comments.json. The discussion is checked first (LDV-COMMENT-UPSERT-SAME-CHECKS).
   */
  writeComment(input: CommentWriteInput, mode: 'create' | 'upsert'): Result<Upserted<CommentView>, ErrorCode> {
    const d = input.discussion;
    let discussion: Discussion | undefined;
    if (d.kind === 'token') {
      discussion = this.discussions.get(d.discussionToken);
      if (!discussion) return fail('DISCUSSION_TOKEN_UNKNOWN');
    } else {
      discussion = this.discussions.byReference(d.discussionReference);
      if (!discussion && !d.allowCreate) return fail('DISCUSSION_REFERENCE_UNKNOWN', { node: 'request->discussion->discussion_reference' });
    }
    const fields = input.comment;
    if (mode === 'upsert') {
      const token = nonEmpty(fields.commentToken);
      let target: Comment | undefined;
      if (token !== null) {
        target = this.comments.get(token);
        if (!target) return fail('COMMENT_TOKEN_UNKNOWN');
      } else {
        const reference = nonEmpty(fields.commentReference);
        if (reference !== null) target = this.comments.byReference(reference);
      }
      // An existing comment never moves: the discussion node was only checked (LDV-COMMENT-UPSERT-BY-TOKEN-200).
      if (target) {
        const updated = this.applyCommentFields(target, fields);
        return updated.ok ? ok({ created: false, value: updated.value }) : updated;
      }
    }
    const author = this.planCommentAuthor(fields.author);
    if (!author.ok) return author;
    const parent = this.findParent(discussion, fields);
    if (!parent.ok) return parent;
    const reference = nonEmpty(fields.commentReference);
    if (reference !== null && this.comments.byReference(reference)) {
      return fail('COMMENT_REFERENCE_TAKEN', { node: 'request->comment->comment_reference', value: reference });
    }
    const now = this.now();
    if (!discussion) {
      const ref = d as Extract<typeof d, { kind: 'reference' }>;
      discussion = this.newDiscussion(this.newToken(), { discussionReference: ref.discussionReference, title: ref.title ?? null, url: ref.url ?? null }, now);
      this.discussions.add(discussion);
    }
    const committed = author.value ? commitPlan(this.authors, author.value, now, this.newToken).author : null;
    const guest = fields.author.kind === 'guest' ? { name: fields.author.name, email: fields.author.email, websiteUrl: fields.author.websiteUrl, pictureUrl: fields.author.pictureUrl } : null;
    const comment = this.addNewComment(this.newToken(), discussion, { ...fields, commentReference: reference }, parent.value, committed, guest, now);
    return ok({ created: true, value: commentView(comment) });
  }

  /** PUT /loudvoice/comments/{comment_token}.json: a partial update (LDV-COMMENT-UPDATE-*). */
  updateComment(token: string, fields: CommentFieldsInput): Result<CommentView, ErrorCode> {
    const comment = this.comments.get(token);
    if (!comment) return notFound('comment', 'comment_token', token);
    return this.applyCommentFields(comment, fields);
  }

  /** Deletes a comment; its replies go with it or move up to its parent (LDV-COMMENT-DELETE-*). */
  deleteComment(token: string, deleteSubComments: boolean): Result<CommentView, ErrorCode> {
    const comment = this.comments.get(token);
    if (!comment) return notFound('comment', 'comment_token', token);
    const before = commentView(comment);
    if (deleteSubComments) {
      const stack = [...comment.children];
      while (stack.length > 0) {
        const reply = stack.pop()!;
        stack.push(...reply.children);
        this.forgetComment(reply);
      }
    } else {
      for (const reply of comment.children) {
        reply.parent = comment.parent;
        comment.parent?.children.add(reply);
      }
    }
    comment.children.clear();
    this.forgetComment(comment);
    return ok(before);
  }

  private addNewComment(
    token: string,
    discussion: Discussion,
    fields: Omit<CommentFieldsInput, 'author'> & { text: string },
    parent: Comment | null,
    author: Author | null,
    guest: Comment['guest'],
    now: number,
  ): Comment {
    const comment: Comment = {
      token,
      reference: nonEmpty(fields.commentReference),
      discussion,
      parent,
      children: new Set(),
      author,
      guest: author ? null : guest,
      text: fields.text,
      ipAddress: nonEmpty(fields.ipAddress),
      hasBeenApproved: fields.hasBeenApproved ?? true,
      isSpam: fields.isSpam ?? false,
      isTrashed: fields.isTrashed ?? false,
      createdAt: now,
      // Test-only fault loudvoice-last-update-set-on-create.
      updatedAt: this.fault('loudvoice-last-update-set-on-create') ? now : null,
      postOrder: discussion.nextPostOrder++,
    };
    this.comments.add(comment);
    addComment(discussion, comment);
    if (author) addComment(author, comment);
    parent?.children.add(comment);
    return comment;
  }

  private forgetComment(comment: Comment): void {
    comment.parent?.children.delete(comment);
    removeComment(comment.discussion, comment);
    if (comment.author) removeComment(comment.author, comment);
    this.comments.remove(comment);
  }

  /** The author a comment body names, as a plan; null for a guest. */
  private planCommentAuthor(input: CommentAuthorInput): Result<AuthorPlan | null, ErrorCode> {
    switch (input.kind) {
      case 'token':
        return planByToken(this.authors, input.authorToken, `${COMMENT_AUTHOR}->author_token`);
      case 'identity':
        return planByIdentity(this.authors, input.identityToken, `${COMMENT_AUTHOR}->identity_token`);
      case 'reference':
        return planByDetails(this.authors, input.authorReference, true, input.fields, COMMENT_AUTHOR);
      case 'guest':
        return ok(null);
    }
  }

  /**
   * The parent a body names, which must be a comment of the same discussion: parent_comment_token wins, else
   * parent_comment_reference; both "" or null (or absent) is top level.
   */
  private findParent(discussion: Discussion | undefined, fields: CommentFieldsInput): Result<Comment | null, ErrorCode> {
    const token = nonEmpty(fields.parentCommentToken);
    if (token !== null) {
      const parent = this.comments.get(token);
      if (!parent || parent.discussion !== discussion) return fail('PARENT_COMMENT_UNKNOWN', { node: 'request->comment->parent_comment_token' });
      return ok(parent);
    }
    const reference = nonEmpty(fields.parentCommentReference);
    if (reference !== null) {
      const parent = this.comments.byReference(reference);
      if (!parent || parent.discussion !== discussion) return fail('PARENT_COMMENT_UNKNOWN', { node: 'request->comment->parent_comment_reference' });
      return ok(parent);
    }
    return ok(null);
  }

  /** Checks, then applies, the fields sent to an existing comment. */
  private applyCommentFields(comment: Comment, fields: CommentFieldsInput): Result<CommentView, ErrorCode> {
    const parentSent = fields.parentCommentToken !== undefined || fields.parentCommentReference !== undefined;
    let newParent: Comment | null = comment.parent;
    if (parentSent) {
      const found = this.findParent(comment.discussion, fields);
      if (!found.ok) return found;
      newParent = found.value;
      for (let p = newParent; p !== null; p = p.parent) {
        if (p === comment) {
          const node = nonEmpty(fields.parentCommentToken) !== null ? 'request->comment->parent_comment_token' : 'request->comment->parent_comment_reference';
          return fail('NODE_INVALID', { node, reason: 'a comment cannot reply to itself or to one of its replies' });
        }
      }
    }
    const author = fields.author ? this.planCommentAuthor(fields.author) : ok(undefined);
    if (!author.ok) return author;
    const reference = fields.commentReference === undefined ? undefined : nonEmpty(fields.commentReference);
    if (reference !== undefined && reference !== null) {
      const holder = this.comments.byReference(reference);
      if (holder && holder !== comment) return fail('COMMENT_REFERENCE_TAKEN', { node: 'request->comment->comment_reference', value: reference });
    }

    const now = this.now();
    let changed = false;
    if (reference !== undefined && reference !== comment.reference) {
      this.comments.setReference(comment, reference);
      changed = true;
    }
    if (newParent !== comment.parent) {
      comment.parent?.children.delete(comment);
      newParent?.children.add(comment);
      comment.parent = newParent;
      changed = true;
    }
    const simple = {
      text: fields.text,
      ipAddress: fields.ipAddress === undefined ? undefined : nonEmpty(fields.ipAddress),
      hasBeenApproved: fields.hasBeenApproved,
      isSpam: fields.isSpam,
      isTrashed: fields.isTrashed,
    };
    for (const [key, value] of Object.entries(simple) as [keyof typeof simple, string | boolean | null | undefined][]) {
      if (value === undefined || comment[key] === value) continue;
      (comment as unknown as Record<string, unknown>)[key] = value;
      changed = true;
    }
    if (fields.author && author.value !== undefined) {
      const next = author.value ? commitPlan(this.authors, author.value, now, this.newToken).author : null;
      const guestInput = fields.author.kind === 'guest' ? fields.author : null;
      const guest = guestInput ? { name: guestInput.name, email: guestInput.email, websiteUrl: guestInput.websiteUrl, pictureUrl: guestInput.pictureUrl } : null;
      const sameGuest =
        next === null && comment.author === null && guest !== null && comment.guest !== null && JSON.stringify(guest) === JSON.stringify(comment.guest);
      if (next !== comment.author || (next === null && !sameGuest)) {
        if (comment.author) removeComment(comment.author, comment);
        comment.author = next;
        comment.guest = next ? null : guest;
        if (next) addComment(next, comment);
        changed = true;
      }
    }
    if (changed || this.touchOnEveryPut) comment.updatedAt = now;
    return ok(commentView(comment));
  }
}
