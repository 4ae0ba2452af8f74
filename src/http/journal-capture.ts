// The journal's fastify edge: three small hooks that capture each exchange by reference (times on arrival, the
// payload on send, the rest when the response has finished) and hand it to the journal. Nothing here parses,
// copies, redacts or judges: that happens when an entry is read (src/journal/). Admin and identity-provider
// requests are not journaled.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChaosNote, Exchange } from '../journal/entry.js';
import type { RequestJournal } from '../journal/journal.js';
import type { Clock } from '../core/ports.js';
import { apiOfPath, isAdminPath, type ApiSelection } from './api-paths.js';

/** Largest request or response body a journal entry keeps, in characters; longer ones are cut (`bodyTruncated`). */
export const JOURNAL_BODY_CAP = 64 * 1024;

/** What is known of a request while it is in flight. */
interface Pending {
  serverTime: number;
  wallTime: number;
  body: string | null;
  bodyTruncated: boolean;
  payload: unknown;
  chaos: ChaosNote | null;
  recorded: boolean;
}

const kPending = Symbol('session-kit.journal.pending');
type Carrier = FastifyRequest & { [kPending]: Pending | null };

/** What the capture needs: where entries go, the server clock, and which APIs this server answers. */
export interface JournalCaptureDeps {
  journal: RequestJournal;
  clock: Clock;
  api: ApiSelection;
}

/**
 * Records on a request's journal entry what a chaos rule did to it. For a dropped connection (`action.type: "drop"`),
 * call it before destroying the socket: the entry is then recorded when the socket closes, with status 0, as no
 * response will finish. A no-op for requests the journal does not record (journal off, admin paths).
 */
export type NoteChaos = (request: FastifyRequest, reply: FastifyReply, note: ChaosNote) => void;

/** The NoteChaos of a server without a journal. */
export const IGNORE_CHAOS_NOTES: NoteChaos = () => {};

/**
 * Registers the capture hooks, and returns how the chaos layer records its actions on entries. Register before any
 * other hook or route, so that every exchange (a LoudVoice credentials refusal or a CORS preflight answered in an
 * earlier hook included) is seen from its start.
 */
export function registerJournalCapture(app: FastifyInstance, deps: JournalCaptureDeps): { noteChaos: NoteChaos } {
  const { journal, clock } = deps;
  app.decorateRequest(kPending, null);

  app.addHook('onRequest', (request, _reply, done) => {
    if (!isAdminPath(request.url)) (request as Carrier)[kPending] = pendingOf(clock);
    done();
  });
  app.addHook('onSend', (request, _reply, payload, done) => {
    const pending = (request as Carrier)[kPending];
    if (pending) pending.payload = payload;
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const pending = (request as Carrier)[kPending];
    if (pending && !pending.recorded) {
      pending.recorded = true;
      journal.record(exchangeOf(request, reply, pending, reply.statusCode, deps.api));
    }
    done();
  });

  const noteChaos: NoteChaos = (request, reply, note) => {
    const pending = (request as Carrier)[kPending];
    if (!pending) return;
    pending.chaos = note;
    if ((note.action as { type?: unknown } | null)?.type === 'drop') {
      reply.raw.once('close', () => {
        if (pending.recorded) return;
        pending.recorded = true;
        journal.record(exchangeOf(request, reply, pending, 0, deps.api));
      });
    }
  };
  return { noteChaos };
}

/**
 * Keeps the raw request body of a journaled request (the body parser calls this with the text it read). Bodies
 * longer than the cap are cut, and copied so the entry does not hold the whole original.
 */
export function keepRequestBody(request: FastifyRequest, text: string): void {
  const pending = (request as Carrier)[kPending];
  if (!pending) return;
  if (text.length > JOURNAL_BODY_CAP) {
    pending.body = flatCopy(text.slice(0, JOURNAL_BODY_CAP));
    pending.bodyTruncated = true;
  } else pending.body = text;
}

function pendingOf(clock: Clock): Pending {
  return { serverTime: clock.now(), wallTime: Date.now(), body: null, bodyTruncated: false, payload: undefined, chaos: null, recorded: false };
}

function exchangeOf(request: FastifyRequest, reply: FastifyReply, pending: Pending, status: number, api: ApiSelection): Exchange {
  const url = request.url;
  const q = url.indexOf('?');
  const { text, truncated } = status === 0 ? { text: null, truncated: false } : payloadText(pending.payload);
  return {
    serverTime: pending.serverTime,
    wallTime: pending.wallTime,
    durationMs: Math.round(reply.elapsedTime * 1000) / 1000,
    api: apiOfPath(url, api),
    chaos: pending.chaos,
    method: request.method,
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    headers: request.headers,
    body: pending.body,
    bodyTruncated: pending.bodyTruncated,
    route: request.is404 ? null : (request.routeOptions.url ?? null),
    status,
    // The headers as written to the socket (fastify's own have all been flushed to it by now): one copy, no merge.
    responseHeaders: status === 0 ? {} : reply.raw.getHeaders(),
    responseBody: text,
    responseBodyTruncated: truncated,
  };
}

/** The response body as text, capped; null for no body or one that is a stream (never sent by this server). */
function payloadText(payload: unknown): { text: string | null; truncated: boolean } {
  if (typeof payload === 'string') {
    return payload.length > JOURNAL_BODY_CAP ? { text: flatCopy(payload.slice(0, JOURNAL_BODY_CAP)), truncated: true } : { text: payload, truncated: false };
  }
  if (Buffer.isBuffer(payload)) {
    const truncated = payload.length > JOURNAL_BODY_CAP;
    return { text: payload.subarray(0, JOURNAL_BODY_CAP).toString('utf8'), truncated };
  }
  return { text: null, truncated: false };
}

/** A copy that does not keep its (much longer) source alive, as a V8 slice would. */
const flatCopy = (s: string) => Buffer.from(s, 'utf8').toString('utf8');
