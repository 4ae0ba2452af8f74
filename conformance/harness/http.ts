// The kit's only way to reach a deployment: plain HTTP through fetch, every exchange recorded (for counterexamples)
// and every response checked against the contract.
import type { ApiName, ContractValidator, ContractViolation } from './contract.js';
import { apiBaseUrl, redact, type Target } from '../../src/certify/target.js';
import { currentTestOf, recordExchange } from './recorder.js';

/** One request and its response, as a counterexample shows them; `note` marks a step that is not an API call. */
export interface Exchange {
  /** The exchange's id in the run (the bundle's HAR `_id`); recorded failures name the exchanges they show by it. */
  id?: string;
  /** The test that sent it: a failure references the exchanges of its own test. */
  test?: string;
  note?: string;
  method: string;
  path: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
}

/** What a test sends: a path (with query), headers (an array repeats a header), and a JSON value or raw text. */
export interface KitRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD';
  path: string;
  headers?: Record<string, string | string[] | undefined>;
  json?: unknown;
  body?: string;
}

/** A response with its body parsed when it is JSON. */
export interface KitResponse {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

const SHOWN_RESPONSE_HEADERS = ['content-type', 'allow'];
/** At most this many exchange ids per recorded failure (a long property run would otherwise name thousands). */
const MAX_STORY = 200;
/** How often a rate-limited request is sent before the kit gives up. */
const RATE_LIMIT_ATTEMPTS = 4;

/** An HTTP client bound to one target and one API's contract. */
export class KitHttp {
  /** Every exchange since the last `clearLog()`. */
  readonly log: Exchange[] = [];
  /** Where the current property run's exchanges start in the log (a failure inside a property references those). */
  storyStart = 0;
  /** Every contract violation seen since the file started. */
  readonly violations: ContractViolation[] = [];
  /** Called with every response (a client that must clean up after itself watches what it was given). */
  readonly watchers: ((response: KitResponse) => void)[] = [];

  constructor(
    readonly target: Target,
    readonly api: ApiName,
    private readonly contract: ContractValidator,
  ) {}

  /** Sends a request and records the exchange; never throws on an HTTP status, only on a broken connection. */
  async send(request: KitRequest): Promise<KitResponse> {
    const headers: [string, string][] = [];
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.push([name, v]);
    }
    let body = request.body;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      if (!headers.some(([n]) => n.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'application/json']);
    }
    // Prism's proxy answers a body it cannot parse itself instead of forwarding it, so such bodies go direct (to this
    // API's own base URL, where the proxy would have forwarded them).
    const viaProxy = this.target.apiBaseUrls?.[this.api];
    const base = viaProxy && (body === undefined || isJson(body)) ? viaProxy : apiBaseUrl(this.target, this.api);
    let res: Response;
    const startedAt = new Date();
    for (let attempt = 1; ; attempt++) {
      try {
        res = await fetch(base + request.path, { method: request.method, headers, ...(body !== undefined ? { body } : {}) });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        // The first line is the same for every request, so the report counts them once instead of listing each.
        throw new Error(`the target stopped answering (${cause?.code ?? cause?.message ?? (error as Error).message})\n${request.method} ${base}${request.path.split('?')[0]} failed`);
      }
      // Both vendors may rate-limit ("may be subject to rate limits", L1; 429 in O2): a limit is not a finding, so the
      // kit waits as told and tries again, and a limit that never lifts is the kit's error (an inconclusive run).
      if (res.status !== 429) break;
      if (attempt === RATE_LIMIT_ATTEMPTS) throw new Error(`the target kept answering 429 (rate limited) to ${request.method} ${request.path.split('?')[0]}; run again with fewer --runs`);
      await res.arrayBuffer();
      const wait = Math.min(Number(res.headers.get('retry-after')) || 1, 10);
      await new Promise((done) => setTimeout(done, wait * 1000));
    }
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    const { file, test } = currentTestOf();
    const id = recordExchange(this.target, {
      file,
      test,
      api: this.api,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      method: request.method,
      url: base + request.path,
      requestHeaders: headers,
      ...(body !== undefined ? { requestBody: body } : {}),
      status: res.status,
      statusText: res.statusText,
      responseHeaders: [...res.headers],
      responseBody: text,
    });
    const exchange: Exchange = {
      id,
      test,
      method: request.method,
      path: request.path,
      requestHeaders: Object.fromEntries(headers.map(([n, v]) => [n, n.toLowerCase() === 'authorization' ? `${v.split(' ')[0]} «redacted»` : v])),
      ...(body !== undefined ? { requestBody: body } : {}),
      status: res.status,
      responseHeaders: Object.fromEntries(SHOWN_RESPONSE_HEADERS.flatMap((h) => (res.headers.has(h) ? [[h, res.headers.get(h)!]] : []))),
      responseBody: text,
    };
    this.log.push(exchange);
    const pathOnly = request.path.split('?')[0]!;
    const problem = this.contract.check(request.method, pathOnly, res.status, text === '' ? undefined : parsed);
    if (problem) this.violations.push({ api: this.api, request: `${request.method} ${request.path}`, status: res.status, problem });
    const response = { status: res.status, headers: res.headers, text, body: parsed };
    for (const watch of this.watchers) watch(response);
    return response;
  }

  /**
   * Records a step that is part of the story but not an API call (for example: the clock moved); `id` names the admin
   * exchange that made the step, so a replay can send it again.
   */
  note(text: string, id?: string): void {
    this.log.push({ ...(id ? { id } : {}), test: currentTestOf().test, note: text, method: '', path: '', requestHeaders: {}, status: 0, responseHeaders: {}, responseBody: '' });
  }

  /** Forgets the recorded exchanges (a property run starts a fresh log). */
  clearLog(): void {
    this.log.length = 0;
    this.storyStart = 0;
  }

  /** Marks the start of a property run: a failure recorded inside it references the exchanges from here on. */
  startStory(): void {
    this.storyStart = this.log.length;
  }

  /**
   * The ids a failure recorded now references: the exchanges it shows (the latest `shown`), and before them the ones
   * of the same test (or, inside a property, of the same run) that built the state the failure depends on.
   */
  storyIds(shown: number, inProperty: boolean): string[] {
    const test = currentTestOf().test;
    const start = inProperty ? this.storyStart : 0;
    const firstShown = Math.max(0, this.log.length - shown);
    const ids = this.log.flatMap((e, i) => (e.id && i >= start && (i >= firstShown || e.test === test) ? [e.id] : []));
    return ids.slice(-MAX_STORY);
  }

  /** The recorded exchanges as text, secrets redacted: what a failure report shows. */
  formatLog(limit = 40): string {
    const shown = this.log.slice(-limit);
    const lines = shown.map((e) => {
      if (e.note !== undefined) return `# ${e.note}`;
      const req = [`> ${e.method} ${e.path}`, ...Object.entries(e.requestHeaders).map(([n, v]) => `> ${n}: ${v}`)];
      if (e.requestBody !== undefined) req.push(`> ${truncate(e.requestBody)}`);
      const res = [`< ${e.status}`, ...Object.entries(e.responseHeaders).map(([n, v]) => `< ${n}: ${v}`)];
      if (e.responseBody !== '') res.push(`< ${truncate(e.responseBody)}`);
      return [...req, ...res].join('\n');
    });
    const skipped = this.log.length - shown.length;
    return redact((skipped > 0 ? `(${skipped} earlier exchanges not shown)\n` : '') + lines.join('\n\n'), this.target.secrets);
  }
}

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const truncate = (s: string) => (s.length > 600 ? `${s.slice(0, 600)}… (${s.length} characters)` : s);
