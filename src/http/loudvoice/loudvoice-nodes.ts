import type { Page } from '../../core/loudvoice/pagination.js';
import type { AuthorSessionView, AuthorView, CommentView, DiscussionView } from '../../core/loudvoice/views.js';
import type { components } from '../../generated/loudvoice.js';
import { rfc2822 } from './rfc2822.js';

type Schemas = components['schemas'];

/** The data node of a success envelope, typed by the contract's envelope schema. */
export type DataOf<E extends keyof Schemas> = Schemas[E] extends { response: { result: { data: infer D } } } ? D : never;

const date = (ms: number | null) => (ms === null ? null : rfc2822(ms));

/** An author node in the contract's words (LDV-NULL-WHEN-ABSENT, LDV-DATE-RFC2822). */
export const authorNode = (a: AuthorView): Schemas['AuthorNode'] => ({
  author_token: a.authorToken,
  author_reference: a.authorReference,
  identity_token: a.identityToken,
  name: a.name,
  email: a.email,
  description: a.description,
  picture_url: a.pictureUrl,
  website_url: a.websiteUrl,
  num_comments: a.numComments,
  date_last_comment: date(a.dateLastComment),
  date_creation: rfc2822(a.dateCreation),
  date_last_update: date(a.dateLastUpdate),
});

/** An author session node, as in the seed's example resultset. */
export const sessionNode = (s: AuthorSessionView): Schemas['AuthorSessionNode'] => ({
  author_session_token: s.authorSessionToken,
  date_creation: rfc2822(s.dateCreation),
  date_last_update: date(s.dateLastUpdate),
  date_expiration: rfc2822(s.dateExpiration),
  expires_in: s.expiresIn,
  author: authorNode(s.author),
});

/** An author node with a field a vendor might add (the test-only extra-response-fields variant). */
export const authorNodeWithExtras = (a: AuthorView): Schemas['AuthorNode'] & { is_blocked: boolean } => ({ ...authorNode(a), is_blocked: false });

/** An author session node with fields a vendor might add, its author node included (extra-response-fields). */
export const sessionNodeWithExtras = (s: AuthorSessionView): Schemas['AuthorSessionNode'] & { ip_address: string | null } => ({
  ...sessionNode(s),
  author: authorNodeWithExtras(s.author),
  ip_address: null,
});

/** A discussion node. */
export const discussionNode = (d: DiscussionView): Schemas['DiscussionNode'] => ({
  discussion_token: d.discussionToken,
  discussion_reference: d.discussionReference,
  title: d.title,
  url: d.url,
  is_closed: d.isClosed,
  is_trashed: d.isTrashed,
  realm: d.realm,
  num_comments: d.numComments,
  date_creation: rfc2822(d.dateCreation),
  date_last_update: date(d.dateLastUpdate),
  date_last_comment: date(d.dateLastComment),
});

/** A comment node with its discussion and author; votes are not modelled and always 0. */
export const commentNode = (c: CommentView): Schemas['CommentNode'] => ({
  comment_token: c.commentToken,
  comment_reference: c.commentReference,
  parent_comment_token: c.parentCommentToken,
  parent_comment_reference: c.parentCommentReference,
  num_child_comments: c.numChildComments,
  date_creation: rfc2822(c.dateCreation),
  date_last_update: date(c.dateLastUpdate),
  post_order: c.postOrder,
  has_been_approved: c.hasBeenApproved,
  is_spam: c.isSpam,
  is_trashed: c.isTrashed,
  ip_address: c.ipAddress,
  text: c.text,
  votes: { num_votes_up: 0, num_votes_down: 0 },
  discussion: {
    discussion_token: c.discussion.discussionToken,
    discussion_reference: c.discussion.discussionReference,
    title: c.discussion.title,
    url: c.discussion.url,
  },
  author: {
    author_token: c.author.authorToken,
    author_reference: c.author.authorReference,
    name: c.author.name,
    email: c.author.email,
    website_url: c.author.websiteUrl,
    picture_url: c.author.pictureUrl,
  },
});

/** A list node: the pagination node exactly as LDV-PAGINATION-NODE describes it, and the page's entries. */
export function listNode<V, N>(page: Page<V>, node: (view: V) => N): { pagination: Schemas['Pagination']; entries: N[] } {
  return {
    pagination: {
      current_page: page.currentPage,
      total_pages: page.totalPages,
      entries_per_page: page.entriesPerPage,
      total_entries: page.totalEntries,
      order: { field: 'date_creation', direction: page.direction },
    },
    entries: page.entries.map(node),
  };
}
