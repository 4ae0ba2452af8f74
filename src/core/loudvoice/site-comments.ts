/**
 * The comments of one site (LDV-COMMENT-*): list, read, write (create or upsert), update, delete; the counters move
 * with them (comment-counters.ts). Functions of the site aggregate's parts (site-parts.ts).
 */
import type { ErrorCode } from '../../generated/loudvoice-catalogue.js';
import { fail, ok, type Result } from '../result.js';
import { commitPlan, planByDetails, planByIdentity, planByToken, type AuthorPlan } from './author-resolution.js';
import { addComment, removeComment } from './comment-counters.js';
import type { Author, Comment, Discussion } from './entities.js';
import type { CommentAuthorInput, CommentFieldsInput, CommentWriteInput, PageRequest, Upserted } from './inputs.js';
import type { Page } from './pagination.js';
import { commentView, type CommentView } from './views.js';
import { COMMENT_AUTHOR, nonEmpty, notFound, type SiteParts } from './site-parts.js';
import { newDiscussion } from './site-discussions.js';

/** A page of every comment of the site (LDV-COMMENT-LIST). */
export function listComments(site: SiteParts, page: PageRequest): Page<CommentView> {
  return site.page(site.comments.ordered, page, commentView);
}

/** One comment by token (LDV-COMMENT-READ). */
export function getComment(site: SiteParts, token: string): Result<CommentView, ErrorCode> {
  const comment = site.comments.get(token);
  return comment ? ok(commentView(comment)) : notFound('comment', 'comment_token', token);
}

/**
 * POST (`mode: 'create'`, always a new comment) and PUT (`'upsert'`: by comment_token, else by comment_reference,
 * else new) on /loudvoice/comments.json. The discussion is checked first (LDV-COMMENT-UPSERT-SAME-CHECKS).
 */
export function writeComment(site: SiteParts, input: CommentWriteInput, mode: 'create' | 'upsert'): Result<Upserted<CommentView>, ErrorCode> {
  const d = input.discussion;
  let discussion: Discussion | undefined;
  if (d.kind === 'token') {
    discussion = site.discussions.get(d.discussionToken);
    if (!discussion) return fail('DISCUSSION_TOKEN_UNKNOWN');
  } else {
    discussion = site.discussions.byReference(d.discussionReference);
    if (!discussion && !d.allowCreate) return fail('DISCUSSION_REFERENCE_UNKNOWN', { node: 'request->discussion->discussion_reference' });
  }
  const fields = input.comment;
  if (mode === 'upsert') {
    const token = nonEmpty(fields.commentToken);
    let target: Comment | undefined;
    if (token !== null) {
      target = site.comments.get(token);
      if (!target) return fail('COMMENT_TOKEN_UNKNOWN');
    } else {
      const reference = nonEmpty(fields.commentReference);
      if (reference !== null) target = site.comments.byReference(reference);
    }
    // An existing comment never moves: the discussion node was only checked (LDV-COMMENT-UPSERT-BY-TOKEN-200).
    if (target) {
      const updated = applyCommentFields(site, target, fields);
      return updated.ok ? ok({ created: false, value: updated.value }) : updated;
    }
  }
  const author = planCommentAuthor(site, fields.author);
  if (!author.ok) return author;
  const parent = findParent(site, discussion, fields);
  if (!parent.ok) return parent;
  const reference = nonEmpty(fields.commentReference);
  if (reference !== null && site.comments.byReference(reference)) {
    return fail('COMMENT_REFERENCE_TAKEN', { node: 'request->comment->comment_reference', value: reference });
  }
  const now = site.now();
  if (!discussion) {
    const ref = d as Extract<typeof d, { kind: 'reference' }>;
    discussion = newDiscussion(site, site.newToken(), { discussionReference: ref.discussionReference, title: ref.title ?? null, url: ref.url ?? null }, now);
    site.discussions.add(discussion);
  }
  const committed = author.value ? commitPlan(site.authors, author.value, now, site.newToken).author : null;
  const guest = fields.author.kind === 'guest' ? { name: fields.author.name, email: fields.author.email, websiteUrl: fields.author.websiteUrl, pictureUrl: fields.author.pictureUrl } : null;
  const comment = addNewComment(site, site.newToken(), discussion, { ...fields, commentReference: reference }, parent.value, committed, guest, now);
  return ok({ created: true, value: commentView(comment) });
}

/** PUT /loudvoice/comments/{comment_token}.json: a partial update (LDV-COMMENT-UPDATE-*). */
export function updateComment(site: SiteParts, token: string, fields: CommentFieldsInput): Result<CommentView, ErrorCode> {
  const comment = site.comments.get(token);
  if (!comment) return notFound('comment', 'comment_token', token);
  return applyCommentFields(site, comment, fields);
}

/** Deletes a comment; its replies go with it or move up to its parent (LDV-COMMENT-DELETE-*). */
export function deleteComment(site: SiteParts, token: string, deleteSubComments: boolean): Result<CommentView, ErrorCode> {
  const comment = site.comments.get(token);
  if (!comment) return notFound('comment', 'comment_token', token);
  const before = commentView(comment);
  if (deleteSubComments) {
    const stack = [...comment.children];
    while (stack.length > 0) {
      const reply = stack.pop()!;
      stack.push(...reply.children);
      forgetComment(site, reply);
    }
  } else {
    for (const reply of comment.children) {
      reply.parent = comment.parent;
      comment.parent?.children.add(reply);
    }
  }
  comment.children.clear();
  forgetComment(site, comment);
  return ok(before);
}

/** Adds a new comment to its discussion, its author and its parent, with the next post order. */
export function addNewComment(
  site: SiteParts,
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
    updatedAt: site.fault('loudvoice-last-update-set-on-create') ? now : null,
    postOrder: discussion.nextPostOrder++,
  };
  site.comments.add(comment);
  addComment(discussion, comment);
  if (author) addComment(author, comment);
  parent?.children.add(comment);
  return comment;
}

function forgetComment(site: SiteParts, comment: Comment): void {
  comment.parent?.children.delete(comment);
  removeComment(comment.discussion, comment);
  if (comment.author) removeComment(comment.author, comment);
  site.comments.remove(comment);
}

/** The author a comment body names, as a plan; null for a guest. */
function planCommentAuthor(site: SiteParts, input: CommentAuthorInput): Result<AuthorPlan | null, ErrorCode> {
  switch (input.kind) {
    case 'token':
      return planByToken(site.authors, input.authorToken, `${COMMENT_AUTHOR}->author_token`);
    case 'identity':
      return planByIdentity(site.authors, input.identityToken, `${COMMENT_AUTHOR}->identity_token`);
    case 'reference':
      return planByDetails(site.authors, input.authorReference, true, input.fields, COMMENT_AUTHOR);
    case 'guest':
      return ok(null);
  }
}

/**
 * The parent a body names, which must be a comment of the same discussion: parent_comment_token wins, else
 * parent_comment_reference; both "" or null (or absent) is top level.
 */
function findParent(site: SiteParts, discussion: Discussion | undefined, fields: CommentFieldsInput): Result<Comment | null, ErrorCode> {
  const token = nonEmpty(fields.parentCommentToken);
  if (token !== null) {
    const parent = site.comments.get(token);
    if (!parent || parent.discussion !== discussion) return fail('PARENT_COMMENT_UNKNOWN', { node: 'request->comment->parent_comment_token' });
    return ok(parent);
  }
  const reference = nonEmpty(fields.parentCommentReference);
  if (reference !== null) {
    const parent = site.comments.byReference(reference);
    if (!parent || parent.discussion !== discussion) return fail('PARENT_COMMENT_UNKNOWN', { node: 'request->comment->parent_comment_reference' });
    return ok(parent);
  }
  return ok(null);
}

/** Checks, then applies, the fields sent to an existing comment. */
function applyCommentFields(site: SiteParts, comment: Comment, fields: CommentFieldsInput): Result<CommentView, ErrorCode> {
  const parentSent = fields.parentCommentToken !== undefined || fields.parentCommentReference !== undefined;
  let newParent: Comment | null = comment.parent;
  if (parentSent) {
    const found = findParent(site, comment.discussion, fields);
    if (!found.ok) return found;
    newParent = found.value;
    for (let p = newParent; p !== null; p = p.parent) {
      if (p === comment) {
        const node = nonEmpty(fields.parentCommentToken) !== null ? 'request->comment->parent_comment_token' : 'request->comment->parent_comment_reference';
        return fail('NODE_INVALID', { node, reason: 'a comment cannot reply to itself or to one of its replies' });
      }
    }
  }
  const author = fields.author ? planCommentAuthor(site, fields.author) : ok(undefined);
  if (!author.ok) return author;
  const reference = fields.commentReference === undefined ? undefined : nonEmpty(fields.commentReference);
  if (reference !== undefined && reference !== null) {
    const holder = site.comments.byReference(reference);
    if (holder && holder !== comment) return fail('COMMENT_REFERENCE_TAKEN', { node: 'request->comment->comment_reference', value: reference });
  }

  const now = site.now();
  let changed = false;
  if (reference !== undefined && reference !== comment.reference) {
    site.comments.setReference(comment, reference);
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
    const next = author.value ? commitPlan(site.authors, author.value, now, site.newToken).author : null;
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
  if (changed || site.touchOnEveryPut) comment.updatedAt = now;
  return ok(commentView(comment));
}
