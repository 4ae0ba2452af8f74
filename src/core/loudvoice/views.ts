import type { Author, AuthorSession, Comment, Discussion } from './entities.js';
import { commentCount } from './comment-counters.js';

/** An author as the API shows it; dates are epoch ms (the edge formats them). */
export interface AuthorView {
  authorToken: string;
  authorReference: string | null;
  identityToken: string | null;
  name: string;
  email: string | null;
  description: string | null;
  pictureUrl: string | null;
  websiteUrl: string | null;
  numComments: number;
  dateLastComment: number | null;
  dateCreation: number;
  dateLastUpdate: number | null;
}

/** An author session with its author as the API shows it. */
export interface AuthorSessionView {
  authorSessionToken: string;
  dateCreation: number;
  dateLastUpdate: number | null;
  dateExpiration: number;
  expiresIn: number;
  author: AuthorView;
}

/** A discussion as the API shows it. */
export interface DiscussionView {
  discussionToken: string;
  discussionReference: string | null;
  title: string | null;
  url: string | null;
  isClosed: boolean;
  isTrashed: boolean;
  realm: string | null;
  numComments: number;
  dateCreation: number;
  dateLastUpdate: number | null;
  dateLastComment: number | null;
}

/** A comment with its discussion and author as the API shows it. */
export interface CommentView {
  commentToken: string;
  commentReference: string | null;
  parentCommentToken: string | null;
  parentCommentReference: string | null;
  numChildComments: number;
  dateCreation: number;
  dateLastUpdate: number | null;
  postOrder: string;
  hasBeenApproved: boolean;
  isSpam: boolean;
  isTrashed: boolean;
  ipAddress: string | null;
  text: string;
  discussion: { discussionToken: string; discussionReference: string | null; title: string | null; url: string | null };
  author: {
    authorToken: string | null;
    authorReference: string | null;
    name: string;
    email: string | null;
    websiteUrl: string | null;
    pictureUrl: string | null;
  };
}

/** A snapshot of an author: later changes to the author do not show in it. */
export const authorView = (a: Author): AuthorView => ({
  authorToken: a.token,
  authorReference: a.reference,
  identityToken: a.identityToken,
  name: a.name,
  email: a.email,
  description: a.description,
  pictureUrl: a.pictureUrl,
  websiteUrl: a.websiteUrl,
  numComments: commentCount(a),
  dateLastComment: a.lastCommentAt,
  dateCreation: a.createdAt,
  dateLastUpdate: a.updatedAt,
});

/** A snapshot of a session and its author. */
export const sessionView = (s: AuthorSession): AuthorSessionView => ({
  authorSessionToken: s.token,
  dateCreation: s.createdAt,
  dateLastUpdate: s.updatedAt,
  dateExpiration: s.expiresAt,
  expiresIn: s.expiresIn,
  author: authorView(s.author),
});

/** A snapshot of a discussion. */
export const discussionView = (d: Discussion): DiscussionView => ({
  discussionToken: d.token,
  discussionReference: d.reference,
  title: d.title,
  url: d.url,
  isClosed: d.isClosed,
  isTrashed: d.isTrashed,
  realm: d.realm,
  numComments: commentCount(d),
  dateCreation: d.createdAt,
  dateLastUpdate: d.updatedAt,
  dateLastComment: d.lastCommentAt,
});

/** A snapshot of a comment; a guest comment (or one whose author was deleted) shows its guest details. */
export const commentView = (c: Comment): CommentView => {
  const a = c.author;
  const g = c.guest;
  return {
    commentToken: c.token,
    commentReference: c.reference,
    parentCommentToken: c.parent?.token ?? null,
    parentCommentReference: c.parent?.reference ?? null,
    numChildComments: c.children.size,
    dateCreation: c.createdAt,
    dateLastUpdate: c.updatedAt,
    postOrder: String(c.postOrder),
    hasBeenApproved: c.hasBeenApproved,
    isSpam: c.isSpam,
    isTrashed: c.isTrashed,
    ipAddress: c.ipAddress,
    text: c.text,
    discussion: { discussionToken: c.discussion.token, discussionReference: c.discussion.reference, title: c.discussion.title, url: c.discussion.url },
    author: a
      ? { authorToken: a.token, authorReference: a.reference, name: a.name, email: a.email, websiteUrl: a.websiteUrl, pictureUrl: a.pictureUrl }
      : { authorToken: null, authorReference: null, name: g?.name ?? '', email: g?.email ?? null, websiteUrl: g?.websiteUrl ?? null, pictureUrl: g?.pictureUrl ?? null },
  };
};
