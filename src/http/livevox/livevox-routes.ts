import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CheckedAccess } from '../../core/livevox/livevox-core.js';
import type { LiveVoxSession, LoginResult } from '../../core/livevox/model.js';
import type { components } from '../../generated/livevox-session.js';
import { ok } from '../../core/result.js';
import type { IdTokenVerifier } from '../../sso/id-token-verifier.js';
import { singleHeader } from '../headers.js';
import type { ServerState } from '../server-state.js';
import { readCredentials, readPasswordChange, readSsoLogin } from './livevox-bodies.js';
import type { LiveVoxErrorCode, SendLiveVoxError } from './livevox-errors.js';

type Schemas = components['schemas'];

/** The version segments LiveVox's own client inserts into every path (observed, L5); any other segment is an unknown route. */
export const LIVEVOX_VERSIONS = ['v3.0', 'v3.1', 'v3.2', 'v3.3', 'v3.4', 'v3.5', 'v5.0', 'v6.0'] as const;
const versions = new Set<string>(LIVEVOX_VERSIONS);

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> | unknown;

/** What the LiveVox routes need from the server. */
export interface LiveVoxRouteDeps {
  state: ServerState;
  verifier: IdTokenVerifier;
  now: () => number;
  /** How this server writes a LiveVox error (the catalogue mapped to the wire once, variants included). */
  sendError: SendLiveVoxError;
  /** The answer to a path no route owns (an unknown version segment is one): the server's own 404. */
  routeNotFound: Handler;
}

/**
 * Reads a header that authenticates, refusing a repeated one (LVX-HEADER-REPEATED); under the
 * livevox-header-repeated-first-wins variant the first value is used instead.
 */
export function credentialHeader(state: ServerState, request: FastifyRequest, name: 'lv-access' | 'lv-session'): { value: string | undefined } | { error: LiveVoxErrorCode } {
  const read = singleHeader(request, name);
  if (read.kind === 'repeated') return state.variant('livevox-header-repeated-first-wins') ? { value: read.first } : { error: 'HEADER_REPEATED' };
  return { value: read.kind === 'value' ? read.value : undefined };
}

/**
 * Under the livevox-auth-before-routing variant, the error a request to a LiveVox path that does not exist (or does
 * not take its method) gets before routing: 401 without a live LV-Session. Null when routing may answer (404/405).
 * Checking does not count as activity.
 */
export function authBeforeRouting(state: ServerState, request: FastifyRequest): LiveVoxErrorCode | null {
  if (!state.variant('livevox-auth-before-routing')) return null;
  const lvSession = credentialHeader(state, request, 'lv-session');
  if ('error' in lvSession) return 'SESSION_INVALID';
  const live = state.livevox.checkSession(lvSession.value);
  return live.ok ? null : live.error;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Registers the LiveVox Session API (and the Configuration read) on a fastify instance. */
export function registerLiveVoxRoutes(app: FastifyInstance, deps: LiveVoxRouteDeps): void {
  const { state, sendError: sendLiveVoxError } = deps;

  /**
   * Registers `<api><path>` and `<api>/{version}<path>`: every LiveVox path takes the version segments LiveVox's own
   * client inserts (L5 builds every URL as prefix + version + suffix, Configuration API included) or none. An unknown
   * version is an unknown route.
   */
  const versioned = (api: '/session' | '/configuration', method: 'GET' | 'POST' | 'DELETE', path: string, handler: Handler) => {
    app.route({ method, url: `${api}${path}`, handler });
    app.route({
      method,
      url: `${api}/:version${path}`,
      handler: (request, reply) => {
        const { version } = request.params as { version: string };
        if (!versions.has(version)) return deps.routeNotFound(request, reply);
        return handler(request, reply);
      },
    });
  };
  const session = (method: 'GET' | 'POST' | 'DELETE', path: string, handler: Handler) => versioned('/session', method, path, handler);

  const header = (request: FastifyRequest, name: 'lv-access' | 'lv-session') => credentialHeader(state, request, name);

  /** Runs `then` for a request whose LV-Session names a live session (which this request refreshes). */
  const withSession = (then: (session: LiveVoxSession, request: FastifyRequest, reply: FastifyReply) => unknown): Handler => {
    return async (request, reply) => {
      const lvSession = header(request, 'lv-session');
      if ('error' in lvSession) return sendLiveVoxError(reply, lvSession.error);
      // Test-only fault livevox-session-needs-access: protected requests must carry their client's LV-Access too.
      const access = state.livevox.fault('livevox-session-needs-access') ? singleHeader(request, 'lv-access') : undefined;
      const auth = await state.livevoxCommands.authenticate(lvSession.value, access?.kind === 'value' ? access.value : undefined);
      if (!auth.ok) return sendLiveVoxError(reply, auth.error, auth.detail);
      return then(auth.value, request, reply);
    };
  };

  /**
   * withSession, except under the test-only livevox-callcenters-session-unchecked fault: a missing, unknown or dead
   * session is not refused, and `then` runs without one.
   */
  const withSessionUnlessUnchecked = (then: (session: LiveVoxSession | undefined, request: FastifyRequest, reply: FastifyReply) => unknown): Handler => {
    const checked = withSession(then);
    return async (request, reply) => {
      if (!state.livevox.fault('livevox-callcenters-session-unchecked')) return checked(request, reply);
      const lvSession = header(request, 'lv-session');
      const auth = 'error' in lvSession ? undefined : await state.livevoxCommands.authenticate(lvSession.value);
      return then(auth?.ok ? auth.value : undefined, request, reply);
    };
  };

  /**
   * Runs `then` for a login-type request whose LV-Access names an API token. The header is checked before the body:
   * a login without a valid API token is an authorization error whatever it sends.
   */
  const withAccess = (then: (access: CheckedAccess, request: FastifyRequest, reply: FastifyReply) => unknown): Handler => {
    return (request, reply) => {
      const lvAccess = header(request, 'lv-access');
      if ('error' in lvAccess) return sendLiveVoxError(reply, lvAccess.error);
      const known = state.livevox.checkAccessToken(lvAccess.value);
      if (!known.ok) return sendLiveVoxError(reply, known.error);
      return then(known.value, request, reply);
    };
  };

  /** The 200 body of both logins; under the test-only livevox-login-field-case fault the id is named sessionID. */
  const loginBody = (result: LoginResult) => {
    const body: Schemas['LoginResponse'] = result;
    if (!state.livevox.fault('livevox-login-field-case')) return body;
    const { sessionId, ...rest } = body;
    return { sessionID: sessionId, ...rest };
  };

  const login = withAccess(async (known, request, reply) => {
    const credentials = readCredentials(request.body);
    if (!credentials.ok) return sendLiveVoxError(reply, credentials.error, credentials.detail);
    const result = await state.livevoxCommands.login(known, credentials.value);
    if (!result.ok) return sendLiveVoxError(reply, result.error, result.detail);
    return sendLogin(reply, result.value);
  });

  /** A successful login's answer; the extra-response-fields variant adds a field a vendor might add. */
  const sendLogin = (reply: FastifyReply, login: LoginResult) => {
    const body = loginBody(login);
    return reply.code(state.variant('livevox-login-201') ? 201 : 200).send(state.variant('extra-response-fields') ? { ...body, lvResult: 'OK' } : body);
  };

  const ssoLoginWith = async (known: CheckedAccess, request: FastifyRequest, reply: FastifyReply) => {
    const input = readSsoLogin(request.body);
    if (!input.ok) return sendLiveVoxError(reply, input.error, input.detail);
    const sso = state.livevox.ssoClient(known, input.value.clientName);
    if (!sso.ok) return sendLiveVoxError(reply, sso.error, sso.detail);
    const verified = await deps.verifier.verify(input.value.idToken, sso.value, deps.now());
    if (!verified.ok) return sendLiveVoxError(reply, 'SSO_TOKEN_INVALID', { reason: verified.reason });
    const result = await state.livevoxCommands.ssoLogin(known, input.value.clientName, verified.claims, input.value.agent);
    if (!result.ok) return sendLiveVoxError(reply, result.error, result.detail);
    return sendLogin(reply, result.value);
  };
  const ssoLoginChecked = withAccess(ssoLoginWith);
  // Test-only fault livevox-sso-access-unchecked: the SSO route without the LV-Access check (the client comes from the body).
  const ssoLogin: Handler = (request, reply) =>
    state.livevox.fault('livevox-sso-access-unchecked') ? ssoLoginWith({ grant: undefined }, request, reply) : ssoLoginChecked(request, reply);

  const validate: Handler = async (request, reply) => {
    // Test-only fault livevox-validate-needs-session: validate behind the check meant for protected operations.
    if (state.livevox.fault('livevox-validate-needs-session') && request.headers['lv-session'] === undefined) {
      return sendLiveVoxError(reply, 'SESSION_MISSING');
    }
    const { sessionId } = request.params as { sessionId: string };
    const result = await state.livevoxCommands.validate(sessionId);
    if (!result.ok) return sendLiveVoxError(reply, result.error);
    if (state.variant('livevox-validate-200')) return reply.code(200).send({ valid: true });
    return reply.code(204).send();
  };

  const logout: Handler = async (request, reply) => {
    const { sessionId } = request.params as { sessionId: string };
    const result = await state.livevoxCommands.logout(sessionId);
    if (!result.ok) return sendLiveVoxError(reply, result.error);
    return reply.code(state.variant('livevox-logout-200') ? 200 : 204).send();
  };

  const changePassword = withAccess(async (known, request, reply) => {
    const input = readPasswordChange(request.body);
    if (!input.ok) return sendLiveVoxError(reply, input.error, input.detail);
    const result = await state.livevoxCommands.changePassword(known, input.value.credentials, input.value.newPassword);
    if (!result.ok) return sendLiveVoxError(reply, result.error, result.detail);
    return reply.code(204).send();
  });

  const details = withSession((session, _request, reply) => {
    const d = state.livevox.details(session);
    const body: Schemas['SessionDetails'] = {
      ...d,
      createdAt: iso(d.createdAt),
      lastActivityAt: iso(d.lastActivityAt),
      expiresAt: iso(d.expiresAt),
    };
    return reply.code(200).send(body);
  });

  session('POST', '/login', login);
  // A vendor could put SSO login elsewhere, or offer no details read: the variants that leave them out.
  if (!state.variant('livevox-no-sso-endpoint')) session('POST', '/sso/login', ssoLogin);
  session('GET', '/validate/:sessionId', validate);
  session('DELETE', '/logout/:sessionId', logout);
  session('POST', '/password', changePassword);
  if (!state.variant('livevox-no-session-details')) session('GET', '/details', details);

  versioned(
    '/configuration',
    'GET',
    '/callCenters',
    withSessionUnlessUnchecked((session, request, reply) => {
      const allowed = session ? state.livevox.mayConfigure(session) : ok(true);
      if (!allowed.ok) return sendLiveVoxError(reply, allowed.error);
      const query = request.query as Record<string, string | string[] | undefined>;
      const count = integerParam(query.count, 1000, 1, 1000);
      if (count === null) return sendLiveVoxError(reply, 'PARAMETER_INVALID', { reason: 'count must be an integer from 1 to 1000' });
      const offset = integerParam(query.offset, 0, 0, Number.MAX_SAFE_INTEGER);
      if (offset === null) return sendLiveVoxError(reply, 'PARAMETER_INVALID', { reason: `offset must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}` });
      const page = state.livevox.callCenters(session, offset, count);
      // The next page is on the path this page was asked on (LVX-CALLCENTERS-CONTENT), version segment included.
      const { version } = request.params as { version?: string };
      const path = version === undefined ? '/configuration/callCenters' : `/configuration/${version}/callCenters`;
      const body: Schemas['CallCenterList'] = {
        callCenter: page.callCenter,
        next: page.more ? `${path}?offset=${offset + count}&count=${count}` : null,
      };
      return reply.code(200).send(body);
    }),
  );
}

/** A query integer within bounds, its default when absent, or null when present but not acceptable. */
export function integerParam(raw: string | string[] | undefined, fallback: number, min: number, max: number): number | null {
  if (raw === undefined) return fallback;
  if (Array.isArray(raw) || !/^(0|[1-9][0-9]{0,15})$/.test(raw)) return null;
  const n = Number(raw);
  return n >= min && n <= max ? n : null;
}
