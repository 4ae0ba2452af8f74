import type { AuthorSessionStore } from './author-session-store.js';
import type { AuthorStore } from './author-store.js';
import { addComment } from './comment-counters.js';
import type { Author, AuthorSession, Comment, Discussion } from './entities.js';
import type { ReferencedStore } from './referenced-store.js';

/** All of one site's data as plain JSON records (objects link by token), in creation order. */
export interface SiteSnapshot {
  authors: Omit<Author, 'comments' | 'lastCommentAt'>[];
  discussions: Omit<Discussion, 'comments' | 'lastCommentAt'>[];
  /** A comment with its links written as tokens. */
  comments: (Omit<Comment, 'discussion' | 'parent' | 'children' | 'author'> & { discussion: string; parent: string | null; author: string | null })[];
  sessions: { token: string; author: string; createdAt: number; updatedAt: number | null; expiresIn: number; lastActivityAt: number }[];
}

/** The stores of one site. */
export interface SiteStores {
  authors: AuthorStore;
  discussions: ReferencedStore<Discussion>;
  comments: ReferencedStore<Comment>;
  sessions: AuthorSessionStore;
}

/** Writes a site's stores as a snapshot. Counters (num_comments, date_last_comment) are derived, so not stored. */
export function snapshotSite(stores: SiteStores): SiteSnapshot {
  return {
    authors: stores.authors.ordered.values().map(({ comments: _c, lastCommentAt: _l, ...a }) => a),
    discussions: stores.discussions.ordered.values().map(({ comments: _c, lastCommentAt: _l, ...d }) => d),
    comments: stores.comments.ordered.values().map(({ discussion, parent, children: _children, author, ...c }) => ({
      ...c,
      discussion: discussion.token,
      parent: parent?.token ?? null,
      author: author?.token ?? null,
    })),
    sessions: stores.sessions.held().map((s) => ({
      token: s.token,
      author: s.author.token,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      expiresIn: s.expiresIn,
      lastActivityAt: s.lastActivityAt,
    })),
  };
}

/**
 * Fills empty stores from a snapshot: objects first, then the links between them (a comment's parent may have been
 * created after it, by a later move), then the derived counters.
 */
export function restoreSite(snapshot: SiteSnapshot, stores: SiteStores): void {
  for (const a of snapshot.authors) {
    const { token, createdAt, updatedAt, ...fields } = a;
    const author: Author = stores.authors.create(token, fields, createdAt);
    author.updatedAt = updatedAt;
  }
  for (const d of snapshot.discussions) stores.discussions.add({ ...d, comments: null, lastCommentAt: null });
  const parents: [Comment, string][] = [];
  for (const c of snapshot.comments) {
    const discussion = stores.discussions.get(c.discussion);
    if (!discussion) continue;
    const author = c.author === null ? null : (stores.authors.get(c.author) ?? null);
    const comment: Comment = { ...c, discussion, parent: null, children: new Set(), author, guest: author ? null : c.guest };
    stores.comments.add(comment);
    addComment(discussion, comment);
    if (author) addComment(author, comment);
    if (c.parent !== null) parents.push([comment, c.parent]);
  }
  for (const [comment, parentToken] of parents) {
    const parent = stores.comments.get(parentToken);
    if (!parent) continue;
    comment.parent = parent;
    parent.children.add(comment);
  }
  for (const s of snapshot.sessions) {
    const author = stores.authors.get(s.author);
    if (!author) continue;
    const session: AuthorSession = { ...s, author, expiresAt: stores.sessions.expiryOf(s.lastActivityAt, s.expiresIn), heapIndex: -1 };
    stores.sessions.adopt(session);
  }
}
