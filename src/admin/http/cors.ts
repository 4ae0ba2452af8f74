// CORS for browser-based clients (`--cors [ORIGIN]`), off by default. @fastify/cors answers preflights in an
// onRequest hook, so it is registered before the LoudVoice credentials hook: a preflight carries no credentials and
// must not be refused for lacking them. Only a real preflight (OPTIONS with Origin and Access-Control-Request-Method)
// is answered by CORS; any other OPTIONS request still gets the API's own 405 with Allow (or 404), as without CORS.
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Which origins may call the mock from a browser: any (`*`), or the listed ones (each reflected when it calls). */
export interface CorsConfig {
  origin: '*' | string[];
}

/**
 * Request headers a browser client may send: both APIs' credentials, the JSON content type, and the header an admin
 * state change may send instead of a JSON body (src/http/admin-guard.ts), so a page at a listed origin can reset.
 */
export const CORS_ALLOWED_HEADERS = ['Content-Type', 'LV-Access', 'LV-Session', 'Authorization', 'LV_REQUEST_TRACKING_ID', 'X-Session-Kit'];
/** Response headers a browser client may read beyond the safelisted ones: a 405's Allow and a 429/503's Retry-After. */
export const CORS_EXPOSED_HEADERS = ['Allow', 'Retry-After'];
/** Methods the two APIs use. */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'];
/** How long a browser may cache a preflight's answer, in seconds. */
export const CORS_MAX_AGE = 600;

const isPreflight = (request: FastifyRequest) => request.headers.origin !== undefined && request.headers['access-control-request-method'] !== undefined;

/** Registers CORS on the server; call it before any hook that could refuse a preflight. */
export async function registerCors(app: FastifyInstance, config: CorsConfig): Promise<void> {
  const options: FastifyCorsOptions = {
    origin: config.origin === '*' ? '*' : config.origin.length === 1 ? config.origin[0]! : config.origin,
    methods: CORS_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE,
    strictPreflight: true,
  };
  // A plain OPTIONS request is not a preflight: left to the routes (405 with Allow), not answered 204 or refused 400.
  const notPreflight: FastifyCorsOptions = { ...options, preflight: false };
  await app.register(cors, {
    delegator: (request, callback) => callback(null, request.method === 'OPTIONS' && !isPreflight(request) ? notPreflight : options),
  });
}
