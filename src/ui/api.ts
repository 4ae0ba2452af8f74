// The console speaks HTTP only, to the admin API of the server that served it (like the conformance kit, it never
// imports the server's code): these types are that API's documented shapes.

/** The server clock as `GET /__admin/clock` shows it. */
export interface ClockView {
  now: string;
  epochMs: number;
  mode: 'fixed' | 'system';
}

/** A live LiveVox session as `GET /__admin/sessions` lists it. */
export interface LiveVoxSession {
  sessionId: string;
  clientName: string;
  userName: string;
  agent: boolean;
  createdAt: number;
  lastActivityAt: number;
  expiresAt: number;
  apiTokenSuffix: string;
}

/** A live LoudVoice author session as `GET /__admin/sessions` lists it. */
export interface LoudVoiceSession {
  site: string;
  authorSessionToken: string;
  authorToken: string;
  authorReference: string | null;
  name: string | null;
  dateCreation: number;
  dateLastUpdate: number | null;
  dateExpiration: number;
}

/** `GET /__admin/sessions`: both APIs' live sessions and the clock they were read at. */
export interface SessionsView {
  livevox: LiveVoxSession[];
  loudvoice: LoudVoiceSession[];
  clock: ClockView;
}

/** One way an exchange breaks its contract, with the rule it breaks. */
export interface Violation {
  rule: string;
  where: string;
  message: string;
}

/** One side of an exchange as the journal keeps it (secrets already redacted by the server). */
export interface Message {
  headers: Record<string, string | string[]>;
  body: string | null;
  bodyTruncated: boolean;
}

/** One journal entry: an exchange, the operation it matched, its contract verdict and any chaos done to it. */
export interface Entry {
  id: string;
  serverTime: string;
  wallTime: string;
  durationMs: number;
  api: 'livevox' | 'loudvoice' | null;
  operation: { operationId: string; method: string; path: string } | null;
  request: Message & { method: string; path: string; query: string };
  /** `status` is 0 when no response was sent (a chaos rule dropped the connection). */
  response: Message & { status: number };
  /** `unchecked` lists the checks not made (a body cut at the cap, no contract for the path ...). */
  verdict: { request: Violation[]; response: Violation[]; ok: boolean; unchecked?: string[] } | null;
  /** On an exchange no operation answered: the contract's closest operations, each with what differs. */
  nearMisses?: { operationId: string; method: string; path: string; differences: string[] }[];
  chaos?: { ruleId: string; action: ChaosAction } | null;
}

/** `GET /__admin/requests`. */
export interface RequestsView {
  requests: Entry[];
  meta: { total: number; capacity: number; dropped: number };
}

/** What a chaos rule does to a matching request. */
export type ChaosAction =
  | { type: 'delay'; ms: number; jitterMs?: number }
  | { type: 'error'; status: number; retryAfterSeconds?: number }
  | { type: 'drop' }
  | { type: 'end-session' };

/** A chaos rule as `POST /__admin/chaos` takes it. */
export interface ChaosRuleInput {
  api?: 'livevox' | 'loudvoice';
  method?: string;
  path?: string;
  operationId?: string;
  action: ChaosAction;
  probability?: number;
  times?: number;
  seed?: number;
}

/** A chaos rule as the server holds it. */
export interface ChaosRule extends ChaosRuleInput {
  id: string;
  remaining: number | null;
  fired: number;
}

/** `GET /__admin/chaos`. */
export interface ChaosView {
  rules: ChaosRule[];
  latency: { minMs: number; maxMs: number } | null;
}

// The contracts' view is the server's own type (GET /__admin/contracts): one definition, erased from the bundle.
import type { ContractView, RuleView } from '../admin/contracts-view.js';
export type { ContractView, RuleView };

/** `GET /__admin/contracts`. */
export interface ContractsView {
  livevox: ContractView;
  loudvoice: ContractView;
}

/** An admin call that failed, with the admin error's code when the server sent one. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'session-kit.admin-token';

/** The admin token the user typed in, kept for this tab only (sessionStorage: gone when the tab closes). */
export const adminToken = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

/**
 * One admin call: JSON in and out, the token (if any) as Bearer, never cached, no cookies. A failure throws an
 * AdminError (status 0 when the server could not be reached).
 */
export async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = adminToken.get();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  // The server refuses a state change a page could send cross-site without a preflight (src/admin/http/admin-guard.ts):
  // a call without a JSON body (reset, the deletes) says what it is with this header instead.
  if (method !== 'GET' && method !== 'HEAD') headers['x-session-kit'] = '1';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, cache: 'no-store', credentials: 'omit', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    return Promise.reject(new AdminError(0, 'UNREACHABLE', 'The server does not answer'));
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const err = (json ?? {}) as { code?: unknown; message?: unknown };
    throw new AdminError(response.status, typeof err.code === 'string' ? err.code : `HTTP_${response.status}`, typeof err.message === 'string' ? err.message : text);
  }
  return json as T;
}
