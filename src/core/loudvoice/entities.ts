import type { HeapItem } from './expiry-heap.js';

/** An author as a site keeps it; dates are epoch ms, absent values null. */
export interface Author {
  readonly token: string;
  reference: string | null;
  identityToken: string | null;
  name: string;
  email: string | null;
  description: string | null;
  pictureUrl: string | null;
  websiteUrl: string | null;
  readonly createdAt: number;
  updatedAt: number | null;
  /** The author's existing comments in creation order (the newest is last); null until the first one (most authors never comment, and an empty Set costs ~130 B). */
  comments: Set<Comment> | null;
  /** date_creation of the newest comment, kept so reading an author never walks its comments. */
  lastCommentAt: number | null;
}

/** A live author session; `expiresAt` = last activity + expires_in, the key of the expiry heap. */
export interface AuthorSession extends HeapItem {
  /** Kept on refresh, except under the test-only loudvoice-session-token-rotates variant. */
  token: string;
  readonly author: Author;
  readonly createdAt: number;
  updatedAt: number | null;
  expiresIn: number;
  lastActivityAt: number;
}

/** A discussion with its comments in creation order. */
export interface Discussion {
  readonly token: string;
  reference: string | null;
  title: string | null;
  url: string | null;
  isClosed: boolean;
  isTrashed: boolean;
  realm: string | null;
  readonly createdAt: number;
  updatedAt: number | null;
  /** Its comments in creation order; null until the first one. */
  comments: Set<Comment> | null;
  lastCommentAt: number | null;
  /** post_order of the next comment: positions are handed out once and never reused. */
  nextPostOrder: number;
}

/** What a comment shows as its author when no author object stands behind it (guests, deleted authors). */
export interface GuestAuthor {
  name: string;
  email: string | null;
  websiteUrl: string | null;
  pictureUrl: string | null;
}

/** A comment; `author` null means a guest comment described by `guest`. */
export interface Comment {
  readonly token: string;
  reference: string | null;
  readonly discussion: Discussion;
  parent: Comment | null;
  readonly children: Set<Comment>;
  author: Author | null;
  guest: GuestAuthor | null;
  text: string;
  ipAddress: string | null;
  hasBeenApproved: boolean;
  isSpam: boolean;
  isTrashed: boolean;
  readonly createdAt: number;
  updatedAt: number | null;
  readonly postOrder: number;
}
