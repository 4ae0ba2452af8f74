// The deployment's test controls, when it offers them (capabilities in the target file): clock, reset, ID tokens.
// They live with the deployment that serves an API, so each call goes to that API's own base URL.
import { apiBaseUrl, type ApiName, type Target } from '../../src/certify/target.js';
import { adminHeaders } from '../../src/certify/target-http.js';
import type { KitHttp } from './http.js';

/** Calls the target's admin API; throws when the call fails, since a suite cannot go on without it. */
async function adminCall(target: Target, api: ApiName, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const headers = { ...adminHeaders(target), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) };
  const res = await fetch(apiBaseUrl(target, api) + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`admin call ${method} ${path} failed with ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Moves the target's clock forward by `ms`, and notes it in the client's log so counterexamples show it. */
export async function advanceClock(http: KitHttp, ms: number): Promise<void> {
  await adminCall(http.target, http.api, 'POST', '/__admin/clock', { advanceMs: ms });
  http.note(`the clock moves forward ${ms} ms (${formatDuration(ms)}) via POST /__admin/clock`);
}

const formatDuration = (ms: number) => {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h} h ${m} min ${s} s`;
};

/**
 * Runs `body` with the target's clock standing still (our admin API's `mode: fixed`), so millisecond boundaries can
 * be checked even on a server that follows the real time; the previous mode is restored afterwards.
 */
export async function withFrozenClock<T>(http: KitHttp, body: () => Promise<T>): Promise<T> {
  const { mode } = (await adminCall(http.target, http.api, 'GET', '/__admin/clock')) as { mode?: string };
  if (mode !== 'system') return body();
  await adminCall(http.target, http.api, 'POST', '/__admin/clock', { mode: 'fixed' });
  try {
    return await body();
  } finally {
    await adminCall(http.target, http.api, 'POST', '/__admin/clock', { mode: 'system' });
  }
}

/** Puts the deployment of one API (or, without `api`, of every certified API) back to its fixtures. */
export async function resetTarget(target: Target, api?: ApiName): Promise<void> {
  const urls = new Map((api ? [api] : target.apis).map((a) => [apiBaseUrl(target, a), a] as const));
  // A JSON body, even an empty one: session-kit refuses a bodyless state change (a cross-site form could send one).
  for (const a of urls.values()) await adminCall(target, a, 'POST', '/__admin/reset', {});
}

/**
 * Mints an ID token with the test identity provider of the LiveVox deployment (SSO is LiveVox's); a token for the
 * primary client carries the target file's ssoAudience unless the request names another audience.
 */
export async function mintIdToken(
  target: Target,
  request: { clientName?: string; userName?: string; audience?: string; issuer?: string; expiresInSeconds?: number; claims?: Record<string, unknown> },
): Promise<string> {
  const primary = target.livevox?.primary;
  const audience = request.audience ?? (primary?.ssoAudience && (request.clientName ?? primary.clientName) === primary.clientName ? primary.ssoAudience : undefined);
  const res = (await adminCall(target, 'livevox', 'POST', '/__idp/token', { ...request, ...(audience !== undefined ? { audience } : {}) })) as { id_token: string };
  return res.id_token;
}
