import { fail, ok, type Result } from '../core/result.js';

/** The two APIs a chaos rule can aim at. */
export type ChaosApi = 'livevox' | 'loudvoice';

/** The statuses a chaos rule can answer with: the failures a client of a remote service must cope with. */
export const CHAOS_ERROR_STATUSES = [429, 500, 502, 503] as const;

/** One of the statuses a chaos rule can answer with. */
export type ChaosErrorStatus = (typeof CHAOS_ERROR_STATUSES)[number];

/** What a rule does to a request it fires on. */
export type ChaosAction =
  /** Wait `ms` (plus up to `jitterMs`, drawn from the rule's seed), then handle the request normally. */
  | { type: 'delay'; ms: number; jitterMs: number }
  /** Answer `status` in the API's own error shape; 429 and 503 carry `Retry-After: retryAfterSeconds`. */
  | { type: 'error'; status: 429 | 503; retryAfterSeconds: number }
  | { type: 'error'; status: 500 | 502 }
  /** Close the connection without an answer. */
  | { type: 'drop' }
  /** End the session the request names now, then handle it normally (it gets the API's answer for an ended session). */
  | { type: 'end-session' };

/** What a rule did to one request: its action with the delay actually drawn. */
export type ChaosActionTaken = Exclude<ChaosAction, { type: 'delay' }> | { type: 'delay'; ms: number };

/** A rule as the integrator gave it, checked and with its defaults filled in. */
export interface ChaosRuleSpec {
  api?: ChaosApi;
  method?: string;
  /** A path pattern (see path-pattern.ts). */
  path?: string;
  operationId?: string;
  action: ChaosAction;
  /** The chance, from 0 to 1, that the rule fires on a request it matches (1: every time). */
  probability: number;
  /** How many times it fires at most (null: no limit). */
  times: number | null;
  /** The seed of the rule's own random sequence (probability and jitter). */
  seed: number;
}

/** What a rule is checked against: the operations of the APIs this server answers. */
export interface ChaosRuleContext {
  operations: readonly { api: ChaosApi; operationId: string }[];
}

/** The longest delay a rule may ask for: long enough for any client timeout, short enough not to hold a server. */
export const MAX_DELAY_MS = 600_000;

/** The longest Retry-After a rule may send: a day. */
const MAX_RETRY_AFTER_SECONDS = 86_400;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
const RULE_FIELDS = new Set(['api', 'method', 'path', 'operationId', 'action', 'probability', 'times', 'seed']);

/** The reason a rule is refused, in words an integrator can act on. */
type Refusal = { ok: false; error: 'CHAOS_RULE_INVALID'; detail?: Record<string, string> };
const refuse = (reason: string): Refusal => fail('CHAOS_RULE_INVALID', { reason });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isIntegerIn = (value: unknown, min: number, max: number): value is number => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;

/**
 * Reads a rule from a request body: every field checked, unknown fields refused (a misspelt `probabilty` must not
 * silently mean "always"), defaults filled in (probability 1, no limit on times, seed 1).
 */
export function readChaosRule(body: unknown, context: ChaosRuleContext): Result<ChaosRuleSpec, 'CHAOS_RULE_INVALID'> {
  if (!isObject(body)) return refuse('the body must be a JSON object');
  const unknown = Object.keys(body).filter((key) => !RULE_FIELDS.has(key));
  if (unknown.length > 0) return refuse(`unknown field ${unknown.map((k) => `"${k}"`).join(', ')}; a rule has ${[...RULE_FIELDS].join(', ')}`);
  const spec: Partial<ChaosRuleSpec> = {};

  const { api, method, path, operationId } = body;
  if (api !== undefined) {
    if (api !== 'livevox' && api !== 'loudvoice') return refuse('api must be "livevox" or "loudvoice"');
    if (!context.operations.some((op) => op.api === api)) return refuse(`this server does not answer the ${api} API`);
    spec.api = api;
  }
  if (method !== undefined) {
    if (typeof method !== 'string' || !METHODS.has(method.toUpperCase())) return refuse(`method must be one of ${[...METHODS].join(', ')}`);
    spec.method = method.toUpperCase();
  }
  if (path !== undefined) {
    if (typeof path !== 'string' || !path.startsWith('/') || path.length > 512) return refuse('path must be a path pattern starting with "/" (at most 512 characters)');
    // Chaos never touches the admin controls or the test identity provider, so a rule for them could never fire.
    if (/^\/__(admin|idp)(\/|$)/.test(path)) return refuse('chaos never touches /__admin or /__idp; path must be an API path');
    spec.path = path;
  }
  if (operationId !== undefined) {
    if (typeof operationId !== 'string') return refuse('operationId must be a string');
    const op = context.operations.find((o) => o.operationId === operationId);
    if (!op) return refuse(`no operation "${operationId}" in the contracts this server answers (see the operationId fields in openapi/*.yaml)`);
    if (spec.api !== undefined && op.api !== spec.api) return refuse(`operation "${operationId}" belongs to the ${op.api} API, not ${spec.api}`);
    spec.operationId = operationId;
  }

  const action = readAction(body.action);
  if (!action.ok) return action;
  spec.action = action.value;

  const { probability, times, seed } = body;
  if (probability !== undefined && (typeof probability !== 'number' || !(probability >= 0 && probability <= 1))) return refuse('probability must be a number from 0 to 1');
  spec.probability = probability ?? 1;
  if (times !== undefined && times !== null && !isIntegerIn(times, 1, Number.MAX_SAFE_INTEGER)) return refuse('times must be a positive integer (or absent: no limit)');
  spec.times = times ?? null;
  if (seed !== undefined && !isIntegerIn(seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)) return refuse('seed must be an integer');
  spec.seed = seed ?? 1;
  return ok(spec as ChaosRuleSpec);
}

/** Reads a rule's action, refusing fields that do not belong to its type. */
function readAction(action: unknown): Result<ChaosAction, 'CHAOS_RULE_INVALID'> {
  if (!isObject(action)) return refuse('action must be an object: {"type": "delay"|"error"|"drop"|"end-session", ...}');
  const extra = (allowed: string[]) => Object.keys(action).filter((key) => key !== 'type' && !allowed.includes(key));
  const only = (allowed: string[]): Refusal | undefined => {
    const fields = extra(allowed);
    return fields.length > 0 ? refuse(`action "${String(action.type)}" takes ${allowed.length ? allowed.join(', ') : 'no other field'}, not ${fields.join(', ')}`) : undefined;
  };
  switch (action.type) {
    case 'delay': {
      const refused = only(['ms', 'jitterMs']);
      if (refused) return refused;
      const { ms, jitterMs = 0 } = action;
      if (!isIntegerIn(ms, 0, MAX_DELAY_MS)) return refuse(`delay ms must be an integer from 0 to ${MAX_DELAY_MS}`);
      if (!isIntegerIn(jitterMs, 0, MAX_DELAY_MS - ms)) return refuse(`delay jitterMs must be an integer from 0, with ms + jitterMs at most ${MAX_DELAY_MS}`);
      return ok({ type: 'delay', ms, jitterMs });
    }
    case 'error': {
      const refused = only(['status', 'retryAfterSeconds']);
      if (refused) return refused;
      const { status, retryAfterSeconds } = action;
      if (!CHAOS_ERROR_STATUSES.includes(status as ChaosErrorStatus)) return refuse(`error status must be one of ${CHAOS_ERROR_STATUSES.join(', ')}`);
      if (status === 429 || status === 503) {
        if (retryAfterSeconds !== undefined && !isIntegerIn(retryAfterSeconds, 0, MAX_RETRY_AFTER_SECONDS)) {
          return refuse(`retryAfterSeconds must be an integer from 0 to ${MAX_RETRY_AFTER_SECONDS}`);
        }
        return ok({ type: 'error', status, retryAfterSeconds: (retryAfterSeconds as number | undefined) ?? 1 });
      }
      if (retryAfterSeconds !== undefined) return refuse('retryAfterSeconds goes with status 429 or 503 only');
      return ok({ type: 'error', status: status as 500 | 502 });
    }
    case 'drop':
    case 'end-session': {
      const refused = only([]);
      return refused ?? ok({ type: action.type });
    }
    default:
      return refuse('action.type must be "delay", "error", "drop" or "end-session"');
  }
}
