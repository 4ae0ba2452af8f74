import type { ErrorCode } from '../../generated/loudvoice-catalogue.js';
import type { FaultName } from '../faults.js';
import type { VariantName } from '../variants.js';
import type { CoreDeps } from '../ports.js';
import { fail, ok, type Result } from '../result.js';
import { AuthorSessionStore } from './author-session-store.js';
import { AuthorStore } from './author-store.js';
import { commitPlan, planByDetails, planByIdentity, planByToken, type AuthorPlan } from './author-resolution.js';
import { addComment, commentsOf, removeComment, takeComments } from './comment-counters.js';
import type { Author, Comment, Discussion } from './entities.js';
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
import type { SiteSeed } from './model.js';
import { pageableArray, type Pageable } from './creation-order.js';
import { paginate, type Page } from './pagination.js';
import { ReferencedStore } from './referenced-store.js';
import { restoreSite, snapshotSite, type SiteSnapshot } from './site-snapshot.js';
import { authorView, commentView, discussionView, sessionView, type AuthorSessionView, type AuthorView, type CommentView, type DiscussionView } from './views.js';

/** How a path or query names one object: by its token or by the reference you gave it. */
export type Selector = { token: string } | { reference: string };

/** The node paths of the author node in each body that carries one. */
const SESSION_AUTHOR = 'request->author_session->author';
const COMMENT_AUTHOR = 'request->comment->author';

/** "" and null both mean "none" (LDV-BODY-EMPTY-MEANS-NONE). */
const nonEmpty = (value: string | null | undefined): string | null => (value === undefined || value === null || value === '' ? null : value);

const notFound = (object: string, key: string, value: string) => fail('RESOURCE_NOT_FOUND', { object, key, value });

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
  private readonly discussions = new ReferencedStore<Discussion>();
  private readonly comments = new ReferencedStore<Comment>();

  /** A site from its fixtures, or (`--state FILE`) from a snapshot of all its data instead of the fixtures' data. */
  constructor(
    readonly seed: SiteSeed,
    private readonly deps: CoreDeps,
    snapshot?: SiteSnapshot,
  ) {
    const now = deps.clock.now();
    this.sessions = new AuthorSessionStore({
      neverExpire: this.fault('loudvoice-no-expiry'),
      rotateTokenOnRefresh: this.variant('loudvoice-session-token-rotates'),
      capExpiry: this.variant('loudvoice-expires-in-unbounded'),
    });
    this.authors = new AuthorStore(seed.identities ?? []);
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
   * paginate(), with the test-only loudvoice-pagination-total-off-by-one fault and the
   * loudvoice-total-pages-one-when-empty variant applied.
   */
  private page<S, T>(items: Pageable<S>, request: PageRequest, map: (item: S) => T): Page<T> {
    let page = paginate(items, request, map);
    if (page.totalEntries === 0 && this.variant('loudvoice-total-pages-one-when-empty')) page = { ...page, totalPages: 1 };
    return this.fault('loudvoice-pagination-total-off-by-one') ? { ...page, totalEntries: page.totalEntries + 1 } : page;
  }

  // ---- Authors ------------------------------------------------------------------------------------------------

  /** A page of every author (LDV-AUTHOR-LIST). */
  listAuthors(page: PageRequest): Page<AuthorView> {
    return this.page(this.authors.ordered, page, authorView);
  }

  /** One author by token or by author_reference. */
  getAuthor(selector: Selector): Result<AuthorView, ErrorCode> {
    const author = this.findAuthor(selector);
    return author.ok ? ok(authorView(author.value)) : author;
  }

  /** Creates an author (LDV-AUTHOR-CREATE-201): unique reference, identity linked at most once, name required unless the identity gives one. */
  createAuthor(fields: AuthorFieldsInput): Result<AuthorView, ErrorCode> {
    const identityToken = nonEmpty(fields.identityToken);
    if (fields.name === undefined && identityToken === null) return fail('NAME_REQUIRED_FOR_NEW_AUTHOR', { node: 'request->author->name' });
    const checked = this.checkAuthorKeys(null, fields);
    if (!checked.ok) return checked;
    const identity = identityToken === null ? undefined : this.authors.identity(identityToken);
    const author = this.authors.create(
      this.newToken(),
      {
        reference: nonEmpty(fields.authorReference),
        identityToken: identityToken?.toLowerCase() ?? null,
        name: fields.name ?? identity?.name ?? '',
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
    const author = this.authors.byAuthorReference(selector.reference);
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
    const plan =
      a.kind === 'token'
        ? planByToken(this.authors, a.authorToken, `${SESSION_AUTHOR}->author_token`)
        : a.kind === 'identity'
          ? planByIdentity(this.authors, a.identityToken, `${SESSION_AUTHOR}->identity_token`)
          : planByDetails(this.authors, a.authorReference, a.allowCreateNew || this.fault('loudvoice-allow-create-new-ignored'), a.fields, SESSION_AUTHOR);
    if (!plan.ok) return plan;
    const now = this.now();
    // The session PUT is an update of an author that existed (the loudvoice-last-update-every-put variant).
    const { author, created } = commitPlan(this.authors, plan.value, now, this.newToken, this.touchOnEveryPut);
    const session = this.sessions.start(author, input.expiresIn, now, this.newSessionToken);
    return ok({ created: created && !this.fault('loudvoice-200-for-new-author'), value: sessionView(session) });
  }

  /** A page of the live sessions, optionally only the one of an author (LDV-SESSION-LIST-*). */
  listSessions(page: PageRequest, authorToken?: string): Page<AuthorSessionView> {
    const now = this.now();
    if (authorToken === undefined) return this.page(this.sessions.ordered(now), page, sessionView);
    const author = this.authors.get(authorToken);
    const session = author ? this.sessions.liveOf(author, now) : undefined;
    return this.page(pageableArray(session ? [session] : []), page, sessionView);
  }

  /** Ends a live session; unknown, deleted or expired is SESSION_NOT_FOUND. */
  deleteSession(token: string): Result<AuthorSessionView, ErrorCode> {
    const session = this.sessions.live(token, this.now());
    if (!session) return fail('SESSION_NOT_FOUND', { token });
    const before = sessionView(session);
    this.sessions.remove(session);
    return ok(before);
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
    return this.page(this.discussions.ordered, page, discussionView);
  }

  /** One discussion by token or by discussion_reference. */
  getDiscussion(selector: Selector): Result<DiscussionView, ErrorCode> {
    const found = this.findDiscussion(selector);
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
    return ok(this.page(pageableArray(commentsOf(found.value)), page, commentView));
  }

  private findDiscussion(selector: Selector): Result<Discussion, ErrorCode> {
    if ('token' in selector) {
      const discussion = this.discussions.get(selector.token);
      return discussion ? ok(discussion) : notFound('discussion', 'discussion_token', selector.token);
    }
    const discussion = this.discussions.byReference(selector.reference);
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
      updatedAt: null,
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
      updatedAt: null,
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
