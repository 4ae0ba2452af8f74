// The deployment's test controls, when it offers them (capabilities in the target file): clock, reset, ID tokens.
import type { Target } from '../../src/certify/target.js';
import { adminHeaders } from '../../src/certify/target-http.js';
import { latestClient } from './checks.js';
import type { KitHttp } from './http.js';
import { currentTestOf, recordExchange } from './recorder.js';

/**
 * Calls the target's admin API; throws when the call fails, since a suite cannot go on without it. The call is an
 * exchange of the run like any other (a replay must move the clock again to rebuild the state), so it is recorded, and
 * noted in the client's log (`http`, or the running file's; null for a read that changes nothing) so a counterexample
 * shows it as a step.
 */
async function adminCall(target: Target, method: 'GET' | 'POST', path: string, body: unknown, note: string, http: KitHttp | null = latestClient() ?? null): Promise<unknown> {
  const headers = { ...adminHeaders(target), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) };
  const requestBody = body !== undefined ? JSON.stringify(body) : undefined;
  const startedAt = new Date();
  const res = await fetch(target.baseUrl + path, { method, headers, ...(requestBody !== undefined ? { body: requestBody } : {}) });
  const text = await res.text();
  const id = recordExchange(target, {
    ...currentTestOf(),
    api: 'admin',
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    note,
    method,
    url: target.baseUrl + path,
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
  await adminCall(http.target, 'POST', '/__admin/clock', { advanceMs: ms }, `the clock moves forward ${ms} ms (${formatDuration(ms)}) via POST /__admin/clock`, http);
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
  const { mode } = (await adminCall(http.target, 'GET', '/__admin/clock', undefined, 'the kit reads the clock mode via GET /__admin/clock', null)) as { mode?: string };
  if (mode !== 'system') return body();
  await adminCall(http.target, 'POST', '/__admin/clock', { mode: 'fixed' }, 'the clock stands still (mode fixed) via POST /__admin/clock', http);
  try {
    return await body();
  } finally {
    await adminCall(http.target, 'POST', '/__admin/clock', { mode: 'system' }, 'the clock follows the real time again (mode system) via POST /__admin/clock', http);
  }
}

/** Puts the target back to its fixtures. */
export async function resetTarget(target: Target): Promise<void> {
  await adminCall(target, 'POST', '/__admin/reset', undefined, 'the target is reset to its fixtures via POST /__admin/reset');
}

/** Mints an ID token with the target's test identity provider. */
export async function mintIdToken(
  target: Target,
  request: { clientName?: string; userName?: string; audience?: string; issuer?: string; expiresInSeconds?: number; claims?: Record<string, unknown> },
): Promise<string> {
  const res = (await adminCall(target, 'POST', '/__idp/token', request, 'the test identity provider mints an ID token via POST /__idp/token')) as { id_token: string };
  return res.id_token;
}
