import { CreationOrder } from './creation-order.js';

/** What the store needs of an item: a token, and a reference unique among items of its kind (or none). */
interface Referenced {
  readonly token: string;
  reference: string | null;
}

/**
 * The discussions or the comments of one site: by token, by their unique reference (case-sensitive), and in
 * creation order for lists. Links to other objects are the caller's business.
 */
export class ReferencedStore<T extends Referenced> {
  private readonly byToken = new Map<string, T>();
  private readonly byReferenceIndex = new Map<string, T>();
  /** Every item in creation order, pageable without copying (LDV-PAGINATION-ORDER). */
  readonly ordered = new CreationOrder<T>();

  /** The item with this token (tokens are compared lower-case), if any. */
  get(token: string): T | undefined {
    return this.byToken.get(token.toLowerCase());
  }

  /** The item with this reference, if any. */
  byReference(reference: string): T | undefined {
    return this.byReferenceIndex.get(reference);
  }

  /** Stores a new item; the caller has checked that its reference is free. */
  add(item: T): void {
    this.byToken.set(item.token, item);
    this.ordered.add(item);
    if (item.reference !== null) this.byReferenceIndex.set(item.reference, item);
  }

  /** Changes the reference and keeps the index in step. */
  setReference(item: T, reference: string | null): void {
    if (item.reference !== null) this.byReferenceIndex.delete(item.reference);
    item.reference = reference;
    if (reference !== null) this.byReferenceIndex.set(reference, item);
  }

  /** Forgets an item. */
  remove(item: T): void {
    this.byToken.delete(item.token);
    this.ordered.remove(item);
    if (item.reference !== null && this.byReferenceIndex.get(item.reference) === item) this.byReferenceIndex.delete(item.reference);
  }
}
