import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LoudVoiceCommand, LoudVoiceOperation, LoudVoiceResultOf } from '../../core/loudvoice/loudvoice-commands.js';
import type { LoudVoiceSite, Selector } from '../../core/loudvoice/loudvoice-site.js';
import type { Upserted } from '../../core/loudvoice/inputs.js';
import type { AuthorSessionView, AuthorView } from '../../core/loudvoice/views.js';
import { fail, ok, type Result } from '../../core/result.js';
import type { ErrorCode } from '../../generated/loudvoice-catalogue.js';
import type { components } from '../../generated/loudvoice.js';
import type { ApiSelection } from '../api-paths.js';
import { UnreadableBody } from '../request-body.js';
import type { ServerState } from '../../state/server-state.js';
import { decorateSiteSlot, lacksLoudVoiceCredentials, siteOf } from './loudvoice-auth.js';
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
 * A LoudVoice write as the edge plans it: every check of the request done (body, query, path, in the precedence
 * order), what is left is the core's domain operation and how its result becomes the answer. Only the operation is
 * committed (src/core/loudvoice/loudvoice-commands.ts): the store's log never holds the request.
 */
interface Write<O extends LoudVoiceOperation = LoudVoiceOperation> {
  operation: O;
  answer: (result: LoudVoiceResultOf<O>) => Answer;
}

/** A write's plan, typed by its operation (the answer reads that operation's result). */
const write = <O extends LoudVoiceOperation>(operation: O, answer: (result: LoudVoiceResultOf<O>) => Answer): Result<Write, ErrorCode> =>
  ok({ operation, answer } as unknown as Write);

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

/** Chains a write's checks in the precedence order: the first failure is the answer, and nothing is committed. */
function thenPlan<A>(first: Result<A, ErrorCode>, next: (value: A) => Result<Write, ErrorCode>): Result<Write, ErrorCode> {
  return first.ok ? next(first.value) : first;
}

/** Registers the LoudVoice API: Basic auth on every LoudVoice path, then each operation of the contract. */
export function registerLoudVoiceRoutes(app: FastifyInstance, deps: LoudVoiceRouteDeps): void {
  const { state, now, sendError: sendLoudVoiceError } = deps;
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
  decorateSiteSlot(app);
  app.addHook('onRequest', (request, reply, done) => {
    if ((routingBeforeAuth && request.is404) || !lacksLoudVoiceCredentials(state.loudvoice, request, deps.api)) return done();
    sendLoudVoiceError(request, reply, now(), 'CREDENTIALS_INVALID');
  });

  /** A read answers from the core; a write is planned here and its domain command committed through the store. */
  type Handler = { read: (call: Call) => Answer } | { write: (call: Call) => Result<Write, ErrorCode> };
  const registerRoute = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, handler: Handler) => {
    app.route({
      method,
      url,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const site = siteOf(request);
        if (!site) return sendLoudVoiceError(request, reply, now(), 'CREDENTIALS_INVALID');
        const params = request.params as Record<string, string>;
        const query = request.query as Query;
        const call = { site, params, query, body: request.body, contentType: request.headers['content-type'] };
        let answer: Answer;
        if ('read' in handler) {
          // A read: brought up to date first, then answered from this instance's core (the site looked up again, in
          // case a reset replaced it meanwhile).
          await state.store.sync();
          answer = handler.read({ ...call, site: state.loudvoice.site(site.seed.subdomain) ?? site });
        } else {
          const planned = handler.write(call);
          if (planned.ok) {
            const command = { k: 'ldv', site: site.seed.subdomain, ...planned.value.operation } as LoudVoiceCommand;
            answer = planned.value.answer((await state.store.commit(command)) as never);
          } else {
            // A refused write changes nothing and is not logged; it still meets the store (one round trip, as every
            // write does), so while the store is down it is a 503 like any other write, and the envelope's date
            // follows the shared clock.
            await state.store.sync();
            answer = planned;
          }
        }
        // Test-only fault loudvoice-date-format (src/core/faults.ts): the envelope date in ISO 8601.
        const formatDate = site.fault('loudvoice-date-format') ? (ms: number) => new Date(ms).toISOString() : rfc2822;
        if (!answer.ok) return sendLoudVoiceError(request, reply, now(), answer.error, answer.detail, formatDate);
        const { status, data } = answer.value;
        return sendLoudVoiceData(request, reply, now(), status, data, formatDate, extras ? resultStatusOf(data) : undefined);
      },
    });
  };
  const route = (method: 'GET', url: string, read: (call: Call) => Answer) => registerRoute(method, url, { read });
  const writeRoute = (method: 'POST' | 'PUT' | 'DELETE', url: string, plan: (call: Call) => Result<Write, ErrorCode>) =>
    registerRoute(method, url, { write: plan });

  /** A DELETE: query checks, then confirm_deletion, then the lookup (LDV-ERROR-PRECEDENCE, LDV-DELETE-CONFIRM). */
  const deletion = (call: Call, remove: () => Result<Write, ErrorCode>) =>
    call.site.fault('loudvoice-delete-without-confirm') ? remove() : thenPlan(readConfirmDeletion(call.query), remove);
  /** Answers of a write's result: 201 for a creation, 201/200 for an upsert, 200 for the rest. */
  const created = <V, D extends Record<string, unknown>>(data: (value: V) => D) => (result: Result<V, ErrorCode>): Answer =>
    result.ok ? success(201, data(result.value)) : result;
  const upsertedAs = <V, D extends Record<string, unknown>>(data: (value: V) => D) => (result: Result<Upserted<V>, ErrorCode>) => upserted(result, data);
  const foundAs = <V, D extends Record<string, unknown>>(data: (value: V) => D) => (result: Result<V, ErrorCode>) => found(result, data);

  route('GET', '/tools/ping.json', () => success(200, {} satisfies DataOf<'PingEnvelope'>));

  // ---- Authors ----
  const authorData = (a: Parameters<typeof authorNode>[0]) => ({ author: authorNode(a) }) satisfies DataOf<'AuthorEnvelope'>;
  const byAuthorReference = (call: Call) => readReference(call.query, 'author_reference');

  route('GET', '/loudvoice/authors.json', (c) =>
    then(readPage(c.query), (page) => success(200, { authors: listNode(c.site.listAuthors(page), authorNode) } satisfies DataOf<'AuthorListEnvelope'>)),
  );
  writeRoute('POST', '/loudvoice/authors.json', (c) =>
    thenPlan(readableBody(c), (body) => thenPlan(readAuthor(body), (fields) => write({ op: 'createAuthor', fields }, created(authorData)))),
  );
  const authorRoutes = (url: string, selector: (c: Call) => Result<Selector, ErrorCode>) => {
    route('GET', url, (c) => then(selector(c), (sel) => found(c.site.getAuthor(sel), authorData)));
    writeRoute('PUT', url, (c) =>
      thenPlan(readableBody(c), (body) =>
        thenPlan(selector(c), (sel) => thenPlan(readAuthor(body), (fields) => write({ op: 'updateAuthor', selector: sel, fields }, foundAs(authorData)))),
      ),
    );
    writeRoute('DELETE', url, (c) => thenPlan(selector(c), (sel) => deletion(c, () => write({ op: 'deleteAuthor', selector: sel }, foundAs(authorData)))));
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
  writeRoute('PUT', '/loudvoice/authors/sessions.json', (c) =>
    thenPlan(readableBody(c), (body) =>
      thenPlan(readSessionStart(body, unboundedExpiresIn), (input) => write({ op: 'startSession', input }, upsertedAs(sessionData))),
    ),
  );
  writeRoute('DELETE', '/loudvoice/authors/sessions/:author_session_token.json', (c) =>
    deletion(c, () => write({ op: 'deleteSession', token: c.params['author_session_token']! }, foundAs(sessionData))),
  );

  // ---- Discussions ----
  const discussionData = (d: Parameters<typeof discussionNode>[0]) => ({ discussion: discussionNode(d) }) satisfies DataOf<'DiscussionEnvelope'>;
  route('GET', '/loudvoice/discussions.json', (c) =>
    then(readPage(c.query), (page) =>
      success(200, { discussions: listNode(c.site.listDiscussions(page), discussionNode) } satisfies DataOf<'DiscussionListEnvelope'>),
    ),
  );
  writeRoute('POST', '/loudvoice/discussions.json', (c) =>
    thenPlan(readableBody(c), (body) => thenPlan(readDiscussion(body), (fields) => write({ op: 'createDiscussion', fields }, created(discussionData)))),
  );
  writeRoute('PUT', '/loudvoice/discussions.json', (c) =>
    thenPlan(readableBody(c), (body) =>
      thenPlan(readDiscussionUpsert(body), ({ reference, fields }) => write({ op: 'upsertDiscussion', reference, fields }, upsertedAs(discussionData))),
    ),
  );
  const discussionRoutes = (url: string, selector: (c: Call) => Result<Selector, ErrorCode>) => {
    route('GET', url, (c) => then(selector(c), (sel) => found(c.site.getDiscussion(sel), discussionData)));
    writeRoute('PUT', url, (c) =>
      thenPlan(readableBody(c), (body) =>
        thenPlan(selector(c), (sel) =>
          thenPlan(readDiscussion(body), (fields) => write({ op: 'updateDiscussion', selector: sel, fields }, foundAs(discussionData))),
        ),
      ),
    );
    writeRoute('DELETE', url, (c) =>
      thenPlan(selector(c), (sel) => deletion(c, () => write({ op: 'deleteDiscussion', selector: sel }, foundAs(discussionData)))),
    );
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
  writeRoute('POST', '/loudvoice/comments.json', (c) =>
    thenPlan(readableBody(c), (body) => thenPlan(readCommentWrite(body), (input) => write({ op: 'writeComment', input, mode: 'create' }, upsertedAs(commentData)))),
  );
  writeRoute('PUT', '/loudvoice/comments.json', (c) =>
    thenPlan(readableBody(c), (body) => thenPlan(readCommentWrite(body), (input) => write({ op: 'writeComment', input, mode: 'upsert' }, upsertedAs(commentData)))),
  );
  route('GET', '/loudvoice/comments/:comment_token.json', (c) => found(c.site.getComment(c.params['comment_token']!), commentData));
  writeRoute('PUT', '/loudvoice/comments/:comment_token.json', (c) =>
    thenPlan(readableBody(c), (body) =>
      thenPlan(readCommentUpdate(body), (fields) => write({ op: 'updateComment', token: c.params['comment_token']!, fields }, foundAs(commentData))),
    ),
  );
  writeRoute('DELETE', '/loudvoice/comments/:comment_token.json', (c) =>
    thenPlan(readDeleteSubComments(c.query), (deleteSubComments) =>
      deletion(c, () => write({ op: 'deleteComment', token: c.params['comment_token']!, deleteSubComments }, foundAs(commentData))),
    ),
  );
}


/** Maps a successful result's value. */
function then2<A, B>(result: Result<A, ErrorCode>, map: (value: A) => B): Result<B, ErrorCode> {
  return result.ok ? ok(map(result.value)) : result;
}
