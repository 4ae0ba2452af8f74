// The mock in an integrator's own test process (issue 22): `import { startMock } from 'session-kit'`. It starts the
// same server `session-kit serve` starts (the options go through the same checks, src/http/serve-config.ts), on
// 127.0.0.1 and a free port, and drives it through its admin API over loopback, as any client would. Why HTTP rather
// than calling the state directly: the in-process API then takes exactly the code paths, guards and answers that
// openapi/admin.yaml describes and the admin contract tests hold (so it cannot drift from the documented API), it
// works the same with a Redis store shared by other instances (whose clock and state live in Redis, not here), and
// its types come from the generated admin contract (src/generated/admin.ts).
import type { AddressInfo } from 'node:net';
import type { Fixtures } from '../../config/fixtures.js';
import { nearMissLine } from '../../contract/near-miss.js';
import type { components, operations } from '../../generated/admin.js';
import { buildApp } from '../../http/app.js';
import { serveSettings } from '../../http/serve-config.js';
import type { ServeOptions } from '../../http/serve-options.js';
import { ControlledClock } from '../../runtime/clock.js';
import { cryptoIds } from '../../runtime/ids.js';
import { TestIdentityProvider } from '../../sso/test-identity-provider.js';

/** The clock as the admin API shows it (`GET /__admin/clock`). */
export type ClockView = components['schemas']['ClockView'];
/** One journal entry: the exchange, the operation it matched, its contract verdict, near misses and chaos. */
export type JournalEntry = components['schemas']['JournalEntry'];
/** One of the contract's operations close to a request that none answered, and what differs. */
export type NearMiss = components['schemas']['NearMiss'];
/** A chaos rule as `POST /__admin/chaos` takes it. */
export type ChaosRule = components['schemas']['ChaosRule'];
/** A chaos rule as the server keeps it: its id, how often it fired, how many times it has left. */
export type ChaosRuleView = components['schemas']['ChaosRuleView'];
/** What `GET /__admin/sessions` answers: the live sessions of each API and the clock they were read at. */
export type SessionsView = components['schemas']['SessionsView'];
/** The journal filters of `GET /__admin/requests`. */
export type JournalQuery = NonNullable<operations['listRequests']['parameters']['query']>;
/** An admin API error body `{code, message}`. */
export type AdminError = components['schemas']['AdminError'];

/** The options of `startMock`: those of `session-kit serve` (see ServeOptions), on 127.0.0.1 and port 0 by default. */
export type MockOptions = ServeOptions & {
  /** Where warnings go (a state or journal file that cannot be written); console.error by default. */
  onWarning?: (message: string) => void;
};

/**
 * Which exchanges `requests` and `verify` select: every field given must hold. `path` is a prefix of the path as
 * the journal shows it; `operationId` is the contract's (`login`, `getSessionDetails`, `listAuthors` ...).
 */
export interface RequestFilter {
  operationId?: string;
  api?: 'livevox' | 'loudvoice';
  method?: string;
  path?: string;
  status?: number;
  /** Only exchanges recorded after this journal id. */
  after?: number | string;
}

/** How a time is given to the clock: ms, or a number with a unit, e.g. `'90s'`, `'15m'`, `'2h'`, `'1d'`. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}` | string;

/** The server's movable clock. Every move is made through `POST /__admin/clock`; it never goes back. */
export interface MockClock {
  /** Moves the clock forward by ms or a duration such as `'2h'`. */
  advance(by: Duration): Promise<ClockView>;
  /** Moves the clock to an instant (not earlier than now: the clock never goes back). */
  set(at: Date | string | number): Promise<ClockView>;
  /** Stands the clock still where it is (mode fixed). */
  freeze(): Promise<ClockView>;
  /** Lets the clock follow real time again, from where it is (mode system). */
  follow(): Promise<ClockView>;
  /** The server's time now. */
  now(): Promise<Date>;
}

/** A running mock in this process. */
export interface Mock {
  /** The server's base URL, e.g. `http://127.0.0.1:43123`. */
  url: string;
  /** Where a LiveVox client points (`${livevoxUrl}/session/login`): the same server. */
  livevoxUrl: string;
  /** Where a LoudVoice client points instead of `https://{subdomain}.api.oneall.com`: the same server. */
  loudvoiceUrl: string;
  /** The fixtures the server started with (and goes back to on reset). */
  fixtures: Fixtures;
  clock: MockClock;
  /** Back to the fixtures: sessions, authors, comments and changed passwords gone; chaos rules and journal stay. */
  reset(): Promise<void>;
  /** The live sessions of both APIs, with full ids when the mock has an admin token. */
  sessions(): Promise<SessionsView>;
  /** The journal's exchanges that fit the filter, oldest first, each with its contract verdict. */
  requests(filter?: RequestFilter): Promise<JournalEntry[]>;
  /**
   * Checks that `times` exchanges (at least one when not given) fit the filter; otherwise throws an Error that lists
   * what did fit, and the near misses: exchanges off by one field of the filter, and requests no operation answered
   * with the contract's operations closest to them. Resolves with the matching exchanges.
   */
  verify(filter: RequestFilter, expected?: { times?: number }): Promise<JournalEntry[]>;
  /** Empties the journal (ids keep counting up). */
  clearRequests(): Promise<void>;
  chaos: {
    /** Adds a fault or latency rule (see README "Chaos and latency"). */
    add(rule: ChaosRule): Promise<ChaosRuleView>;
    /** Removes every rule. */
    clear(): Promise<void>;
    /** The rules, with how often each fired. */
    list(): Promise<ChaosRuleView[]>;
  };
  /** Stops the server (and writes the state and journal files, when asked for). */
  close(): Promise<void>;
}

/** An admin call the server refused: the status and the admin error's code. */
export class MockAdminError extends Error {
  override name = 'MockAdminError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration in ms: a number of ms, or text such as `'90s'`, `'15m'`, `'2h'`, `'1.5h'`, `'1d'`, `'250ms'`. */
export function parseDuration(by: Duration): number {
  if (typeof by === 'number') {
    if (!Number.isSafeInteger(by) || by < 0) throw new RangeError(`a duration in ms must be a non-negative integer, not ${by}`);
    return by;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(by);
  if (!m) throw new RangeError(`a duration is ms or a number with a unit (ms, s, m, h, d), e.g. '2h', not "${by}"`);
  return Math.round(Number(m[1]) * UNITS[m[2]!]!);
}

/** The fields of a filter an entry does not fit, each in words; empty when it fits. */
function misfits(entry: JournalEntry, filter: RequestFilter): string[] {
  const out: string[] = [];
  const opId = entry.operation?.operationId;
  if (filter.operationId !== undefined && opId !== filter.operationId) out.push(`operationId is ${opId ?? 'none (no operation answered)'}, not ${filter.operationId}`);
  if (filter.api !== undefined && entry.api !== filter.api) out.push(`api is ${entry.api ?? 'none'}, not ${filter.api}`);
  if (filter.method !== undefined && entry.request.method !== filter.method.toUpperCase()) out.push(`method is ${entry.request.method}, not ${filter.method.toUpperCase()}`);
  if (filter.path !== undefined && !entry.request.path.startsWith(filter.path)) out.push(`path ${entry.request.path} does not start with ${filter.path}`);
  if (filter.status !== undefined && entry.response.status !== filter.status) out.push(`status is ${entry.response.status}, not ${filter.status}`);
  if (filter.after !== undefined && Number(entry.id) <= Number(filter.after)) out.push(`recorded before #${filter.after}`);
  return out;
}

/** Whether one of an entry's near misses is an operation the filter asks for (the request meant it, probably). */
function nearMissFits(miss: NearMiss, filter: RequestFilter): boolean {
  if (filter.operationId !== undefined) return miss.operationId === filter.operationId || miss.operationId === `${filter.operationId}Versioned`;
  if (filter.path !== undefined) return miss.path.startsWith(filter.path) || filter.path.startsWith(miss.path.split('{')[0]!);
  return filter.method !== undefined && miss.method === filter.method.toUpperCase();
}

/** An entry in one line: `#3 POST /session/login -> 200 (login) conforms`. */
function entryLine(e: JournalEntry): string {
  const query = e.request.query === '' ? '' : `?${e.request.query}`;
  const verdict = e.verdict.ok ? 'conforms' : `breaks ${[...e.verdict.request, ...e.verdict.response].map((v) => v.rule).join(', ')}`;
  return `#${e.id} ${e.request.method} ${e.request.path}${query} -> ${e.response.status === 0 ? 'no response' : e.response.status} (${e.operation?.operationId ?? 'no operation'}) ${verdict}`;
}

/** The message of a failed verify: what fitted, then the near misses, closest first. */
export function verifyMessage(filter: RequestFilter, expected: number | undefined, entries: readonly JournalEntry[]): string | undefined {
  const matched = entries.filter((e) => misfits(e, filter).length === 0);
  if (expected === undefined ? matched.length > 0 : matched.length === expected) return undefined;
  const want = expected === undefined ? 'at least 1 request' : `${expected} request(s)`;
  const lines = [`verify: expected ${want} matching ${JSON.stringify(filter)}, found ${matched.length}${entries.length === 0 ? ' (the journal is empty: did the client reach this mock?)' : ''}`];
  for (const e of matched) lines.push(`  matched: ${entryLine(e)}`);
  const unanswered = entries.filter((e) => !matched.includes(e) && (e.nearMisses ?? []).length > 0);
  const offByOne = entries.filter((e) => misfits(e, filter).length === 1 && !unanswered.includes(e));
  if (unanswered.length + offByOne.length > 0) lines.push('near misses:');
  // Requests no operation answered first: one the contract has close to the filter is most likely the one meant.
  const ranked = [...unanswered].sort((a, b) => Number((b.nearMisses ?? []).some((m) => nearMissFits(m, filter))) - Number((a.nearMisses ?? []).some((m) => nearMissFits(m, filter))));
  for (const e of ranked) {
    lines.push(`  ${entryLine(e)}: no operation answered it; the contract has`);
    for (const m of e.nearMisses ?? []) lines.push(`      ${nearMissLine(m)}`);
  }
  for (const e of offByOne) lines.push(`  ${entryLine(e)}: ${misfits(e, filter)[0]}`);
  return lines.join('\n');
}

/** Starts the mock in this process, on 127.0.0.1 and a free port unless told otherwise; resolves once it listens. */
export async function startMock(options: MockOptions = {}): Promise<Mock> {
  const { onWarning = (message: string) => console.error(`session-kit: WARNING: ${message}`), ...serveOptions } = options;
  // Quiet by default (a test's output is the test's), on a free port: many mocks may run side by side.
  const settings = serveSettings({ port: 0, logLevel: 'silent', ...serveOptions }, process.env);
  const clock = new ControlledClock(settings.clockMode, settings.clockStart);
  const idp = settings.adminEnabled ? await TestIdentityProvider.create() : undefined;
  const app = await buildApp(
    {
      ...settings.config,
      ...(settings.stateFile !== undefined
        ? { stateFile: { path: settings.stateFile, intervalMs: settings.stateInterval, onSave: (e) => e.kind === 'failed' && onWarning(`the state was not saved: ${e.reason}`) } }
        : {}),
      ...(settings.journalFile !== undefined ? { journalFile: { path: settings.journalFile, onError: (error: Error) => onWarning(error.message) } } : {}),
    },
    { clock, ids: cryptoIds, ...(idp ? { idp } : {}) },
  );
  await app.listen({ host: settings.host, port: settings.port });
  const bound = app.server.address() as AddressInfo;
  const url = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  // Taken now: a test that later stubs globalThis.fetch (to mock something else) must not catch the admin calls.
  const fetchAdmin = globalThis.fetch;

  /** One admin call as the contract says: JSON in and out, X-Session-Kit on bodiless state changes, the token if any. */
  async function admin<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    else if (method !== 'GET') headers['x-session-kit'] = '1';
    if (settings.adminToken !== undefined) headers.authorization = `Bearer ${settings.adminToken}`;
    const response = await fetchAdmin(`${url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    if (!response.ok) {
      let error: Partial<AdminError> = {};
      try {
        error = JSON.parse(text) as AdminError;
      } catch {
        // Not the admin shape (the admin controls are off: the API's own 404): said as it came.
      }
      const hint = response.status === 404 && !settings.adminEnabled ? ' (the mock was started with admin: false, so it has no admin controls)' : '';
      throw new MockAdminError(response.status, error.code ?? 'UNKNOWN', `${method} ${path}: ${response.status} ${error.code ?? ''} ${error.message ?? text}${hint}`.replace(/\s+/g, ' ').trim());
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  const moveClock = (change: { advanceMs: number } | { now: string } | { mode: 'fixed' | 'system' }) => admin<ClockView>('POST', '/__admin/clock', change);

  /** Every entry the journal holds, oldest first, paged with `before` (a read returns at most 1000). */
  async function allEntries(after?: number | string): Promise<JournalEntry[]> {
    const out: JournalEntry[] = [];
    let before: string | undefined;
    for (;;) {
      const query = new URLSearchParams({ limit: '1000', ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after: String(after) } : {}) });
      const page = await admin<components['schemas']['RequestsView']>('GET', `/__admin/requests?${query}`);
      out.push(...page.requests);
      if (page.requests.length < 1000) break;
      before = page.requests[page.requests.length - 1]!.id;
    }
    return out.reverse();
  }

  return {
    url,
    livevoxUrl: url,
    loudvoiceUrl: url,
    fixtures: settings.config.fixtures,
    clock: {
      advance: (by) => moveClock({ advanceMs: parseDuration(by) }),
      set: (at) => moveClock({ now: new Date(at).toISOString() }),
      freeze: () => moveClock({ mode: 'fixed' }),
      follow: () => moveClock({ mode: 'system' }),
      now: async () => new Date((await admin<ClockView>('GET', '/__admin/clock')).epochMs),
    },
    reset: () => admin<void>('POST', '/__admin/reset', {}),
    sessions: () => admin<SessionsView>('GET', '/__admin/sessions'),
    requests: async (filter = {}) => (await allEntries(filter.after)).filter((e) => misfits(e, filter).length === 0),
    verify: async (filter, expected = {}) => {
      const entries = await allEntries();
      const problem = verifyMessage(filter, expected.times, entries);
      if (problem !== undefined) throw new Error(problem);
      return entries.filter((e) => misfits(e, filter).length === 0);
    },
    clearRequests: () => admin<void>('DELETE', '/__admin/requests'),
    chaos: {
      add: (rule) => admin<ChaosRuleView>('POST', '/__admin/chaos', rule),
      clear: () => admin<void>('DELETE', '/__admin/chaos'),
      list: async () => (await admin<components['schemas']['ChaosView']>('GET', '/__admin/chaos')).rules,
    },
    close: () => app.close(),
  };
}

export type { ServeOptions } from '../../http/serve-options.js';
export type { Fixtures } from '../../config/fixtures.js';
