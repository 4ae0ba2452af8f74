// The journal's fastify edge: it captures each exchange and hands it to the journal. Kept as cheap as it can be,
// since it runs on every request: one short-lived object per request (created on arrival, filled in as the request
// goes, written into the journal's buffer as it is sent), the route from a wrapper around each handler (no
// routeOptions object per request), and no onResponse hook (which would make fastify attach listeners to every
// response). Nothing is parsed, redacted or judged here: that happens when an entry is read (src/journal/). Admin and
// identity-provider requests are not journaled, nor a request whose path fastify cannot decode (it answers those
// from its frameworkErrors handler, which runs no hook).
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Clock } from '../core/ports.js';
import type { ChaosNote, Exchange } from '../journal/entry.js';
import type { RequestJournal } from '../journal/journal.js';
import { apiOfPath, isAdminPath, type ApiSelection } from './api-paths.js';

/** Largest request or response body a journal entry keeps, in characters; longer ones are cut (`bodyTruncated`). */
export const JOURNAL_BODY_CAP = 64 * 1024;

/** An exchange in flight: the entry-to-be, with when it started (for its duration) and whether it was recorded. */
interface Capture extends Exchange {
  startedAt: number;
  recorded: boolean;
}

const kCapture = Symbol('session-kit.journal.capture');
type Carrier = FastifyRequest & { [kCapture]: Capture | null };

/** What the capture needs: where entries go, the server clock, and which APIs this server answers. */
export interface JournalCaptureDeps {
  journal: RequestJournal;
  clock: Clock;
  api: ApiSelection;
  /** Called with each exchange as recorded and the id the journal gave it (the journal file queues it here). */
  onRecorded?: (id: number, exchange: Exchange) => void;
}

/**
 * Records on a request's journal entry what a chaos rule did to it. For a dropped connection (`action.type: "drop"`),
 * call it before destroying the socket: the entry is then recorded when the socket closes, with status 0, as no
 * response is sent. A no-op for requests the journal does not record (journal off, admin paths).
 */
export type NoteChaos = (request: FastifyRequest, reply: FastifyReply, note: ChaosNote) => void;

/** The NoteChaos of a server without a journal. */
export const IGNORE_CHAOS_NOTES: NoteChaos = () => {};

/**
 * Registers the capture, and returns how the chaos layer records its actions on entries. Register before any other
 * hook or route: every exchange (a LoudVoice credentials refusal or a CORS preflight answered in an earlier hook
 * included) is then seen from its arrival, and every route's handler is wrapped.
 */
export function registerJournalCapture(app: FastifyInstance, deps: JournalCaptureDeps): { noteChaos: NoteChaos } {
  const { journal, clock, onRecorded } = deps;
  const record = onRecorded ? (x: Capture) => onRecorded(journal.record(x), x) : (x: Capture) => void journal.record(x);
  app.decorateRequest(kCapture, null);

  app.addHook('onRequest', (request, _reply, done) => {
    const url = request.url;
    if (!isAdminPath(url)) (request as Carrier)[kCapture] = arrival(request, url, clock, deps.api);
    done();
  });

  // The route that answers is known to its handler for free; asking fastify for it (request.routeOptions) would
  // build an object of thirteen fields on every request. A request answered before its handler (a credentials
  // refusal in a hook) has no route: the verdict then finds its operation by the contract's own templates.
  app.addHook('onRoute', (route) => {
    const url = route.url;
    const handler = route.handler as (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) => unknown;
    route.handler = function journaled(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const capture = (request as Carrier)[kCapture];
      if (capture) capture.route = url;
      return handler.call(this, request, reply);
    } as RouteHandlerMethod;
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    const capture = (request as Carrier)[kCapture];
    if (!capture || capture.recorded) return done(null, payload);
    capture.recorded = true;
    capture.durationMs = Math.round((performance.now() - capture.startedAt) * 1000) / 1000;
    capture.status = reply.statusCode;
    capture.responseHeaders = headerLines(reply.getHeaders());
    keepResponseBody(capture, payload);
    record(capture);
    done(null, payload);
  });

  const noteChaos: NoteChaos = (request, reply, note) => {
    const capture = (request as Carrier)[kCapture];
    if (!capture) return;
    capture.chaos = note;
    if ((note.action as { type?: unknown } | null)?.type === 'drop') {
      reply.raw.once('close', () => {
        if (capture.recorded) return;
        capture.recorded = true;
        capture.durationMs = Math.round((performance.now() - capture.startedAt) * 1000) / 1000;
        capture.status = 0;
        record(capture);
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
  const capture = (request as Carrier)[kCapture];
  if (!capture) return;
  if (text.length > JOURNAL_BODY_CAP) {
    capture.body = flatCopy(text.slice(0, JOURNAL_BODY_CAP));
    capture.bodyTruncated = true;
  } else capture.body = text;
}

/** The capture of a request that just arrived; every field is set here, so all captures share one shape. */
function arrival(request: FastifyRequest, url: string, clock: Clock, api: ApiSelection): Capture {
  return {
    startedAt: performance.now(),
    recorded: false,
    serverTime: clock.now(),
    wallTime: Date.now(),
    durationMs: 0,
    api: apiOfPath(url, api),
    chaos: null,
    method: request.method,
    url,
    // Node's raw header list joined: one native call, and no header name or value can hold a line break.
    requestHeaders: request.raw.rawHeaders.join('\n'),
    body: null,
    bodyTruncated: false,
    route: null,
    status: 0,
    responseHeaders: '',
    responseBody: null,
    responseBodyTruncated: false,
    responseBodyBytes: null,
  };
}

/**
 * Keeps the response body, capped: the string sent (a reference; its byte length is worked out when the entry is
 * read), or bytes; none for an empty body or a stream (never sent by this server).
 */
function keepResponseBody(capture: Capture, payload: unknown): void {
  if (typeof payload === 'string') {
    if (payload === '') return;
    if (payload.length > JOURNAL_BODY_CAP) {
      capture.responseBodyBytes = Buffer.byteLength(payload);
      capture.responseBody = flatCopy(payload.slice(0, JOURNAL_BODY_CAP));
      capture.responseBodyTruncated = true;
    } else capture.responseBody = payload;
  } else if (Buffer.isBuffer(payload)) {
    capture.responseBodyBytes = payload.length;
    // A cut body is copied, so the entry does not hold the whole original.
    capture.responseBody = payload.length > JOURNAL_BODY_CAP ? Buffer.from(payload.subarray(0, JOURNAL_BODY_CAP)) : payload;
    capture.responseBodyTruncated = payload.length > JOURNAL_BODY_CAP;
  }
}

/** Response headers as `name\nvalue` lines, the form the journal keeps request headers in (see Exchange). */
function headerLines(headers: Record<string, string | number | string[] | undefined>): string {
  let lines = '';
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) lines += `${lines === '' ? '' : '\n'}${name}\n${v}`;
    else lines += `${lines === '' ? '' : '\n'}${name}\n${value}`;
  }
  return lines;
}

/** A copy that does not keep its (much longer) source alive, as a V8 slice would. */
const flatCopy = (s: string) => Buffer.from(s, 'utf8').toString('utf8');
