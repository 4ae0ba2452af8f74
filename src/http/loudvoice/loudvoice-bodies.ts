import { DEFAULT_EXPIRES_IN_SECONDS } from '../../core/loudvoice/model.js';
import type {
  AuthorFieldsInput,
  CommentAuthorInput,
  CommentFieldsInput,
  CommentWriteInput,
  DiscussionFieldsInput,
  DiscussionRefInput,
  SessionAuthorInput,
  SessionStartInput,
} from '../../core/loudvoice/inputs.js';
import { fail, ok, type Result } from '../../core/result.js';
import type { ErrorCode } from '../../generated/loudvoice-catalogue.js';
import { NodeReader, openRequest, type NodeProblem } from './node-reader.js';

type BodyResult<T> = Result<T, ErrorCode>;

/** Largest expires_in (one year), as the contract bounds it. */
const MAX_EXPIRES_IN = 31_536_000;

/**
 * Keeps only the keys that were sent, so the core sees "absent" as a missing key. A copy rather than `delete`:
 * deleting turns an object into a slow dictionary, and these objects are read on every session refresh.
 */
function defined<T extends object>(value: T): T {
  const sent = {} as T;
  for (const key in value) if (value[key] !== undefined) sent[key] = value[key];
  return sent;
}

/** Opens `request-><name>` and runs `read` on it; the first problem anywhere becomes the answer. */
function readWrapped<T>(body: unknown, name: string, read: (node: NodeReader, request: NodeReader) => T | undefined): BodyResult<T> {
  const request = openRequest(body);
  if (!(request instanceof NodeReader)) return fail(request.code, request.detail);
  const node = request.object(name, true);
  const value = node ? read(node, request) : undefined;
  const problem: NodeProblem | null = request.problem;
  if (problem) return fail(problem.code, problem.detail);
  return ok(value as T);
}

/** The details an author node may carry besides its keys. */
function authorDetails(node: NodeReader): Omit<AuthorFieldsInput, 'authorReference' | 'identityToken'> {
  return defined({
    name: node.string('name'),
    email: node.email('email'),
    description: node.nullableString('description', true),
    pictureUrl: node.url('picture_url'),
    websiteUrl: node.url('website_url'),
  });
}

/**
 * The body of PUT /loudvoice/authors/sessions.json: one of three author variants and the session options.
 * `unbounded` is the test-only loudvoice-expires-in-unbounded variant: any positive safe integer expires_in.
 */
export function readSessionStart(body: unknown, unbounded = false): BodyResult<SessionStartInput> {
  return readWrapped(body, 'author_session', (node) => {
    const authorNode = node.object('author', true);
    if (!authorNode) return undefined;
    // A non-null author_token or identity_token selects its variant; both at once is ambiguous (LDV-SESSION-VARIANT-EXCLUSIVE).
    if (authorNode.has('author_token') && authorNode.has('identity_token')) {
      return authorNode.fail('NODE_INVALID', '', { reason: 'send either author_token or identity_token, not both' });
    }
    let author: SessionAuthorInput | undefined;
    if (authorNode.has('author_token')) {
      const authorToken = authorNode.token('author_token');
      if (authorToken !== undefined) author = { kind: 'token', authorToken };
    } else if (authorNode.has('identity_token')) {
      const identityToken = authorNode.token('identity_token');
      if (identityToken !== undefined) author = { kind: 'identity', identityToken };
    } else {
      const reference = authorNode.has('author_reference') ? authorNode.string('author_reference') : undefined;
      const allowNew = authorNode.boolean('allow_create_new');
      const allowLegacy = authorNode.boolean('allow_create_author_reference');
      author = {
        kind: 'details',
        authorReference: reference ?? null,
        allowCreateNew: allowNew ?? allowLegacy ?? true,
        fields: authorDetails(authorNode),
      };
    }
    const session = node.object('session', false);
    const expiresIn = session?.integer('expires_in', 1, unbounded ? Number.MAX_SAFE_INTEGER : MAX_EXPIRES_IN);
    return author ? { author, expiresIn: expiresIn ?? DEFAULT_EXPIRES_IN_SECONDS } : undefined;
  });
}

/** The body of POST /loudvoice/authors.json and of author updates. */
export function readAuthor(body: unknown): BodyResult<AuthorFieldsInput> {
  return readWrapped(body, 'author', (node) =>
    defined({
      // null clears the reference; "" is refused, so a client that loses a value cannot unlink an author by accident
      // (LDV-AUTHOR-UPDATE-PARTIAL).
      authorReference: node.nullableNonEmpty('author_reference'),
      identityToken: node.tokenRef('identity_token'),
      name: node.sent('name') && node.raw('name') === null ? node.fail('NODE_INVALID', 'name', { reason: 'a non-empty string is expected' }) : node.string('name'),
      ...authorDetails(node),
    }),
  );
}

/** Discussion fields, shared by create, upsert and update. */
function discussionFields(node: NodeReader): DiscussionFieldsInput {
  return defined({
    discussionReference: node.nullableNonEmpty('discussion_reference'),
    title: node.nullableString('title', false),
    url: node.url('url'),
    isClosed: node.boolean('is_closed'),
    isTrashed: node.boolean('is_trashed'),
    realm: node.nullableString('realm', false),
    allowCreateDiscussionReference: node.boolean('allow_create_discussion_reference'),
  });
}

/** The body of POST /loudvoice/discussions.json and of discussion updates. */
export function readDiscussion(body: unknown): BodyResult<DiscussionFieldsInput> {
  return readWrapped(body, 'discussion', discussionFields);
}

/** The body of PUT /loudvoice/discussions.json: discussion_reference is required (LDV-DISCUSSION-UPSERT-REFERENCE-REQUIRED). */
export function readDiscussionUpsert(body: unknown): BodyResult<{ reference: string; fields: DiscussionFieldsInput }> {
  return readWrapped(body, 'discussion', (node) => {
    const raw = node.raw('discussion_reference');
    if (raw === undefined || raw === null || raw === '') return node.fail('NODE_MISSING', 'discussion_reference');
    const fields = discussionFields(node);
    return fields.discussionReference ? { reference: fields.discussionReference, fields } : undefined;
  });
}

/** The author of a comment: by token, by identity, by reference with details, or a guest (LDV-COMMENT-AUTHOR-VARIANTS). */
function commentAuthor(node: NodeReader): CommentAuthorInput | undefined {
  const hasToken = node.has('author_token') && node.raw('author_token') !== '';
  const hasIdentity = node.has('identity_token') && node.raw('identity_token') !== '';
  if (hasToken && hasIdentity) return node.fail('NODE_INVALID', '', { reason: 'send either author_token or identity_token, not both' });
  if (hasToken) {
    const authorToken = node.token('author_token');
    return authorToken === undefined ? undefined : { kind: 'token', authorToken };
  }
  if (hasIdentity) {
    const identityToken = node.token('identity_token');
    return identityToken === undefined ? undefined : { kind: 'identity', identityToken };
  }
  const reference = node.nullableString('author_reference', true);
  if (reference) return { kind: 'reference', authorReference: reference, fields: authorDetails(node) };
  // A guest has a name, an email and URLs, nothing else: any other field (description) is unknown, so ignored.
  const name = node.requiredString('name');
  const email = node.email('email');
  const pictureUrl = node.url('picture_url');
  const websiteUrl = node.url('website_url');
  if (name === undefined) return undefined;
  return { kind: 'guest', name, email: email ?? null, pictureUrl: pictureUrl ?? null, websiteUrl: websiteUrl ?? null };
}

/** Comment fields; `write` (POST/PUT on comments.json) requires text and author. */
function commentFields(node: NodeReader, write: boolean): CommentFieldsInput {
  const authorNode = node.object('author', write);
  return defined({
    commentToken: node.pluginTokenRef('comment_token'),
    commentReference: node.nullableString('comment_reference', true),
    parentCommentToken: node.pluginTokenRef('parent_comment_token'),
    parentCommentReference: node.nullableString('parent_comment_reference', true),
    text: write ? node.requiredString('text') : node.string('text'),
    ipAddress: node.nullableString('ip_address', true),
    hasBeenApproved: node.boolean('has_been_approved'),
    isSpam: node.boolean('is_spam'),
    isTrashed: node.boolean('is_trashed'),
    author: authorNode ? commentAuthor(authorNode) : undefined,
  });
}

/** The discussion node of a comment write: the token wins, else the reference (LDV-COMMENT-DISCUSSION-BY-REFERENCE). */
function discussionRef(node: NodeReader): DiscussionRefInput | undefined {
  if (node.has('discussion_token') && node.raw('discussion_token') !== '') {
    const discussionToken = node.token('discussion_token');
    return discussionToken === undefined ? undefined : { kind: 'token', discussionToken };
  }
  if (node.has('discussion_reference') && node.raw('discussion_reference') !== '') {
    const discussionReference = node.string('discussion_reference');
    const title = node.nullableString('title', false);
    const url = node.url('url');
    const allowCreate = node.boolean('allow_create_discussion_reference');
    if (discussionReference === undefined) return undefined;
    return defined({ kind: 'reference' as const, discussionReference, title, url, allowCreate: allowCreate ?? false });
  }
  return node.fail('NODE_MISSING', 'discussion_token');
}

/** The body of POST and PUT /loudvoice/comments.json. */
export function readCommentWrite(body: unknown): BodyResult<CommentWriteInput> {
  const request = openRequest(body);
  if (!(request instanceof NodeReader)) return fail(request.code, request.detail);
  const discussionNode = request.object('discussion', true);
  const commentNode = request.object('comment', true);
  const discussion = discussionNode ? discussionRef(discussionNode) : undefined;
  const comment = commentNode ? commentFields(commentNode, true) : undefined;
  if (request.problem) return fail(request.problem.code, request.problem.detail);
  return ok({ discussion: discussion!, comment: comment as CommentWriteInput['comment'] });
}

/** The body of PUT /loudvoice/comments/{comment_token}.json: a partial update; a discussion node is ignored. */
export function readCommentUpdate(body: unknown): BodyResult<CommentFieldsInput> {
  return readWrapped(body, 'comment', (node) => commentFields(node, false));
}
