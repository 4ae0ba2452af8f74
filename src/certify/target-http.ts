// Plain HTTP from the runner to a target, outside the suites: the probe before a run and the clean-up after it.
import type { RawExchange } from './exchange-record.js';
import type { Target } from './target.js';

/** Where the runner's own calls (the probe, the clean-up) go as evidence, when a run writes a bundle. */
let recorder: ((raw: RawExchange) => void) | undefined;

/** Records every call of this module through `record` from now on (undefined: no longer). */
export function recordCalls(record: ((raw: RawExchange) => void) | undefined): void {
  recorder = record;
}

/** A target the kit cannot certify as set up (unreachable, not the API, refused credentials): exit 2, no verdict. */
export class SetupError extends Error {
  override name = 'SetupError';
}

/** A target's answer, its body parsed when it is JSON. */
export interface Answer {
  status: number;
  contentType: string;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

const TIMEOUT_MS = 10_000;

/** The Authorization header of the target's admin API, when the target file gives an admin token. */
export const adminHeaders = (target: Target): Record<string, string> => (target.adminToken ? { authorization: `Bearer ${target.adminToken}` } : {});

/**
 * One request to a base URL (a Target means its top-level one; callers that speak to one API pass `apiBaseUrl(target,
 * api)`); a target that does not answer is a SetupError naming why.
 */
export async function call(at: Target | string, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Answer> {
  const base = typeof at === 'string' ? at : at.baseUrl;
  let res: Response;
  const startedAt = new Date();
  const requestHeaders: [string, string][] = Object.entries(body === undefined ? headers : { 'content-type': 'application/json', ...headers });
  try {
    res = await fetch(base + path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new SetupError(`cannot reach the target at ${base}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  const text = await res.text();
  recorder?.({
    file: '',
    test: '',
    api: 'runner',
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    method,
    url: base + path,
    requestHeaders,
    ...(body !== undefined ? { requestBody: JSON.stringify(body) } : {}),
    status: res.status,
    statusText: res.statusText,
    responseHeaders: [...res.headers],
    responseBody: text,
  });
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json };
}
