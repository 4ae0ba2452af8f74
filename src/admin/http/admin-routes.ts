import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { ControlledClock } from '../../runtime/clock.js';
import type { TestIdentityProvider } from '../../sso/test-identity-provider.js';
import { contractsJson } from '../contracts-view.js';
import { carriesAdminToken } from './admin-guard.js';
import { redactSessionsView } from '../admin-redaction.js';
import { UnreadableBody } from '../../http/request-body.js';
import type { ServerState } from '../../state/server-state.js';

/** openapi/admin.yaml, found from the sources (src/admin/http) and from the build (dist/admin/http) alike. */
export const ADMIN_CONTRACT_FILE = fileURLToPath(new URL('../../../openapi/admin.yaml', import.meta.url));

/** What the admin controls act on. */
export interface AdminDeps {
  state: ServerState;
  clock: ControlledClock;
  idp: TestIdentityProvider | undefined;
  /** When set, every admin request must send `Authorization: Bearer <token>`. */
  token: string | undefined;
  /** Starts forgetting what the new time has expired (in the background, in chunks). */
  sweep: () => void;
}

/** Answers an admin request with an error in the admin shape `{code, message}`. */
export const adminError = (reply: FastifyReply, status: number, code: string, message: string): FastifyReply => reply.code(status).send({ code, message });

/** Wraps an admin handler so that, when an admin token is set, a request without `Authorization: Bearer <token>` gets 401. */
export const adminGuard =
  (token: string | undefined) =>
  (handler: (request: FastifyRequest, reply: FastifyReply) => unknown) =>
  (request: FastifyRequest, reply: FastifyReply): unknown => {
    if (token !== undefined && !carriesAdminToken(request.headers, token)) {
      return adminError(reply, 401, 'ADMIN_UNAUTHORIZED', 'Admin controls need Authorization: Bearer <admin token>');
    }
    return handler(request, reply);
  };

/** A JSON object body, or undefined with a 400 already sent. */
export const adminObjectBody = (request: FastifyRequest, reply: FastifyReply): Record<string, unknown> | undefined => {
  const body = request.body;
  if (body instanceof UnreadableBody) return void adminError(reply, 400, 'BODY_INVALID', body.reason);
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    return void adminError(reply, 400, 'BODY_INVALID', 'The body must be a JSON object');
  }
  return body as Record<string, unknown>;
};

/**
 * GET /__admin/health: whether the state store answers (200) or not (503), for people and load balancers. Served
 * even with --no-admin and without the admin token: it changes nothing and tells no secret.
 */
export function registerHealthRoute(app: FastifyInstance, state: ServerState): void {
  app.get('/__admin/health', async (_request, reply) => {
    const health = await state.store.health();
    return reply.code(health.status === 'up' ? 200 : 503).send(health);
  });
}


const dateTimeFormat = fullFormats['date-time'] as { validate: (value: string) => boolean };
/** RFC 3339 date-time, as ajv-formats reads JSON Schema's `date-time` (what openapi/admin.yaml says of `now`). */
const isDateTime = (value: string): boolean => dateTimeFormat.validate(value);

/** The clock as the admin API shows it. */
const clockView = (clock: ControlledClock) => {
  const now = clock.now();
  return { now: new Date(now).toISOString(), epochMs: now, mode: clock.mode };
};

/**
 * Controls for tests and integrators under /__admin/: move the clock, reset to the fixtures, see what is live;
 * and the test identity provider under /__idp/ (public keys, and minting ID tokens).
 */
export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { state, clock } = deps;

  const guarded = adminGuard(deps.token);
  const objectBody = adminObjectBody;

  // Reads catch up with the store first: another instance may have moved the clock or changed the state.
  app.get(
    '/__admin/clock',
    guarded(async (_request, reply) => {
      await state.store.sync();
      return reply.send(clockView(clock));
    }),
  );

  app.post(
    '/__admin/clock',
    guarded(async (request, reply) => {
      const body = objectBody(request, reply);
      if (!body) return reply;
      const { advanceMs, now, mode } = body;
      if ([advanceMs, now, mode].filter((v) => v !== undefined).length !== 1) {
        return adminError(reply, 400, 'BODY_INVALID', 'Send exactly one of {"advanceMs": N}, {"now": "ISO-8601"} and {"mode": "fixed"|"system"}');
      }
      let problem;
      if (mode !== undefined) {
        if (mode !== 'fixed' && mode !== 'system') return adminError(reply, 400, 'CLOCK_INVALID', 'mode must be "fixed" or "system"');
        await state.store.changeClock({ mode });
        return reply.send(clockView(clock));
      }
      if (advanceMs !== undefined) {
        if (typeof advanceMs !== 'number') return adminError(reply, 400, 'CLOCK_INVALID', 'advanceMs must be a non-negative integer');
        problem = await state.store.changeClock({ advanceMs });
      } else {
        // Exactly what the admin contract's `format: date-time` admits (RFC 3339, with its offset: a time without
        // one would be read in the server's own zone), checked by the same ajv-formats function the contract tests use.
        const at = typeof now === 'string' && isDateTime(now) ? Date.parse(now) : Number.NaN;
        if (Number.isNaN(at)) return adminError(reply, 400, 'CLOCK_INVALID', 'now must be an ISO-8601 date-time with its offset, e.g. 2026-01-05T11:00:00Z');
        problem = await state.store.changeClock({ at });
      }
      if (problem === 'CLOCK_BACKWARDS') return adminError(reply, 409, problem, 'The clock never goes backwards');
      if (problem) return adminError(reply, 400, problem, 'advanceMs must be a non-negative integer, and the time must stay representable');
      deps.sweep();
      return reply.send(clockView(clock));
    }),
  );

  app.post(
    '/__admin/reset',
    guarded(async (_request, reply) => {
      // Domain state only: chaos rules (/__admin/chaos) are the integrator's setup, not state, and stay.
      // The store puts the clock back first: the fixtures' objects are stamped with the time they are rebuilt at.
      await state.store.reset();
      return reply.code(204).send();
    }),
  );

  // The clock read with the sessions, so the time left of each (expiresAt / dateExpiration minus clock.epochMs) is
  // measured against the same instant the sessions were read at.
  app.get(
    '/__admin/sessions',
    guarded(async (request, reply) => {
      await state.store.sync();
      // Read first: the sessions are read at this instant or later, so none listed has a time left below zero.
      const at = clockView(clock);
      const view = { livevox: state.livevox.liveSessions(), loudvoice: state.loudvoice.liveSessions(), clock: at };
      // Full ids only to whoever holds the admin token: without one (loopback, no token) anyone on the machine reads this.
      return reply.send(carriesAdminToken(request.headers, deps.token) ? view : redactSessionsView(view));
    }),
  );

  // The admin API's own contract, so a client in any language can be written (or generated) from it alone.
  let adminContract: Buffer | undefined;
  app.get(
    '/__admin/openapi.yaml',
    guarded((_request, reply) => {
      adminContract ??= readFileSync(ADMIN_CONTRACT_FILE);
      return reply.type('application/yaml; charset=utf-8').send(adminContract);
    }),
  );

  app.get(
    '/__admin/contracts',
    guarded((_request, reply) => reply.type('application/json; charset=utf-8').send(contractsJson())),
  );

  const idp = deps.idp;
  if (!idp) return;

  app.get('/__idp/jwks.json', (_request, reply) => reply.send(idp.jwks()));

  app.post(
    '/__idp/token',
    guarded(async (request, reply) => {
      const body = objectBody(request, reply);
      if (!body) return reply;
      const { clientName, userName, claims, audience, issuer, expiresInSeconds, subject } = body;
      const strings = { clientName, userName, audience, issuer, subject };
      for (const [name, value] of Object.entries(strings)) {
        if (value !== undefined && typeof value !== 'string') return adminError(reply, 400, 'BODY_INVALID', `${name} must be a string`);
      }
      if (claims !== undefined && (typeof claims !== 'object' || claims === null || Array.isArray(claims))) {
        return adminError(reply, 400, 'BODY_INVALID', 'claims must be an object');
      }
      if (expiresInSeconds !== undefined && !Number.isSafeInteger(expiresInSeconds)) {
        return adminError(reply, 400, 'BODY_INVALID', 'expiresInSeconds must be an integer');
      }
      // Naming a LiveVox client fills in its SSO audience and user claim, so one call mints a token that logs in.
      const sso = typeof clientName === 'string' ? state.fixtures.livevox.clients.find((c) => c.clientName === clientName)?.sso : undefined;
      if (clientName !== undefined && !sso) return adminError(reply, 400, 'BODY_INVALID', `client ${String(clientName)} has no SSO configuration`);
      const allClaims: Record<string, unknown> = { ...((claims as Record<string, unknown>) ?? {}) };
      if (typeof userName === 'string') allClaims[sso?.userClaim ?? 'preferred_username'] = userName;
      const idToken = await idp.mint(
        {
          claims: allClaims,
          ...(typeof subject === 'string' ? { subject } : {}),
          ...(typeof issuer === 'string' ? { issuer } : {}),
          ...(typeof audience === 'string' ? { audience } : sso ? { audience: sso.audience } : {}),
          ...(typeof expiresInSeconds === 'number' ? { expiresInSeconds } : {}),
        },
        clock.now(),
      );
      return reply.send({ id_token: idToken });
    }),
  );
}
