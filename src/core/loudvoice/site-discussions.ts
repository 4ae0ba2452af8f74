/**
 * The discussions of one site (LDV-DISCUSSION-*): list, read, create, upsert, update, delete with their comments.
 * Functions of the site aggregate's parts (site-parts.ts).
 */
import type { ErrorCode } from '../../generated/loudvoice-catalogue.js';
import { fail, ok, type Result } from '../result.js';
import { commentsOf, removeComment, takeComments } from './comment-counters.js';
import type { Discussion } from './entities.js';
import type { DiscussionFieldsInput, PageRequest, Upserted } from './inputs.js';
import { pageableArray } from './creation-order.js';
import type { Page } from './pagination.js';
import { commentView, discussionView, type CommentView, type DiscussionView } from './views.js';
import { notFound, type Selector, type SiteParts } from './site-parts.js';

/** A page of every discussion (LDV-DISCUSSION-LIST). */
export function listDiscussions(site: SiteParts, page: PageRequest): Page<DiscussionView> {
  // Test-only fault loudvoice-discussion-list-skips-closed: closed discussions are left out.
  if (site.fault('loudvoice-discussion-list-skips-closed')) {
    return site.page(pageableArray(site.discussions.ordered.values().filter((d) => !d.isClosed)), page, discussionView);
  }
  return site.page(site.discussions.ordered, page, discussionView);
}

/** One discussion by token or by discussion_reference. */
export function getDiscussion(site: SiteParts, selector: Selector): Result<DiscussionView, ErrorCode> {
  const found = findDiscussion(site, selector);
  // Test-only fault loudvoice-discussion-read-by-token-404: a token read misses every discussion that has a reference.
  if (found.ok && 'token' in selector && found.value.reference !== null && site.fault('loudvoice-discussion-read-by-token-404')) {
    return notFound('discussion', 'discussion_token', selector.token);
  }
  return found.ok ? ok(discussionView(found.value)) : found;
}

/** Creates a discussion (LDV-DISCUSSION-CREATE-201); a taken reference is a 409. */
export function createDiscussion(site: SiteParts, fields: DiscussionFieldsInput): Result<DiscussionView, ErrorCode> {
  const taken = checkDiscussionReference(site, null, fields.discussionReference);
  if (!taken.ok) return taken;
  const discussion = newDiscussion(site, site.newToken(), fields, site.now());
  site.discussions.add(discussion);
  return ok(discussionView(discussion));
}

/** PUT /loudvoice/discussions.json: update by reference, or create when allowed (LDV-DISCUSSION-UPSERT-*). */
export function upsertDiscussion(site: SiteParts, reference: string, fields: DiscussionFieldsInput): Result<Upserted<DiscussionView>, ErrorCode> {
  const existing = site.discussions.byReference(reference);
  if (existing) {
    applyDiscussionFields(site, existing, fields);
    return ok({ created: false, value: discussionView(existing) });
  }
  if (fields.allowCreateDiscussionReference !== true) return fail('DISCUSSION_REFERENCE_UNKNOWN', { node: 'request->discussion->discussion_reference' });
  const discussion = newDiscussion(site, site.newToken(), { ...fields, discussionReference: reference }, site.now());
  site.discussions.add(discussion);
  return ok({ created: true, value: discussionView(discussion) });
}

/** Changes the fields sent of one discussion (LDV-DISCUSSION-UPDATE-200). */
export function updateDiscussion(site: SiteParts, selector: Selector, fields: DiscussionFieldsInput): Result<DiscussionView, ErrorCode> {
  const found = findDiscussion(site, selector);
  if (!found.ok) return found;
  const taken = checkDiscussionReference(site, found.value, fields.discussionReference);
  if (!taken.ok) return taken;
  applyDiscussionFields(site, found.value, fields);
  return ok(discussionView(found.value));
}

/** Deletes a discussion and all its comments (LDV-DISCUSSION-DELETE-CASCADES). */
export function deleteDiscussion(site: SiteParts, selector: Selector): Result<DiscussionView, ErrorCode> {
  const found = findDiscussion(site, selector);
  if (!found.ok) return found;
  const discussion = found.value;
  const before = discussionView(discussion);
  for (const comment of takeComments(discussion)) {
    if (comment.author) removeComment(comment.author, comment);
    site.comments.remove(comment);
  }
  site.discussions.remove(discussion);
  return ok(before);
}

/** A page of one discussion's comments, replies included (LDV-DISCUSSION-COMMENTS-*). */
export function listDiscussionComments(site: SiteParts, selector: Selector, page: PageRequest): Result<Page<CommentView>, ErrorCode> {
  const found = findDiscussion(site, selector);
  if (!found.ok) return found;
  // Test-only fault loudvoice-discussion-comments-all: the site's comments, not the discussion's.
  if (site.fault('loudvoice-discussion-comments-all')) return ok(site.page(site.comments.ordered, page, commentView));
  return ok(site.page(pageableArray(commentsOf(found.value)), page, commentView));
}

function findDiscussion(site: SiteParts, selector: Selector): Result<Discussion, ErrorCode> {
  if ('token' in selector) {
    const discussion = site.discussions.get(selector.token);
    return discussion ? ok(discussion) : notFound('discussion', 'discussion_token', selector.token);
  }
  // Test-only fault loudvoice-reference-parameter-ignored: the reference never reaches the lookup, which takes the first.
  const discussion = site.fault('loudvoice-reference-parameter-ignored')
    ? site.discussions.ordered.slice('asc', 0, 1)[0]
    : site.discussions.byReference(selector.reference);
  return discussion ? ok(discussion) : notFound('discussion', 'discussion_reference', selector.reference);
}

function checkDiscussionReference(site: SiteParts, self: Discussion | null, reference: string | null | undefined): Result<true, ErrorCode> {
  if (reference === undefined || reference === null) return ok(true);
  const holder = site.discussions.byReference(reference);
  if (holder && holder !== self) return fail('DISCUSSION_REFERENCE_TAKEN', { node: 'request->discussion->discussion_reference', value: reference });
  return ok(true);
}

/** A new discussion record (not yet added to the site's store). */
export function newDiscussion(site: SiteParts, token: string, fields: DiscussionFieldsInput, now: number): Discussion {
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
    updatedAt: site.fault('loudvoice-last-update-set-on-create') ? now : null,
    comments: null,
    lastCommentAt: null,
    nextPostOrder: 1,
  };
}

function applyDiscussionFields(site: SiteParts, discussion: Discussion, fields: DiscussionFieldsInput): void {
  let changed = false;
  if (fields.discussionReference !== undefined && fields.discussionReference !== discussion.reference) {
    site.discussions.setReference(discussion, fields.discussionReference);
    changed = true;
  }
  const simple = { title: fields.title, url: fields.url, isClosed: fields.isClosed, isTrashed: fields.isTrashed, realm: fields.realm };
  for (const [key, value] of Object.entries(simple) as [keyof typeof simple, string | boolean | null | undefined][]) {
    if (value === undefined || discussion[key] === value) continue;
    (discussion as unknown as Record<string, unknown>)[key] = value;
    changed = true;
  }
  if (changed || site.touchOnEveryPut) discussion.updatedAt = site.now();
}
