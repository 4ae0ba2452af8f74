/** Author fields as the edge parsed them: a missing key was not sent, null clears (LDV-BODY-EMPTY-MEANS-NONE). */
export interface AuthorFieldsInput {
  authorReference?: string | null;
  identityToken?: string | null;
  name?: string;
  email?: string | null;
  description?: string | null;
  pictureUrl?: string | null;
  websiteUrl?: string | null;
}

/** Who a session is for: one of the seed's three variants. */
export type SessionAuthorInput =
  | { kind: 'token'; authorToken: string }
  | { kind: 'identity'; identityToken: string }
  | { kind: 'details'; authorReference: string | null; allowCreateNew: boolean; fields: Omit<AuthorFieldsInput, 'authorReference' | 'identityToken'> };

/** The parsed body of PUT /loudvoice/authors/sessions.json. */
export interface SessionStartInput {
  author: SessionAuthorInput;
  expiresIn: number;
}

/** Discussion fields as parsed; a missing key was not sent. */
export interface DiscussionFieldsInput {
  discussionReference?: string | null;
  title?: string | null;
  url?: string | null;
  isClosed?: boolean;
  isTrashed?: boolean;
  realm?: string | null;
  allowCreateDiscussionReference?: boolean;
}

/** The discussion a comment write names: by token (which wins) or by reference. */
export type DiscussionRefInput =
  | { kind: 'token'; discussionToken: string }
  | { kind: 'reference'; discussionReference: string; title?: string | null; url?: string | null; allowCreate: boolean };

/** Who writes a comment: one of the four variants of the contract. */
export type CommentAuthorInput =
  | { kind: 'token'; authorToken: string }
  | { kind: 'identity'; identityToken: string }
  | { kind: 'reference'; authorReference: string; fields: Omit<AuthorFieldsInput, 'authorReference' | 'identityToken'> }
  | { kind: 'guest'; name: string; email: string | null; pictureUrl: string | null; websiteUrl: string | null };

/** Comment fields as parsed; a missing key was not sent, null is "none" for tokens and references. */
export interface CommentFieldsInput {
  commentToken?: string | null;
  commentReference?: string | null;
  parentCommentToken?: string | null;
  parentCommentReference?: string | null;
  text?: string;
  ipAddress?: string | null;
  hasBeenApproved?: boolean;
  isSpam?: boolean;
  isTrashed?: boolean;
  author?: CommentAuthorInput;
}

/** The parsed body of POST and PUT /loudvoice/comments.json. */
export interface CommentWriteInput {
  discussion: DiscussionRefInput;
  comment: CommentFieldsInput & { text: string; author: CommentAuthorInput };
}

/** A page request as the edge validated it (LDV-PAGINATION-PARAMS). */
export interface PageRequest {
  page: number;
  entriesPerPage: number;
  direction: 'asc' | 'desc';
}

/** A created-or-found outcome: `created` decides 201 against 200. */
export interface Upserted<T> {
  created: boolean;
  value: T;
}
