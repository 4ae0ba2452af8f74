import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { ChaosRules, FiredRule } from '../chaos-rules.js';
import { apiOfPath, isAdminPath, type ApiSelection } from '../../http/api-paths.js';
import { endNamedSession } from './chaos-end-session.js';
import type { SendLiveVoxError } from '../../http/livevox/livevox-errors.js';
import type { SendLoudVoiceError } from '../../http/loudvoice/loudvoice-envelope.js';
import { operationOfRoute } from '../../contract/operation-of-route.js';
import type { ServerState } from '../../state/server-state.js';

/** What the chaos hook needs from the server. */
export interface ChaosHookDeps {
  chaos: ChaosRules;
  api: ApiSelection;
  /** Read at use, not at registration: a reset replaces the state's cores. */
  state: ServerState;
  now: () => number;
  sendLiveVoxError: SendLiveVoxError;
  sendLoudVoiceError: SendLoudVoiceError;
  /**
   * Told when a rule fires on a request, before it acts (so before a drop destroys the socket): how the request
   * journal records `chaos` on the entry (its `noteChaos` fits this signature).
   */
  onFired?: (request: FastifyRequest, reply: FastifyReply, fired: FiredRule) => void;
}

/** The rule that fired on each request, for the request journal; a WeakMap, so nothing outlives its request. */
const fired = new WeakMap<FastifyRequest, FiredRule>();

/** The chaos rule that fired on a request and what it did, if one did (what the request journal records). */
export function chaosOf(request: FastifyRequest): FiredRule | undefined {
  return fired.get(request);
}

/** Each chaos error status as each API's catalogue names it. */
const ERROR_CODES = { 429: 'RATE_LIMITED', 500: 'INTERNAL_ERROR', 502: 'BAD_GATEWAY', 503: 'SERVICE_UNAVAILABLE' } as const;

/**
 * Applies the chaos rules (src/chaos/) to every request of the APIs, never to /__admin or /__idp. Registered before
 * the APIs' own hooks, so a rule acts before credentials are checked, as an overloaded or broken service would. The
 * decision is made when the request arrives (onRequest), so the rules' sequences follow the order requests arrive
 * in; a delay waits on a timer there; end-session acts in preHandler, once the body is read and the LoudVoice site
 * is known.
 */
export function registerChaosHook(app: FastifyInstance, deps: ChaosHookDeps): void {
  const { chaos } = deps;

  // Callback hooks, not async ones: they run on every request, and a promise per request is measurable.
  app.addHook('onRequest', (request, reply, done) => {
    if (!chaos.active || isAdminPath(request.url)) return done();
    const api = apiOfPath(request.url, deps.api);
    const query = request.url.indexOf('?');
    const decision = chaos.decide({
      api,
      method: request.method,
      path: query < 0 ? request.url : request.url.slice(0, query),
      operationId: operationOfRoute(request.method, request.routeOptions.url)?.operationId,
    });
    if (decision.fired) {
      fired.set(request, decision.fired);
      deps.onFired?.(request, reply, decision.fired);
    }
    if (decision.delayMs === 0) return act(request, reply, done, api, decision.fired);
    const release = (closing = false) => {
      waiting.delete(release);
      clearTimeout(timer);
      // Closing: the connection must not stay open for keep-alive once this answer is written, or close() waits on it.
      if (closing) reply.header('connection', 'close');
      act(request, reply, done, api, decision.fired);
    };
    // Node's timers may fire up to a millisecond early (they count from the event loop's cached time), and a delay
    // is promised to be at least its value: wait out what is left.
    const due = performance.now() + decision.delayMs;
    const wake = () => {
      const left = due - performance.now();
      if (left > 0) timer = setTimeout(wake, Math.ceil(left));
      else release();
    };
    let timer = setTimeout(wake, decision.delayMs);
    waiting.add(release);
  });

  // Requests still waiting out a delay go on at once when the server closes: a 10-minute delay must not hold up a
  // shutdown (preClose, because close() waits for requests in flight before onClose runs).
  const waiting = new Set<(closing: boolean) => void>();
  app.addHook('preClose', (done) => {
    for (const release of [...waiting]) release(true);
    done();
  });

  app.addHook('preHandler', (request, _reply, done) => {
    if (fired.get(request)?.action.type === 'end-session') endNamedSession(deps.state, request, apiOfPath(request.url, deps.api));
    done();
  });

  /** After any delay: an error answer, a dropped connection, or on to the handler. */
  function act(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, api: 'livevox' | 'loudvoice', rule: FiredRule | undefined): void {
    const action = rule?.action;
    if (action?.type === 'drop') {
      reply.hijack();
      // The socket is gone already if the client gave up during a delay.
      (request.raw.socket as typeof request.raw.socket | null)?.destroy();
      return;
    }
    if (action?.type !== 'error') return done();
    const code = ERROR_CODES[action.status];
    if (action.status === 429 || action.status === 503) {
      const seconds = String(action.retryAfterSeconds);
      reply.header('retry-after', seconds);
      if (api === 'loudvoice') deps.sendLoudVoiceError(request, reply, deps.now(), code, { retry_after: seconds });
      else deps.sendLiveVoxError(reply, code, { reason: `retry after ${seconds} s` });
      return;
    }
    if (api === 'loudvoice') deps.sendLoudVoiceError(request, reply, deps.now(), code);
    else deps.sendLiveVoxError(reply, code);
  }
}
