import type { Comment } from './entities.js';

/** Something that counts comments and knows the date of its newest one (an author or a discussion). */
interface CommentHolder {
  comments: Set<Comment> | null;
  lastCommentAt: number | null;
}

/** Records a comment (new, or moved here from another author). */
export function addComment(holder: CommentHolder, comment: Comment): void {
  (holder.comments ??= new Set()).add(comment);
  if (holder.lastCommentAt === null || comment.createdAt > holder.lastCommentAt) holder.lastCommentAt = comment.createdAt;
}

/**
 * Forgets a comment and keeps date_last_comment true (LDV-COUNTERS-TRUE). Only removing a comment as new as the
 * newest needs a walk over the holder's comments; every other removal is O(1).
 */
export function removeComment(holder: CommentHolder, comment: Comment): void {
  if (!holder.comments?.delete(comment)) return;
  if (holder.comments.size === 0) holder.comments = null;
  if (holder.lastCommentAt !== comment.createdAt) return;
  let last: number | null = null;
  for (const c of holder.comments ?? []) if (last === null || c.createdAt > last) last = c.createdAt;
  holder.lastCommentAt = last;
}

/** How many comments the holder has. */
export const commentCount = (holder: CommentHolder): number => holder.comments?.size ?? 0;

/** The holder's comments in creation order, as a new array. */
export const commentsOf = (holder: CommentHolder): Comment[] => [...(holder.comments ?? [])];

/** The holder's comments in creation order, and forgets them all (the caller moves or deletes each). */
export function takeComments(holder: CommentHolder): Comment[] {
  const taken = commentsOf(holder);
  holder.comments = null;
  holder.lastCommentAt = null;
  return taken;
}
