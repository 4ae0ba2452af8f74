import type { ErrorCode } from '../../generated/loudvoice-catalogue.js';
import { fail, ok, type Result } from '../result.js';
import type { AuthorStore } from './author-store.js';
import type { Author } from './entities.js';
import type { AuthorFieldsInput } from './inputs.js';

/** The stored name of an author created without one, which only test-only faults allow: null, as the API then shows it. */
export const NO_NAME = null as unknown as string;

/** The stored fields of an author about to be created. */
export type NewAuthorFields = Pick<Author, 'reference' | 'identityToken' | 'name' | 'email' | 'description' | 'pictureUrl' | 'websiteUrl'>;

/**
 * Which author a write will use, decided before anything changes (LDV-ERROR-PRECEDENCE: a failing request changes
 * nothing): an existing author (with the details to apply to it), or the fields of one to create.
 */
export type AuthorPlan = { kind: 'existing'; author: Author; apply: AuthorFieldsInput } | { kind: 'new'; fields: NewAuthorFields };

/** An existing author found by token; unknown is AUTHOR_TOKEN_UNKNOWN at `node`. */
export function planByToken(authors: AuthorStore, token: string, node: string): Result<AuthorPlan, ErrorCode> {
  const author = authors.get(token);
  return author ? ok({ kind: 'existing', author, apply: {} }) : fail('AUTHOR_TOKEN_UNKNOWN', { node });
}

/** The author linked to a Social Login identity, or a new one filled from the identity's profile on first use. */
export function planByIdentity(authors: AuthorStore, identityToken: string, node: string): Result<AuthorPlan, ErrorCode> {
  const identity = authors.identity(identityToken);
  if (!identity) return fail('IDENTITY_TOKEN_UNKNOWN', { node });
  const linked = authors.byIdentityToken(identityToken);
  if (linked) return ok({ kind: 'existing', author: linked, apply: {} });
  return ok({
    kind: 'new',
    fields: {
      reference: null,
      identityToken: identity.identityToken.toLowerCase(),
      name: identity.name,
      email: identity.email ?? null,
      description: null,
      pictureUrl: identity.pictureUrl ?? null,
      websiteUrl: null,
    },
  });
}

/**
 * The details variant: the author with this reference gets the details sent; an unknown (or absent) reference makes a
 * new author when creation is allowed, which needs a name. `prefix` is the node path of the author node; `requireName`
 * is false only under the test-only loudvoice-name-not-required fault.
 */
export function planByDetails(
  authors: AuthorStore,
  reference: string | null,
  allowCreate: boolean,
  details: Omit<AuthorFieldsInput, 'authorReference' | 'identityToken'>,
  prefix: string,
  requireName = true,
): Result<AuthorPlan, ErrorCode> {
  const existing = reference === null ? undefined : authors.byAuthorReference(reference);
  if (existing) return ok({ kind: 'existing', author: existing, apply: details });
  if (!allowCreate) {
    return reference === null ? fail('NODE_MISSING', { node: `${prefix}->author_reference` }) : fail('AUTHOR_REFERENCE_UNKNOWN', { node: `${prefix}->author_reference` });
  }
  if ((details.name === undefined || details.name === '') && requireName) return fail('NAME_REQUIRED_FOR_NEW_AUTHOR', { node: `${prefix}->name` });
  return ok({
    kind: 'new',
    fields: {
      reference,
      identityToken: null,
      name: details.name || NO_NAME,
      email: details.email ?? null,
      description: details.description ?? null,
      pictureUrl: details.pictureUrl ?? null,
      websiteUrl: details.websiteUrl ?? null,
    },
  });
}

/** Carries out a plan: updates the existing author (`touch`: see AuthorStore.update) or creates the new one. */
export function commitPlan(authors: AuthorStore, plan: AuthorPlan, now: number, newToken: () => string, touch = false): { author: Author; created: boolean } {
  if (plan.kind === 'existing') {
    authors.update(plan.author, plan.apply, now, touch);
    return { author: plan.author, created: false };
  }
  return { author: authors.create(newToken(), plan.fields, now), created: true };
}
