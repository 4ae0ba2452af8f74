/** A Social Login identity whose `identity_token` can start an author session. */
export interface IdentitySeed {
  identityToken: string;
  name: string;
  email?: string;
  pictureUrl?: string;
  websiteUrl?: string;
}

/** An author present at start. */
export interface AuthorSeed {
  authorToken: string;
  authorReference?: string;
  identityToken?: string;
  name: string;
  email?: string;
  description?: string;
  pictureUrl?: string;
  websiteUrl?: string;
}

/** A comment present at start; its author is an author token or a guest. */
export interface CommentSeed {
  commentToken: string;
  commentReference?: string;
  parentCommentToken?: string;
  authorToken?: string;
  guest?: { name: string; email?: string };
  text: string;
}

/** A discussion present at start, with its comments (parents before children). */
export interface DiscussionSeed {
  discussionToken: string;
  discussionReference?: string;
  title: string;
  url?: string;
  isClosed?: boolean;
  comments?: CommentSeed[];
}

/** A LoudVoice site: its API keys and its starting data. */
export interface SiteSeed {
  subdomain: string;
  publicKey: string;
  privateKey: string;
  identities?: IdentitySeed[];
  authors?: AuthorSeed[];
  discussions?: DiscussionSeed[];
}

/** The LoudVoice part of a fixture file. */
export interface LoudVoiceSeed {
  sites: SiteSeed[];
}

/** Author sessions expire after this many seconds of inactivity unless `expires_in` says otherwise (14 days). */
export const DEFAULT_EXPIRES_IN_SECONDS = 1_209_600;
