import { CreationOrder } from './creation-order.js';
import type { Discussion } from './entities.js';

/** The discussions of one site by token (creation order, the list order) and by discussion_reference. */
export class DiscussionStore {
  private readonly byToken = new Map<string, Discussion>();
  private readonly byReference = new Map<string, Discussion>();

  /** The discussion with this token, if any. */
  get(token: string): Discussion | undefined {
    return this.byToken.get(token.toLowerCase());
  }

  /** The discussion with this discussion_reference (case-sensitive), if any. */
  byDiscussionReference(reference: string): Discussion | undefined {
    return this.byReference.get(reference);
  }

  /** Every discussion in creation order, pageable without copying (LDV-PAGINATION-ORDER). */
  readonly ordered = new CreationOrder<Discussion>();

  /** Stores a new discussion; the caller has checked that its reference is free. */
  add(discussion: Discussion): void {
    this.byToken.set(discussion.token, discussion);
    this.ordered.add(discussion);
    if (discussion.reference !== null) this.byReference.set(discussion.reference, discussion);
  }

  /** Changes the reference and keeps the index in step. */
  setReference(discussion: Discussion, reference: string | null): void {
    if (discussion.reference !== null) this.byReference.delete(discussion.reference);
    discussion.reference = reference;
    if (reference !== null) this.byReference.set(reference, discussion);
  }

  /** Forgets a discussion (its comments are the caller's business). */
  remove(discussion: Discussion): void {
    this.byToken.delete(discussion.token);
    this.ordered.remove(discussion);
    if (discussion.reference !== null && this.byReference.get(discussion.reference) === discussion) this.byReference.delete(discussion.reference);
  }
}
