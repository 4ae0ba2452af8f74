import type { FaultName } from '../faults.js';
import { CreationOrder } from './creation-order.js';
import type { Author } from './entities.js';
import type { AuthorFieldsInput } from './inputs.js';
import type { IdentitySeed } from './model.js';

/** The author fields that a write may change, as stored. */
type StoredFields = Pick<Author, 'reference' | 'identityToken' | 'name' | 'email' | 'description' | 'pictureUrl' | 'websiteUrl'>;

const FIELD_OF: Record<keyof AuthorFieldsInput, keyof StoredFields> = {
  authorReference: 'reference',
  identityToken: 'identityToken',
  name: 'name',
  email: 'email',
  description: 'description',
  pictureUrl: 'pictureUrl',
  websiteUrl: 'websiteUrl',
};

/**
 * The authors of one site with the indexes every request path looks them up by (token, author_reference,
 * identity_token), and the site's Social Login identities. The Map by token is in creation order, which is the
 * list order.
 */
export class AuthorStore {
  private readonly byToken = new Map<string, Author>();
  private readonly byReference = new Map<string, Author>();
  private readonly byIdentity = new Map<string, Author>();
  private readonly identities = new Map<string, IdentitySeed>();

  /** `fault` tells whether a test-only fault (src/core/faults.ts) is on; never, in a normal run. */
  constructor(
    identities: readonly IdentitySeed[],
    private readonly fault: (name: FaultName) => boolean = () => false,
  ) {
    for (const identity of identities) this.identities.set(identity.identityToken.toLowerCase(), identity);
  }

  /** The author with this token, if any. */
  get(token: string): Author | undefined {
    return this.byToken.get(token.toLowerCase());
  }

  /** The author with this author_reference (case-sensitive), if any. */
  byAuthorReference(reference: string): Author | undefined {
    return this.byReference.get(reference);
  }

  /** The author linked to this Social Login identity, if any. */
  byIdentityToken(identityToken: string): Author | undefined {
    return this.byIdentity.get(identityToken.toLowerCase());
  }

  /** The site's Social Login identity with this token, if any. */
  identity(identityToken: string): IdentitySeed | undefined {
    return this.identities.get(identityToken.toLowerCase());
  }

  /** Every author in creation order, pageable without copying (LDV-PAGINATION-ORDER). */
  readonly ordered = new CreationOrder<Author>();

  /** Stores a new author; the caller has checked that its reference and identity are free. */
  create(token: string, fields: StoredFields, now: number): Author {
    // Test-only fault loudvoice-last-update-set-on-create: date_last_update stamped on creation.
    const updatedAt = this.fault('loudvoice-last-update-set-on-create') ? now : null;
    const author: Author = { token, ...fields, createdAt: now, updatedAt, comments: null, lastCommentAt: null };
    this.byToken.set(token, author);
    this.ordered.add(author);
    this.index(author);
    return author;
  }

  /**
   * Applies the fields sent; date_last_update moves only when a stored value changed (LDV-LAST-UPDATE-ON-CHANGE), or
   * on every call with `touch` (the test-only loudvoice-last-update-every-put variant).
   */
  update(author: Author, fields: AuthorFieldsInput, now: number, touch = false): void {
    // The indexes are touched only when a key they are kept by changes: a session refresh changes neither.
    const rekeyed =
      (fields.authorReference !== undefined && fields.authorReference !== author.reference) ||
      (fields.identityToken !== undefined && fields.identityToken !== author.identityToken);
    if (rekeyed) this.unindex(author);
    let changed = false;
    for (const key in fields) {
      const value = fields[key as keyof AuthorFieldsInput];
      if (value === undefined) continue;
      const field = FIELD_OF[key as keyof AuthorFieldsInput];
      if (author[field] === value) continue;
      (author as Record<keyof StoredFields, string | null>)[field] = value;
      changed = true;
    }
    if (changed || touch) author.updatedAt = now;
    if (rekeyed) this.index(author);
  }

  /** Forgets an author and its index entries. */
  remove(author: Author): void {
    this.unindex(author);
    this.byToken.delete(author.token);
    this.ordered.remove(author);
  }

  private index(author: Author): void {
    if (author.reference !== null) this.byReference.set(author.reference, author);
    if (author.identityToken !== null) this.byIdentity.set(author.identityToken.toLowerCase(), author);
  }

  private unindex(author: Author): void {
    if (author.reference !== null && this.byReference.get(author.reference) === author) this.byReference.delete(author.reference);
    if (author.identityToken !== null && this.byIdentity.get(author.identityToken.toLowerCase()) === author) {
      this.byIdentity.delete(author.identityToken.toLowerCase());
    }
  }
}
