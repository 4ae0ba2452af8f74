// The admin surface on a developer's machine (issue 23). The admin controls answer without a token on loopback, which
// is right for a local mock, but a web page the developer happens to open can reach loopback too:
// - by DNS rebinding: the attacker's name resolves to 127.0.0.1, and the browser then sends the attacker's page's
//   requests here as same-origin, with `Host: rebind.evil.example:PORT` (webpack-dev-server and Vite check Host for
//   this reason, Vite after CVE-2025-24010; Jupyter checks Host and Origin). So the admin surface answers only Host
//   names that cannot be rebound: loopback names, IP literals, and names the user allowed;
// - by a plain cross-site request: an HTML form (or fetch with mode no-cors) POSTs without a preflight, and a reset
//   needs no answer to do its harm. So a state change needs a request no page can send cross-site without a
//   preflight (a JSON Content-Type, or the X-Session-Kit header), and an Origin or Sec-Fetch-Site that says another
//   site is refused outright, unless --cors names that origin.
// The rules are a plain function of the request's method, path and headers (`admitAdminRequest`); the fastify hook
// only feeds it and sends what it decides.
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isJsonMediaType } from '../../contract/media-type.js';
import { secretEquals } from '../../core/secrets.js';
import { isAdminPath } from '../../http/api-paths.js';

/** The custom header that, like a JSON Content-Type, makes a browser preflight a cross-origin request. */
export const ADMIN_INTENT_HEADER = 'X-Session-Kit';

/** What the guard needs to know about the server: who may call, from where. */
export interface AdminGuardPolicy {
  /**
   * Host names the admin surface answers besides loopback names and IP literals (`.example.test` also allows its
   * subdomains), or 'any' for no Host check (a non-loopback bind, where the admin token guards every data route).
   */
  allowedHosts: 'any' | readonly string[];
  /** The admin token: a request carrying it passes the Host check wherever it comes from. */
  token: string | undefined;
  /** The origins --cors names; only a listed origin may change state cross-origin ('*' does not open the admin API). */
  corsOrigins: '*' | readonly string[] | undefined;
}

/** What the guard sees of a request. */
export interface AdminRequestFacts {
  method: string;
  /** The path as requested, and the route it matched (fastify decodes percent-escapes when routing). */
  url: string;
  routeUrl: string | undefined;
  /** True when no handler will act on the request (no route, or a wrong method answered 405): nothing can change. */
  inert: boolean;
  protocol: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Why a request is refused: an HTTP status and an admin error `{code, message}`. */
export interface AdminRefusal {
  status: 403 | 415;
  code: 'ADMIN_HOST_NOT_ALLOWED' | 'ADMIN_CROSS_ORIGIN' | 'ADMIN_CONTENT_TYPE_REQUIRED';
  message: string;
}

/** Methods that change state: each must be one a browser preflights when it goes cross-origin. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

/** GET /__admin/health is for load balancers (served even with --no-admin) and tells nothing but up or down. */
const UNGUARDED = new Set(['/__admin/health']);

/** A Host header: a name or IPv4 address, or an IPv6 address in brackets, then an optional port. Nothing else. */
const HOST_HEADER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

const one = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value);

/** The Bearer token a request sends, or '' without one. */
const bearerOf = (headers: AdminRequestFacts['headers']): string => {
  const auth = one(headers.authorization);
  return auth !== undefined && auth.startsWith('Bearer ') ? auth.slice(7) : '';
};

/** True when the request carries the admin token (compared in constant time); false when none is set. */
export function carriesAdminToken(headers: AdminRequestFacts['headers'], token: string | undefined): boolean {
  return token !== undefined && secretEquals(bearerOf(headers), token);
}

/** The host name of a Host header, lower-cased and without a final dot, or undefined when it is not a plain Host. */
export function hostNameOf(host: string | undefined): string | undefined {
  const match = host === undefined ? null : HOST_HEADER.exec(host.trim());
  if (!match) return undefined;
  return match[1]!.toLowerCase().replace(/\.$/, '');
}

/**
 * True for names no DNS answer can point elsewhere: `localhost` and `*.localhost` (browsers resolve them to loopback
 * themselves, RFC 6761), and IP literals (rebinding needs a name to re-resolve; Vite's allowedHosts reasons the same).
 */
export function isUnrebindableHost(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name.startsWith('[')) return isIP(name.slice(1, -1)) === 6;
  return isIP(name) === 4;
}

/** True when `name` is one of the allowed hosts (an entry `.example.test` allows it and its subdomains). */
const isListed = (name: string, allowed: readonly string[]): boolean =>
  allowed.some((entry) => (entry.startsWith('.') ? name === entry.slice(1) || name.endsWith(entry) : name === entry));

/** The origin the request was sent to: scheme, host and port as its Host header names them. */
function ownOrigin(facts: AdminRequestFacts, host: string): string | undefined {
  try {
    return new URL(`${facts.protocol}://${host}`).origin;
  } catch {
    return undefined;
  }
}

/** An Origin header as an origin (scheme, host, port; default ports dropped), or the text as sent when it is none. */
const normalOrigin = (origin: string): string => {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? origin : url.origin;
  } catch {
    return origin;
  }
};

/** Whether the guard applies to this request at all: the admin surface (and the console), never the two APIs. */
export const isGuardedPath = (facts: Pick<AdminRequestFacts, 'url' | 'routeUrl'>): boolean => {
  const path = facts.url.split('?')[0]!;
  if (UNGUARDED.has(path) || (facts.routeUrl !== undefined && UNGUARDED.has(facts.routeUrl))) return false;
  return isAdminPath(facts.url) || (facts.routeUrl !== undefined && isAdminPath(facts.routeUrl));
};

/**
 * Decides whether an admin request may go on: undefined when it may, else why not. The Host is checked first (a
 * rebound page learns nothing), then, for a state change, where it comes from, then that it could not be sent by a
 * page cross-site without a preflight.
 */
export function admitAdminRequest(facts: AdminRequestFacts, policy: AdminGuardPolicy): AdminRefusal | undefined {
  if (!isGuardedPath(facts)) return undefined;
  const host = one(facts.headers.host);
  const withToken = carriesAdminToken(facts.headers, policy.token);
  if (policy.allowedHosts !== 'any' && !withToken) {
    const name = hostNameOf(host);
    if (name === undefined || !(isUnrebindableHost(name) || isListed(name, policy.allowedHosts))) {
      return {
        status: 403,
        code: 'ADMIN_HOST_NOT_ALLOWED',
        message: `The admin controls answer only localhost, *.localhost, IP addresses and hosts given with --allowed-host, not Host ${JSON.stringify(host ?? '')}`,
      };
    }
  }
  if (!STATE_CHANGING.has(facts.method) || facts.inert) return undefined;
  // A server with a token answers a request without it 401 in the route, and nothing changes: that answer says more.
  if (policy.token !== undefined && !withToken) return undefined;

  const origin = one(facts.headers.origin);
  const listed = origin !== undefined && Array.isArray(policy.corsOrigins) && policy.corsOrigins.includes(normalOrigin(origin));
  if (!listed) {
    const own = host === undefined ? undefined : ownOrigin(facts, host);
    if (origin !== undefined && normalOrigin(origin) !== own) {
      return {
        status: 403,
        code: 'ADMIN_CROSS_ORIGIN',
        message: `Admin calls that change state are refused from another origin (Origin ${JSON.stringify(origin)}); name it with --cors to allow it`,
      };
    }
    if (one(facts.headers['sec-fetch-site']) === 'cross-site') {
      return { status: 403, code: 'ADMIN_CROSS_ORIGIN', message: 'Admin calls that change state are refused from another site (Sec-Fetch-Site: cross-site)' };
    }
  }
  const intent = one(facts.headers[ADMIN_INTENT_HEADER.toLowerCase()]);
  if (!isJsonMediaType(one(facts.headers['content-type'])) && (intent === undefined || intent.trim() === '')) {
    return {
      status: 415,
      code: 'ADMIN_CONTENT_TYPE_REQUIRED',
      message: `Admin calls that change state need Content-Type: application/json (send {} when there is nothing to say) or the header ${ADMIN_INTENT_HEADER}: 1`,
    };
  }
  return undefined;
}

/** Whether a request URL can reach a guarded route at all: a cheap test before the request's facts are gathered. */
const mayRouteToAdmin = (url: string): boolean => url.includes('__') || url.includes('%');

/** Facts of a fastify request, for `admitAdminRequest`. */
const factsOf = (request: FastifyRequest): AdminRequestFacts => ({
  method: request.method,
  url: request.url,
  routeUrl: request.routeOptions.url,
  inert: request.is404 || (request.routeOptions.config as { refusesMethod?: boolean } | undefined)?.refusesMethod === true,
  protocol: request.protocol,
  headers: request.headers,
});

/**
 * Refuses, in an onRequest hook (before any body is read), every admin request the policy does not admit: 403 or 415
 * with an admin error `{code, message}`. Register it after CORS, so that a preflight is still answered.
 */
export function registerAdminGuard(app: FastifyInstance, policy: AdminGuardPolicy): void {
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    // This hook runs on every API request too: only a URL that can route to an admin or idp route pays for the
    // facts (request.routeOptions builds an object per call). Such a URL holds `__` as written, or percent-escapes
    // that fastify decodes while routing (`/%5F%5Fadmin/...`).
    if (!mayRouteToAdmin(request.url)) return done();
    const refusal = admitAdminRequest(factsOf(request), policy);
    if (!refusal) return done();
    void reply.code(refusal.status).send({ code: refusal.code, message: refusal.message });
  });
}
