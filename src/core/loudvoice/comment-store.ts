import { CreationOrder } from './creation-order.js';
import type { Comment } from './entities.js';

/** Every comment of one site by token (creation order, the list order) and by comment_reference. */
export class CommentStore {
  private readonly byToken = new Map<string, Comment>();
  private readonly byReference = new Map<string, Comment>();

  /** The comment with this token, if any. */
  get(token: string): Comment | undefined {
    return this.byToken.get(token.toLowerCase());
  }

  /** The comment with this comment_reference (case-sensitive), if any. */
  byCommentReference(reference: string): Comment | undefined {
    return this.byReference.get(reference);
  }

  /** Every comment in creation order, pageable without copying (LDV-PAGINATION-ORDER). */
  readonly ordered = new CreationOrder<Comment>();

  /** Stores a new comment; the caller has checked that its reference is free. */
  add(comment: Comment): void {
    this.byToken.set(comment.token, comment);
    this.ordered.add(comment);
    if (comment.reference !== null) this.byReference.set(comment.reference, comment);
  }

  /** Changes the reference and keeps the index in step. */
  setReference(comment: Comment, reference: string | null): void {
    if (comment.reference !== null) this.byReference.delete(comment.reference);
    comment.reference = reference;
    if (reference !== null) this.byReference.set(reference, comment);
  }

  /** Forgets a comment (links to discussion, author and parent are the caller's business). */
  remove(comment: Comment): void {
    this.byToken.delete(comment.token);
    this.ordered.remove(comment);
    if (comment.reference !== null && this.byReference.get(comment.reference) === comment) this.byReference.delete(comment.reference);
  }
}
