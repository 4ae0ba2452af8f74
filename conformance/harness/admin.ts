// The deployment's test controls, when it offers them (capabilities in the target file): clock, reset, ID tokens.
// They live with the deployment that serves an API, so each call goes to that API's own base URL.
import { apiBaseUrl, type ApiName, type Target } from '../../src/certify/target.js';
import { adminHeaders } from '../../src/certify/target-http.js';
import { latestClient } from './checks.js';
import type { KitHttp } from './http.js';
import { currentTestOf, recordExchange } from './recorder.js';

/**
 * Calls the admin API of the deployment that serves `api`; throws when the call fails, since a suite cannot go on
 * without it. The call is an exchange of the run like any other (a replay must move the clock again to rebuild the
 * state), so it is recorded, and noted in the client's log (`http`, or the running file's; null for a read that
 * changes nothing) so a counterexample shows it as a step.
 */
async function adminCall(target: Target, api: ApiName, method: 'GET' | 'POST', path: string, body: unknown, note: string, http: KitHttp | null = latestClient() ?? null): Promise<unknown> {
  const headers = { ...adminHeaders(target), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) };
  const requestBody = body !== undefined ? JSON.stringify(body) : undefined;
  const startedAt = new Date();
  const url = apiBaseUrl(target, api) + path;
  const res = await fetch(url, { method, headers, ...(requestBody !== undefined ? { body: requestBody } : {}) });
  const text = await res.text();
  const id = recordExchange(target, {
    ...currentTestOf(),
    api: 'admin',
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    note,
    method,
    url,
    requestHeaders: Object.entries(headers),
    ...(requestBody !== undefined ? { requestBody } : {}),
    status: res.status,
    statusText: res.statusText,
    responseHeaders: [...res.headers],
    responseBody: text,
  });
  http?.note(note, id);
  if (res.status >= 300) throw new Error(`admin call ${method} ${path} failed with ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Moves the target's clock forward by `ms`, and notes it in the client's log so counterexamples show it. */
export async function advanceClock(http: KitHttp, ms: number): Promise<void> {
  await adminCall(http.target, http.api, 'POST', '/__admin/clock', { advanceMs: ms }, `the clock moves forward ${ms} ms (${formatDuration(ms)}) via POST /__admin/clock`, http);
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
  const { mode } = (await adminCall(http.target, http.api, 'GET', '/__admin/clock', undefined, 'the kit reads the clock mode via GET /__admin/clock', null)) as { mode?: string };
  if (mode !== 'system') return body();
  await adminCall(http.target, http.api, 'POST', '/__admin/clock', { mode: 'fixed' }, 'the clock stands still (mode fixed) via POST /__admin/clock', http);
  try {
    return await body();
  } finally {
    await adminCall(http.target, http.api, 'POST', '/__admin/clock', { mode: 'system' }, 'the clock follows the real time again (mode system) via POST /__admin/clock', http);
  }
}

/** Puts the deployment of one API (or, without `api`, of every certified API) back to its fixtures. */
export async function resetTarget(target: Target, api?: ApiName): Promise<void> {
  const urls = new Map((api ? [api] : target.apis).map((a) => [apiBaseUrl(target, a), a] as const));
  // A JSON body, even an empty one: session-kit refuses a bodyless state change (a cross-site form could send one).
  for (const a of urls.values()) await adminCall(target, a, 'POST', '/__admin/reset', {}, 'the target is reset to its fixtures via POST /__admin/reset');
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
  const res = (await adminCall(target, 'livevox', 'POST', '/__idp/token', { ...request, ...(audience !== undefined ? { audience } : {}) }, 'the test identity provider mints an ID token via POST /__idp/token')) as { id_token: string };
  return res.id_token;
}
