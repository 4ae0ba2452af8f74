import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LoudVoiceSite, Selector } from '../../core/loudvoice/loudvoice-site.js';
import type { Upserted } from '../../core/loudvoice/inputs.js';
import type { AuthorSessionView, AuthorView } from '../../core/loudvoice/views.js';
import { fail, ok, type Result } from '../../core/result.js';
import type { ErrorCode } from '../../generated/loudvoice-catalogue.js';
import type { components } from '../../generated/loudvoice.js';
import type { ApiSelection } from '../api-paths.js';
import { UnreadableBody } from '../request-body.js';
import type { ServerState } from '../server-state.js';
import { lacksLoudVoiceCredentials, siteOf } from './loudvoice-auth.js';
import {
  readAuthor,
  readCommentUpdate,
  readCommentWrite,
  readDiscussion,
  readDiscussionUpsert,
  readSessionStart,
} from './loudvoice-bodies.js';
import { resultStatusOf, sendLoudVoiceData, type SendLoudVoiceError } from './loudvoice-envelope.js';
import { rfc2822 } from './rfc2822.js';
import {
  authorNode as plainAuthorNode,
  authorNodeWithExtras,
  commentNode,
  discussionNode,
  listNode,
  sessionNode as plainSessionNode,
  sessionNodeWithExtras,
  type DataOf,
} from './loudvoice-nodes.js';
import { readConfirmDeletion, readDeleteSubComments, readPage as readPageParams, readReference, readSessionFilter, type Query } from './loudvoice-query.js';

type Schemas = components['schemas'];

/** What the LoudVoice routes need from the server. */
export interface LoudVoiceRouteDeps {
  state: ServerState;
  now: () => number;
  /** Which APIs the server answers: decides which paths are LoudVoice's (and so need its credentials). */
  api: ApiSelection;
  /** How this server writes a LoudVoice error (the catalogue mapped to the wire once, variants included). */
  sendError: SendLoudVoiceError;
}

/** What a handler answers: a status and the result.data node, or a catalogue error. */
type Answer = Result<{ status: 200 | 201; data: Record<string, unknown> }, ErrorCode>;

/** The path, query and body of a request, with the site it authenticated for. */
interface Call {
  site: LoudVoiceSite;
  params: Record<string, string>;
  query: Query;
  /** The parsed body (an UnreadableBody when it could not be read) and the Content-Type it came with. */
  body: unknown;
  contentType: string | undefined;
}

/**
 * A LoudVoice write as a store commits it: the route and the request's data. Every instance runs the same route
 * handler on it (the handler is a pure function of the site's state, the clock and the ids), so each site model
 * stays one model, fed the same requests in the same order.
 */
interface LoudVoiceCommand {
  k: 'ldv';
  /** `METHOD url` of the route. */
  route: string;
  site: string;
  params: Record<string, string>;
  query: Query;
  body?: unknown;
  /** An unreadable body: why, and whether it was the media type (415) or the syntax (400). */
  unreadable?: { reason: string; kind: 'syntax' | 'media' };
  contentType?: string;
}

const success = <D extends Record<string, unknown>>(status: 200 | 201, data: D): Answer => ok({ status, data });
const upserted = <V, D extends Record<string, unknown>>(result: Result<Upserted<V>, ErrorCode>, data: (value: V) => D): Answer =>
  result.ok ? success(result.value.created ? 201 : 200, data(result.value.value)) : result;
const found = <V, D extends Record<string, unknown>>(result: Result<V, ErrorCode>, data: (value: V) => D): Answer =>
  result.ok ? success(200, data(result.value)) : result;

/**
 * The body as JSON, or why not: 415 for a non-JSON media type, 400 when it does not parse. These come before query
 * and body-node checks (LDV-ERROR-PRECEDENCE).
 */
function readableBody(call: Call): Result<unknown, ErrorCode> {
  const body = call.body;
  if (body instanceof UnreadableBody) {
    if (body.kind === 'media') return fail('UNSUPPORTED_MEDIA_TYPE', { content_type: call.contentType ?? '' });
    return fail('BODY_NOT_JSON');
  }
  // Test-only fault loudvoice-unwrapped-body-accepted: `body.request ?? body`, so a bare resource node is read too.
  if (isUnwrapped(body) && call.site.fault('loudvoice-unwrapped-body-accepted')) return ok({ request: body });
  return body === undefined ? fail('BODY_NOT_JSON') : ok(body);
}

/** A JSON object without a `request` node. */
function isUnwrapped(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && (body as Record<string, unknown>)['request'] === undefined;
}

/** Chains checks in the precedence order: the first failure is the answer. */
function then<A>(first: Result<A, ErrorCode>, next: (value: A) => Answer): Answer {
  return first.ok ? next(first.value) : first;
}

/** Registers the LoudVoice API: Basic auth on every LoudVoice path, then each operation of the contract. */
export function registerLoudVoiceRoutes(app: FastifyInstance, deps: LoudVoiceRouteDeps): void {
  const { state, now, sendError: sendLoudVoiceError } = deps;
  /** The handler of each route by `METHOD url`: what a committed command names. */
  const handlers = new Map<string, (call: Call) => Answer>();
  // The test-only variants that shape this API's answers (src/core/variants.ts); all off in a normal run.
  const routingBeforeAuth = state.variant('loudvoice-routing-before-auth');
  const extras = state.variant('extra-response-fields');
  const cappedPages = state.variant('loudvoice-page-size-capped');
  const unboundedExpiresIn = state.variant('loudvoice-expires-in-unbounded');
  const authorNode: (a: AuthorView) => Schemas['AuthorNode'] = extras ? authorNodeWithExtras : plainAuthorNode;
  const sessionNode: (s: AuthorSessionView) => Schemas['AuthorSessionNode'] = extras ? sessionNodeWithExtras : plainSessionNode;
  const readPage = (query: Query) => readPageParams(query, cappedPages);

  // Credentials come before everything else, unknown paths and wrong methods included (LDV-AUTH-BASIC-EVERY-CALL);
  // under the loudvoice-routing-before-auth variant an unknown path is answered 404 first.
  // A callback hook, not an async one: it runs on every request, and a promise per request is measurable.
  app.addHook('onRequest', (request, reply, done) => {
    if ((routingBeforeAuth && request.is404) || !lacksLoudVoiceCredentials(state.loudvoice, request, deps.api)) return done();
    sendLoudVoiceError(request, reply, now(), 'CREDENTIALS_INVALID');
  });

  const registerRoute = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, handler: (call: Call) => Answer) => {
    const key = `${method} ${url}`;
    handlers.set(key, handler);
    app.route({
      method,
      url,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const site = siteOf(request);
        if (!site) return sendLoudVoiceError(request, reply, now(), 'CREDENTIALS_INVALID');
        const params = request.params as Record<string, string>;
        const query = request.query as Query;
        let answer: Answer;
        if (method === 'GET') {
          // A read: brought up to date first, then answered from this instance's core (the site looked up again, in
          // case a reset replaced it meanwhile).
          await state.store.sync();
          const current = state.loudvoice.site(site.seed.subdomain) ?? site;
          answer = handler({ site: current, params, query, body: request.body, contentType: request.headers['content-type'] });
        } else {
          answer = (await state.store.commit(commandOf(key, site.seed.subdomain, params, query, request))) as Answer;
        }
        // Test-only fault loudvoice-date-format (src/core/faults.ts): the envelope date in ISO 8601.
        const formatDate = site.fault('loudvoice-date-format') ? (ms: number) => new Date(ms).toISOString() : rfc2822;
        if (!answer.ok) return sendLoudVoiceError(request, reply, now(), answer.error, answer.detail, formatDate);
        const { status, data } = answer.value;
        return sendLoudVoiceData(request, reply, now(), status, data, formatDate, extras ? resultStatusOf(data) : undefined);
      },
    });
  };
  const route = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, handler: (call: Call) => Answer) => registerRoute(method, url, handler);

  // Every instance applies a committed write by running the same handler on the request's data.
  state.onCommand('ldv', (command) => {
    const c = command as unknown as LoudVoiceCommand;
    const site = state.loudvoice.site(c.site);
    const handler = handlers.get(c.route);
    if (!site || !handler) throw new Error(`a LoudVoice command names no site or route of this server: ${c.site} ${c.route}`);
    const body = c.unreadable ? new UnreadableBody(c.unreadable.reason, c.unreadable.kind) : c.body;
    return handler({ site, params: c.params, query: c.query, body, contentType: c.contentType });
  });

  /** A DELETE: query checks, then confirm_deletion, then the lookup (LDV-ERROR-PRECEDENCE, LDV-DELETE-CONFIRM). */
  const deletion = (call: Call, remove: () => Answer) =>
    call.site.fault('loudvoice-delete-without-confirm') ? remove() : then(readConfirmDeletion(call.query), remove);

  route('GET', '/tools/ping.json', () => success(200, {} satisfies DataOf<'PingEnvelope'>));

  // ---- Authors ----
  const authorData = (a: Parameters<typeof authorNode>[0]) => ({ author: authorNode(a) }) satisfies DataOf<'AuthorEnvelope'>;
  const byAuthorReference = (call: Call) => readReference(call.query, 'author_reference');

  route('GET', '/loudvoice/authors.json', (c) =>
    then(readPage(c.query), (page) => success(200, { authors: listNode(c.site.listAuthors(page), authorNode) } satisfies DataOf<'AuthorListEnvelope'>)),
  );
  route('POST', '/loudvoice/authors.json', (c) =>
    then(readableBody(c), (body) =>
      then(readAuthor(body), (fields) => {
        const created = c.site.createAuthor(fields);
        return created.ok ? success(201, authorData(created.value)) : created;
      }),
    ),
  );
  const authorRoutes = (url: string, selector: (c: Call) => Result<Selector, ErrorCode>) => {
    route('GET', url, (c) => then(selector(c), (sel) => found(c.site.getAuthor(sel), authorData)));
    route('PUT', url, (c) =>
      then(readableBody(c), (body) => then(selector(c), (sel) => then(readAuthor(body), (fields) => found(c.site.updateAuthor(sel, fields), authorData)))),
    );
    route('DELETE', url, (c) => then(selector(c), (sel) => deletion(c, () => found(c.site.deleteAuthor(sel), authorData))));
  };
  authorRoutes('/loudvoice/authors/author.json', (c) => then2(byAuthorReference(c), (reference) => ({ reference })));
  authorRoutes('/loudvoice/authors/:author_token.json', (c) => ok({ token: c.params['author_token']! }));

  // ---- Author sessions ----
  const sessionData = (s: Parameters<typeof sessionNode>[0]) => ({ author_session: sessionNode(s) }) satisfies DataOf<'AuthorSessionEnvelope'>;
  route('GET', '/loudvoice/authors/sessions.json', (c) =>
    then(readSessionFilter(c.query), (authorToken) =>
      then(readPage(c.query), (page) =>
        success(200, { author_sessions: listNode(c.site.listSessions(page, authorToken), sessionNode) } satisfies DataOf<'AuthorSessionListEnvelope'>),
      ),
    ),
  );
  route('PUT', '/loudvoice/authors/sessions.json', (c) =>
    then(readableBody(c), (body) => then(readSessionStart(body, unboundedExpiresIn), (input) => upserted(c.site.startSession(input), sessionData))),
  );
  route('DELETE', '/loudvoice/authors/sessions/:author_session_token.json', (c) =>
    deletion(c, () => found(c.site.deleteSession(c.params['author_session_token']!), sessionData)),
  );

  // ---- Discussions ----
  const discussionData = (d: Parameters<typeof discussionNode>[0]) => ({ discussion: discussionNode(d) }) satisfies DataOf<'DiscussionEnvelope'>;
  route('GET', '/loudvoice/discussions.json', (c) =>
    then(readPage(c.query), (page) =>
      success(200, { discussions: listNode(c.site.listDiscussions(page), discussionNode) } satisfies DataOf<'DiscussionListEnvelope'>),
    ),
  );
  route('POST', '/loudvoice/discussions.json', (c) =>
    then(readableBody(c), (body) =>
      then(readDiscussion(body), (fields) => {
        const created = c.site.createDiscussion(fields);
        return created.ok ? success(201, discussionData(created.value)) : created;
      }),
    ),
  );
  route('PUT', '/loudvoice/discussions.json', (c) =>
    then(readableBody(c), (body) =>
      then(readDiscussionUpsert(body), ({ reference, fields }) => upserted(c.site.upsertDiscussion(reference, fields), discussionData)),
    ),
  );
  const discussionRoutes = (url: string, selector: (c: Call) => Result<Selector, ErrorCode>) => {
    route('GET', url, (c) => then(selector(c), (sel) => found(c.site.getDiscussion(sel), discussionData)));
    route('PUT', url, (c) =>
      then(readableBody(c), (body) =>
        then(selector(c), (sel) => then(readDiscussion(body), (fields) => found(c.site.updateDiscussion(sel, fields), discussionData))),
      ),
    );
    route('DELETE', url, (c) => then(selector(c), (sel) => deletion(c, () => found(c.site.deleteDiscussion(sel), discussionData))));
  };
  const byDiscussionReference = (c: Call) => then2(readReference(c.query, 'discussion_reference'), (reference) => ({ reference }));
  const byDiscussionToken = (c: Call) => ok({ token: c.params['discussion_token']! });
  discussionRoutes('/loudvoice/discussions/discussion.json', byDiscussionReference);
  discussionRoutes('/loudvoice/discussions/:discussion_token.json', byDiscussionToken);

  // The seed's path, OneAll's examples' path and the reference form all list a discussion's comments.
  const discussionComments = (selector: (c: Call) => Result<Selector, ErrorCode>) => (c: Call) =>
    then(selector(c), (sel) =>
      then(readPage(c.query), (page) => found(c.site.listDiscussionComments(sel, page), (p) => ({ comments: listNode(p, commentNode) }) satisfies DataOf<'CommentListEnvelope'>)),
    );
  route('GET', '/loudvoice/comments/:discussion_token/comments.json', discussionComments(byDiscussionToken));
  route('GET', '/loudvoice/discussions/:discussion_token/comments.json', discussionComments(byDiscussionToken));
  route('GET', '/loudvoice/discussions/discussion/comments.json', discussionComments(byDiscussionReference));

  // ---- Comments ----
  const commentData = (v: Parameters<typeof commentNode>[0]) => ({ comment: commentNode(v) }) satisfies DataOf<'CommentEnvelope'>;
  route('GET', '/loudvoice/comments.json', (c) =>
    then(readPage(c.query), (page) => success(200, { comments: listNode(c.site.listComments(page), commentNode) } satisfies DataOf<'CommentListEnvelope'>)),
  );
  route('POST', '/loudvoice/comments.json', (c) =>
    then(readableBody(c), (body) => then(readCommentWrite(body), (input) => upserted(c.site.writeComment(input, 'create'), commentData))),
  );
  route('PUT', '/loudvoice/comments.json', (c) =>
    then(readableBody(c), (body) => then(readCommentWrite(body), (input) => upserted(c.site.writeComment(input, 'upsert'), commentData))),
  );
  route('GET', '/loudvoice/comments/:comment_token.json', (c) => found(c.site.getComment(c.params['comment_token']!), commentData));
  route('PUT', '/loudvoice/comments/:comment_token.json', (c) =>
    then(readableBody(c), (body) => then(readCommentUpdate(body), (fields) => found(c.site.updateComment(c.params['comment_token']!, fields), commentData))),
  );
  route('DELETE', '/loudvoice/comments/:comment_token.json', (c) =>
    then(readDeleteSubComments(c.query), (deleteSub) => deletion(c, () => found(c.site.deleteComment(c.params['comment_token']!, deleteSub), commentData))),
  );
}

/** The command of a LoudVoice write: the route and the request's data, as plain JSON. */
function commandOf(route: string, site: string, params: Record<string, string>, query: Query, request: FastifyRequest): LoudVoiceCommand {
  const command: LoudVoiceCommand = { k: 'ldv', route, site, params, query };
  const body = request.body;
  if (body instanceof UnreadableBody) {
    command.unreadable = { reason: body.reason, kind: body.kind };
    if (request.headers['content-type'] !== undefined) command.contentType = request.headers['content-type'];
  } else if (body !== undefined) command.body = body;
  return command;
}

/** Maps a successful result's value. */
function then2<A, B>(result: Result<A, ErrorCode>, map: (value: A) => B): Result<B, ErrorCode> {
  return result.ok ? ok(map(result.value)) : result;
}
