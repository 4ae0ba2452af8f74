// The deployment's test controls, when it offers them (capabilities in the target file): clock, reset, ID tokens.
import type { Target } from '../../src/certify/target.js';
import { adminHeaders } from '../../src/certify/target-http.js';
import type { KitHttp } from './http.js';

/** Calls the target's admin API; throws when the call fails, since a suite cannot go on without it. */
async function adminCall(target: Target, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const headers = { ...adminHeaders(target), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) };
  const res = await fetch(target.baseUrl + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`admin call ${method} ${path} failed with ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Moves the target's clock forward by `ms`, and notes it in the client's log so counterexamples show it. */
export async function advanceClock(http: KitHttp, ms: number): Promise<void> {
  await adminCall(http.target, 'POST', '/__admin/clock', { advanceMs: ms });
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
  const { mode } = (await adminCall(http.target, 'GET', '/__admin/clock')) as { mode?: string };
  if (mode !== 'system') return body();
  await adminCall(http.target, 'POST', '/__admin/clock', { mode: 'fixed' });
  try {
    return await body();
  } finally {
    await adminCall(http.target, 'POST', '/__admin/clock', { mode: 'system' });
  }
}

/** Puts the target back to its fixtures. */
export async function resetTarget(target: Target): Promise<void> {
  await adminCall(target, 'POST', '/__admin/reset');
}

/** Mints an ID token with the target's test identity provider. */
export async function mintIdToken(
  target: Target,
  request: { clientName?: string; userName?: string; audience?: string; issuer?: string; expiresInSeconds?: number; claims?: Record<string, unknown> },
): Promise<string> {
  const res = (await adminCall(target, 'POST', '/__idp/token', request)) as { id_token: string };
  return res.id_token;
}
