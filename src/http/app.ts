import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import FindMyWay from 'find-my-way';
import { METHODS, ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Fixtures } from '../config/fixtures.js';
import { NO_FAULTS, type FaultSet } from '../core/faults.js';
import { NO_VARIANTS, type VariantSet } from '../core/variants.js';
import type { IdSource } from '../core/ports.js';
import type { ControlledClock } from '../runtime/clock.js';
import { IdTokenVerifier } from '../sso/id-token-verifier.js';
import { TestIdentityProvider } from '../sso/test-identity-provider.js';
import type { JWK } from 'jose';
import { registerAdminRoutes, registerHealthRoute } from '../admin/http/admin-routes.js';
import { registerAdminGuard } from '../admin/http/admin-guard.js';
import { registerConsoleRoutes } from '../admin/http/console-routes.js';
import { ChaosRules, type LatencyRange } from '../chaos/chaos-rules.js';
import { registerChaosHook } from '../chaos/http/chaos-hook.js';
import { registerChaosRoutes } from '../chaos/http/chaos-routes.js';
import { apiOfPath, isAdminPath, type ApiSelection } from './api-paths.js';
import { liveVoxErrorSender } from './livevox/livevox-errors.js';
import { authBeforeRouting, LIVEVOX_VERSIONS, registerLiveVoxRoutes } from './livevox/livevox-routes.js';
import { lacksLoudVoiceCredentials, siteOf } from './loudvoice/loudvoice-auth.js';
import { loudVoiceErrorSender, sendLoudVoiceData } from './loudvoice/loudvoice-envelope.js';
import { registerLoudVoiceRoutes } from './loudvoice/loudvoice-routes.js';
import { registerBodyParser } from './request-body.js';
import { registerCors, type CorsConfig } from '../admin/http/cors.js';
import { IGNORE_CHAOS_NOTES, keepRequestBody, registerJournalCapture } from '../journal/http/journal-capture.js';
import { registerJournalRoutes } from '../journal/http/journal-routes.js';
import { RequestJournal } from '../journal/journal.js';
import { JournalFile } from '../journal/journal-file.js';
import { redactUrl } from './redact.js';
import { ServerState } from '../state/server-state.js';
import { readStateFile } from '../runtime/state-file.js';
import { persistState, type StateFileOptions } from '../state/http/persist-state.js';
import { MemoryStore } from '../store/memory-store.js';
import type { RedisStoreOptions } from '../store/redis-store.js';
import { StoreUnavailable } from '../store/store.js';
import { stateFingerprint } from '../store/fingerprint.js';

export type { ApiSelection } from './api-paths.js';

/** Everything that shapes a server, read from argv/env by the CLI or given by a test. */
export interface AppConfig {
  api: ApiSelection;
  fixtures: Fixtures;
  /** Admin controls under /__admin/ (clock, reset, state views) and the test identity provider's minting. */
  admin: {
    enabled: boolean;
    token?: string;
    /**
     * Host names the admin surface answers besides loopback names and IP literals, or 'any' for no Host check
     * (src/admin/http/admin-guard.ts). Absent: loopback names and IP literals only.
     */
    allowedHosts?: 'any' | string[];
    /** Where the built console is (default: ui/ beside the compiled server, i.e. dist/ui). */
    consoleDir?: string;
  };
  /** Largest request body accepted, in bytes; larger is a 413 in the API's own shape. */
  bodyLimit: number;
  /** pino log level, or false for no logging; request lines only with `logRequests`. */
  logLevel: string | false;
  logRequests: boolean;
  /** Where log lines go (a test passes a stream to read them); standard output by default. */
  logStream?: NodeJS.WritableStream;
  /** How often expired state is forgotten without traffic, in ms (0: never on a timer). */
  sweepIntervalMs: number;
  /** Test-only defects (see src/core/faults.ts); empty except when the kit proves it catches them. */
  faults?: FaultSet;
  /** Test-only legitimate variants (see src/core/variants.ts); empty except when the kit proves it accepts them. */
  variants?: VariantSet;
  /** Keep the state across restarts: load it from `path` at start, save it every `intervalMs` and on close. */
  stateFile?: StateFileOptions;
  /** Keep the state in a shared Redis store (any number of instances behave as one); absent: in this process. */
  redis?: RedisStoreOptions;
  /** A delay before every API request (`--latency MS` or `MIN-MAX`), never before /__admin or /__idp. */
  latency?: LatencyRange | null;
  /** How many exchanges the request journal keeps (`/__admin/requests`); 0 turns it off. */
  journalSize: number;
  /**
   * Also append every exchange, redacted and judged, to this file as NDJSON (`serve --journal-file`), written in
   * batches off the request's path and drained on close. Independent of journalSize (the ring may be off).
   */
  journalFile?: { path: string; onError?: (error: Error) => void };
  /** CORS for browser clients; off when absent. */
  cors?: CorsConfig;
}

/** The ports of a server: its movable clock, its id source and the built-in test identity provider. */
export interface AppDeps {
  clock: ControlledClock;
  ids: IdSource;
  idp?: TestIdentityProvider;
}

/** Sensible defaults for everything but the fixtures. */
export const DEFAULT_CONFIG: Omit<AppConfig, 'fixtures'> = {
  api: 'both',
  admin: { enabled: true },
  bodyLimit: 1024 * 1024,
  logLevel: false,
  logRequests: false,
  sweepIntervalMs: 60_000,
  journalSize: 1000,
};

/** The LiveVox version segments served, for the 405 of a versioned path. */
const LIVEVOX_VERSION_SET: ReadonlySet<string> = new Set(LIVEVOX_VERSIONS);

/** How many expired sessions one sweep step forgets before yielding to requests. */
const SWEEP_CHUNK = 10_000;

/** How fastify's router matches paths; the catch-all that refuses unused methods matches with the same. */
const ROUTER_OPTIONS = { maxParamLength: 512 } as const;

/** How a defined path refuses a method it does not have, given the path's parameters. */
type Refusal = (request: FastifyRequest, reply: FastifyReply, params: Record<string, string | undefined>) => unknown;

/**
 * Every method Node's HTTP parser accepts (extension methods such as TRACE, QUERY, PROPFIND and LINK included), the
 * common ones first: the order of the Allow header. A method the parser refuses never reaches the app (Node answers
 * 400 and closes the connection, see README).
 */
const ALL_METHODS = [...new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', ...METHODS])];

/**
 * Builds the server without listening: both APIs (or one), the admin controls and native errors everywhere.
 * Tests drive it with `app.inject()`; the CLI calls `listen()`.
 */
export async function buildApp(config: AppConfig, deps: AppDeps): Promise<FastifyInstance & { state: ServerState; journal: RequestJournal }> {
  const variants = config.variants ?? NO_VARIANTS;
  // Each API's catalogue is mapped to the wire in one place, variants included.
  const sendLiveVoxError = liveVoxErrorSender(variants);
  const sendLoudVoiceError = loudVoiceErrorSender(variants);
  // Under the no-test-idp variant the built-in identity provider is absent: no /__idp/ routes, no keys it signed.
  let idp = variants.has('no-test-idp') ? undefined : deps.idp;
  const app = Fastify({
    logger:
      config.logLevel === false
        ? false
        : {
            level: config.logLevel,
            ...(config.logStream ? { stream: config.logStream } : {}),
            // Only method and path: no headers (they hold keys and session ids), and ids in paths are redacted.
            serializers: {
              req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          },
    logController: new LogController({ disableRequestLogging: !config.logRequests }),
    // Without request lines nothing logs per request but errors, so requests share the server's logger instead of
    // each building a pino child (measurable at tens of thousands of requests a second).
    ...(config.logRequests ? {} : { childLoggerFactory: (logger: FastifyBaseLogger) => logger }),
    bodyLimit: config.bodyLimit,
    routerOptions: ROUTER_OPTIONS,
    return503OnClosing: true,
    requestIdHeader: false,
    // A path fastify cannot decode (bad percent-encoding) or with an over-long parameter: no route can own it, so it
    // is an unknown route in the native shape (LoudVoice credentials first, unless routing comes first), not fastify's
    // own error body.
    frameworkErrors: (_error, request, reply) => {
      if (!variants.has('loudvoice-routing-before-auth') && lacksLoudVoiceCredentials(state.loudvoice, request, config.api)) {
        return sendLoudVoiceError(request, reply, now(), 'CREDENTIALS_INVALID');
      }
      return nativeError(request, reply, 'ROUTE_NOT_FOUND');
    },
  });
  // fastify routes seven methods by default and refuses the rest before routing (a 404 or 400 that says nothing about
  // the method); every other method Node accepts is added so that a known path can answer it with 405 and Allow.
  const routed = new Set(app.supportedMethods);
  for (const method of ALL_METHODS) if (!routed.has(method)) app.addHttpMethod(method, { hasBody: true });
  // Node hands CONNECT to a 'connect' listener instead of the request handler (and drops the connection when there is
  // none): it is routed like any other method, answered, and the connection closed (nothing here tunnels).
  app.server.on('connect', (request: IncomingMessage, socket: Duplex) => routeConnect(app, request, socket));
  const saved = config.stateFile ? readStateFile(config.stateFile.path) : undefined;
  // Time never goes backwards, not even across a restart.
  if (saved) deps.clock.set(Math.max(deps.clock.now(), saved.clockNow));
  const faults = config.faults ?? NO_FAULTS;
  let state: ServerState;
  if (config.redis) {
    // The cores read the time and ids each command carries; the store loads the shared state into them.
    const shared = { api: config.api, fixtures: config.fixtures, faults, variants };
    const fingerprint = stateFingerprint(shared);
    // A store of the release before domain commands (log format 1) is refused with what to do (src/store/fingerprint.ts).
    const previousFormatFingerprint = stateFingerprint(shared, 1);
    // Loaded only when asked for: the Redis client costs a third of a second at every start of the default server.
    const { createRedisStore } = await import('../store/redis-store.js');
    const created = createRedisStore(config.redis, { clock: deps.clock, ids: deps.ids, fingerprint, previousFormatFingerprint }, (ports) => new ServerState(config.fixtures, { ...ports, faults, variants }));
    state = created.state;
    state.store = created.store;
    await created.store.connect();
    // One signing key for the fleet: a token minted by one instance logs in on any other.
    if (idp) idp = await TestIdentityProvider.fromPrivateJwk(JSON.parse(await created.store.shareOnce('idp-key', JSON.stringify(await idp.privateJwk()))) as JWK);
  } else {
    state = new ServerState(config.fixtures, { clock: deps.clock, ids: deps.ids, faults, variants }, saved?.state);
    state.store = new MemoryStore(state, deps.clock);
  }
  app.addHook('onClose', () => state.store.close());
  if (config.stateFile) persistState(app, state, deps.clock, config.stateFile);
  const now = () => deps.clock.now();
  const serves = (api: 'livevox' | 'loudvoice') => config.api === 'both' || config.api === api;

  // The journal's capture first and CORS second: both must see every request before any other hook can answer it.
  const journal = new RequestJournal(config.journalSize);
  const journalFile = config.journalFile ? await JournalFile.open(config.journalFile.path, config.journalFile.onError) : undefined;
  // Registered now, so it runs after fastify's own (which stops the server and waits for requests in flight: their
  // exchanges are queued by then); a failed final write makes close() reject.
  if (journalFile) app.addHook('onClose', () => journalFile.close());
  const capturing = journal.capacity > 0 || journalFile !== undefined;
  // The chaos layer records what it did to a request on the request's entry through noteChaos.
  const { noteChaos } = capturing
    ? registerJournalCapture(app, { journal, clock: deps.clock, api: config.api, ...(journalFile ? { onRecorded: (id, x) => journalFile.add(id, x) } : {}) })
    : { noteChaos: IGNORE_CHAOS_NOTES };
  // Also before the onRoute hook below: CORS's catch-all OPTIONS route ('*') must not get 405 routes of its own,
  // which would swallow every unknown path.
  if (config.cors) await registerCors(app, config.cors);
  // After CORS (a preflight is still answered) and before the body parser: a refused state change is never read.
  if (config.admin.enabled) {
    registerAdminGuard(app, { allowedHosts: config.admin.allowedHosts ?? [], token: config.admin.token, corsOrigins: config.cors?.origin });
  }
  registerBodyParser(app, config.api, capturing ? { keepRaw: keepRequestBody } : {});

  // Chaos first: its hook must run before the APIs' own (an overloaded service refuses before it checks credentials).
  const chaos = new ChaosRules(config.latency ?? null);
  registerChaosHook(app, { chaos, api: config.api, state, now, sendLiveVoxError, sendLoudVoiceError, onFired: noteChaos });

  /** Every error leaves in the shape of the API its path belongs to. */
  const nativeError = (request: FastifyRequest, reply: FastifyReply, code: 'ROUTE_NOT_FOUND' | 'PAYLOAD_TOO_LARGE' | 'BODY_INVALID' | 'METHOD_NOT_ALLOWED') => {
    const url = request.url;
    if (isAdminPath(url)) {
      const status = { ROUTE_NOT_FOUND: 404, PAYLOAD_TOO_LARGE: 413, BODY_INVALID: 400, METHOD_NOT_ALLOWED: 405 }[code];
      if (request.method === 'HEAD') return reply.code(status).send();
      return reply.code(status).send({ code, message: code === 'ROUTE_NOT_FOUND' ? 'No such admin route' : 'The request could not be handled' });
    }
    if (apiOfPath(url, config.api) === 'loudvoice') {
      const detail = { resource: url.split('?')[0]!, method: request.method, limit: String(config.bodyLimit) };
      return sendLoudVoiceError(request, reply, now(), code === 'BODY_INVALID' ? 'BODY_NOT_JSON' : code, detail);
    }
    // The livevox-auth-before-routing variant: a path that does not exist (or a wrong method) needs a live session.
    if (code === 'ROUTE_NOT_FOUND' || code === 'METHOD_NOT_ALLOWED') {
      const refused = authBeforeRouting(state, request);
      if (refused) return sendLiveVoxError(reply.removeHeader('allow'), refused);
    }
    return sendLiveVoxError(reply, code);
  };

  const notFound = (request: FastifyRequest, reply: FastifyReply) => {
    // Test-only fault loudvoice-plain-404: LoudVoice's unknown paths left to fastify's default not-found body.
    if (apiOfPath(request.url, config.api) === 'loudvoice' && state.loudvoice.fault('loudvoice-plain-404')) {
      return reply.code(404).send({ message: `Route ${request.method}:${request.url} not found`, error: 'Not Found', statusCode: 404 });
    }
    // Test-only fault loudvoice-catch-all-route: a wildcard route that answers every unknown LoudVoice path.
    if (apiOfPath(request.url, config.api) === 'loudvoice' && state.loudvoice.fault('loudvoice-catch-all-route')) {
      return sendLoudVoiceData(request, reply, now(), 200, {});
    }
    return nativeError(request, reply, 'ROUTE_NOT_FOUND');
  };
  app.setNotFoundHandler(notFound);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // The store could not be reached: nothing was acknowledged, the client may retry (503 in the API's own shape).
    if (error instanceof StoreUnavailable) return storeUnavailable(request, reply);
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return nativeError(request, reply, 'PAYLOAD_TOO_LARGE');
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return nativeError(request, reply, 'BODY_INVALID');
    // Anything else is a bug in session-kit: logged without the request's headers, answered in the native shape.
    request.log.error({ err: { message: error.message, stack: error.stack } }, 'unexpected error');
    if (apiOfPath(request.url, config.api) === 'loudvoice') return sendLoudVoiceError(request, reply, now(), 'INTERNAL_ERROR');
    return sendLiveVoxError(reply, 'INTERNAL_ERROR');
  });

  // Collect every path's methods, so a defined path called with another method answers 405 with Allow.
  const methodsByUrl = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const known = methodsByUrl.get(route.url) ?? new Set<string>();
    for (const m of methods) known.add(m);
    methodsByUrl.set(route.url, known);
  });

  /** 503 in the shape of the API the path belongs to, with a hint when to retry. */
  const storeUnavailable = (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('retry-after', '1');
    if (isAdminPath(request.url)) return reply.code(503).send({ code: 'STORE_UNAVAILABLE', message: 'The state store cannot be reached' });
    if (apiOfPath(request.url, config.api) === 'loudvoice') return sendLoudVoiceError(request, reply, now(), 'SERVICE_UNAVAILABLE', { retry_after: '1' });
    return sendLiveVoxError(reply, 'SERVICE_UNAVAILABLE');
  };

  // Expired state is forgotten in chunks, yielding between them, so a million expiries never stall a request. With
  // a shared store the cores first catch up, so they forget at the store's time.
  let sweeping = false;
  function sweep(): void {
    if (sweeping) return;
    sweeping = true;
    const step = () => {
      if (state.expire(SWEEP_CHUNK)) setImmediate(step);
      else sweeping = false;
    };
    state.store.sync().then(step, () => {
      sweeping = false;
    });
  }

  const verifier = new IdTokenVerifier(idp);
  const routeNotFound = (request: FastifyRequest, reply: FastifyReply) => nativeError(request, reply, 'ROUTE_NOT_FOUND');
  if (serves('livevox')) registerLiveVoxRoutes(app, { state, verifier, now, sendError: sendLiveVoxError, routeNotFound });
  if (serves('loudvoice')) registerLoudVoiceRoutes(app, { state, now, api: config.api, sendError: sendLoudVoiceError });
  registerHealthRoute(app, state);
  if (config.admin.enabled) {
    registerAdminRoutes(app, { state, clock: deps.clock, idp, token: config.admin.token, sweep });
    registerConsoleRoutes(app, config.admin.consoleDir !== undefined ? { dir: config.admin.consoleDir } : {});
    registerChaosRoutes(app, { chaos, api: config.api, token: config.admin.token });
    registerJournalRoutes(app, { journal, token: config.admin.token });
  }

  // A defined path called with another method answers 405 with Allow. The methods some route uses (GET, POST, PUT,
  // DELETE and the like) are refused by a route per path and method; each method no route uses (PROPFIND, LOCK and the
  // other 26 Node knows) by one catch-all route, which finds the path among the defined ones with a router of its own
  // (find-my-way, fastify's, with fastify's options: the same paths match). Registering those 28 methods on each of the
  // ~40 paths put over a thousand entries in the router and took half of the server's own start-up (issue 20).
  // OPTIONS counts as used: with CORS on, its catch-all OPTIONS route (answering preflights) is already there.
  const used = new Set(['OPTIONS', ...[...methodsByUrl.values()].flatMap((methods) => [...methods])]);
  const unused = ALL_METHODS.filter((m) => !used.has(m));
  const definedPaths = FindMyWay<FindMyWay.HTTPVersion.V1>(ROUTER_OPTIONS);
  for (const [url, defined] of [...methodsByUrl]) {
    const allow = ALL_METHODS.filter((m) => defined.has(m)).join(', ');
    const api = isAdminPath(url) ? 'admin' : apiOfPath(url, config.api);
    // Test-only variants: a LoudVoice wrong method as an unknown route; 405s of both APIs without Allow.
    const sendsAllow = api === 'admin' || !variants.has('no-allow-header');
    const notAllowed = (request: FastifyRequest, reply: FastifyReply) => nativeError(request, sendsAllow ? reply.header('allow', allow) : reply, 'METHOD_NOT_ALLOWED');
    // A LiveVox path with a version segment exists only for the versions served (LVX-VERSION-SEGMENT): with any other
    // segment it is an unknown route whatever the method, as its own handlers answer.
    const versioned = url.includes(':version');
    const refuse: Refusal =
      api === 'loudvoice' && variants.has('loudvoice-method-not-allowed-404')
        ? routeNotFound
        : versioned
          ? (request, reply, params) => (LIVEVOX_VERSION_SET.has(params.version ?? '') ? notAllowed(request, reply) : routeNotFound(request, reply))
          : notAllowed;
    definedPaths.on('GET', url, () => undefined, refuse);
    const missing = ALL_METHODS.filter((m) => !defined.has(m) && used.has(m));
    if (missing.length === 0) continue;
    const refuseHere = (request: FastifyRequest, reply: FastifyReply) => refuse(request, reply, request.params as Record<string, string | undefined>);
    // Answered in the route's onRequest hook, after the app's own (LoudVoice credentials) and before the body is read:
    // the method is refused before the body's size or type is looked at (LDV-ERROR-PRECEDENCE).
    // Marked, so the admin guard lets a wrong method be answered 405 (it changes nothing) rather than 415.
    app.route({ method: missing, url, config: { refusesMethod: true }, onRequest: (request, reply, _done) => void refuseHere(request, reply), handler: refuseHere });
  }
  if (unused.length > 0) {
    // A defined path is refused before its body is read, as above; any other goes on as an unknown route would (its
    // body read, so one too large is still 413), to the not-found answer.
    const refuseDefinedPath = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      const found = definedPaths.find('GET', request.url);
      if (found) void (found.store as Refusal)(request, reply, found.params);
      else done();
    };
    app.route({ method: unused, url: '/*', config: { refusesMethod: true }, onRequest: refuseDefinedPath, handler: notFound });
  }

  // The shared state is loaded once every applier is registered (the routes register LoudVoice's).
  await state.store.open();

  if (config.sweepIntervalMs > 0) {
    const timer = setInterval(sweep, config.sweepIntervalMs);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }

  app.decorate('state', state);
  app.decorate('journal', journal);
  return app as unknown as FastifyInstance & { state: ServerState; journal: RequestJournal };
}

/**
 * Answers a CONNECT request through the app's router, as any other method is (a 405 on a known path, a 404 elsewhere),
 * then closes the connection: Node has already taken the socket away from its HTTP parser, so it cannot be reused.
 */
function routeConnect(app: FastifyInstance, request: IncomingMessage, socket: Duplex): void {
  const response = new ServerResponse(request);
  response.shouldKeepAlive = false;
  response.assignSocket(socket as never);
  response.on('finish', () => {
    response.detachSocket(socket as never);
    socket.end();
  });
  socket.on('error', () => socket.destroy());
  app.routing(request, response);
}
