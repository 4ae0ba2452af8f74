// The journal's entry model: what is captured on the hot path (an Exchange: as received, nothing parsed) and what
// an entry looks like when it is read (a JournalEntry: redacted, capped, with its contract verdict).
import type { HttpExchange, Judgement, MatchedOperation, Verdict, Violation } from '../contract/judge-exchange.js';
import type { NearMiss } from '../contract/near-miss.js';
import { redactBody, redactHeaders, redactPath, redactQuery, scrub, type FoundSecrets } from './redaction.js';

/** What a chaos rule did to a request, as the chaos layer reports it. */
export interface ChaosNote {
  ruleId: string;
  action: unknown;
}

/**
 * One exchange as captured, before anything is redacted or judged. Holds secrets: never leaves the process. Its text
 * is a handful of strings (the headers as JSON text, the path and query as the one URL), which the journal writes
 * into its buffer when the exchange is recorded (see RequestJournal).
 */
export interface Exchange {
  /** The server clock when the request arrived (ms since the epoch). */
  serverTime: number;
  /** The real time when the request arrived (ms since the epoch). */
  wallTime: number;
  /** From arrival to the response being handed to the socket (0 for a dropped connection: until it closed). */
  durationMs: number;
  api: 'livevox' | 'loudvoice' | null;
  chaos: ChaosNote | null;
  method: string;
  /** The path and query as received. */
  url: string;
  /** The request headers as received, `name\nvalue` lines (no header name or value can hold a line break). */
  requestHeaders: string;
  /** The request body as received (capped), or null when none was read. */
  body: string | null;
  bodyTruncated: boolean;
  /** The server's route that answered (fastify's form), or null when none did. */
  route: string | null;
  /** The response status; 0 when the connection was dropped without one. */
  status: number;
  /** The response headers, `name\nvalue` lines, taken as the response is sent. */
  responseHeaders: string;
  /** The response body as sent: text, or bytes. */
  responseBody: Buffer | string | null;
  responseBodyTruncated: boolean;
  /**
   * The response body's length in bytes when `responseBody` cannot tell it (cut at the cap); null otherwise. The
   * response headers are taken before the server adds Content-Length: the entry adds it, so it shows what went on
   * the wire.
   */
  responseBodyBytes: number | null;
}

/** The path of an exchange's URL (no query string). */
export const pathOf = (url: string): string => {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
};

/** `name\nvalue` lines as headers by lower-case name; a name sent more than once gets all its values, in order. */
export function headersOf(lines: string): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  if (lines === '') return headers;
  const parts = lines.split('\n');
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const name = parts[i]!.toLowerCase();
    const value = parts[i + 1]!;
    const seen = headers[name];
    headers[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return headers;
}

/** The chaos rule that answered this exchange with an error of its own, if one did. */
function injectedError(x: Exchange): { ruleId: string; status: number } | null {
  const action = x.chaos?.action as { type?: unknown; status?: unknown } | null | undefined;
  return x.chaos && action?.type === 'error' && x.status !== 0 ? { ruleId: x.chaos.ruleId, status: x.status } : null;
}

/** The exchange as the contract's judge reads it: path and query apart, headers as objects, the body as text. */
export function asHttpExchange(x: Exchange): JudgedExchange {
  const q = x.url.indexOf('?');
  return {
    api: x.api,
    method: x.method,
    path: pathOf(x.url),
    query: q < 0 ? '' : x.url.slice(q + 1),
    headers: headersOf(x.requestHeaders),
    body: x.body,
    bodyTruncated: x.bodyTruncated,
    route: x.route,
    status: x.status,
    responseHeaders: headersOf(x.responseHeaders),
    responseBody: Buffer.isBuffer(x.responseBody) ? x.responseBody.toString('utf8') : x.responseBody,
    responseBodyTruncated: x.responseBodyTruncated,
    injected: injectedError(x),
  };
}

/** A journal entry as the admin API shows it. */
export interface JournalEntry {
  id: string;
  serverTime: string;
  wallTime: string;
  durationMs: number;
  api: 'livevox' | 'loudvoice' | null;
  operation: MatchedOperation | null;
  request: { method: string; path: string; query: string; headers: Record<string, string>; body: string | null; bodyTruncated: boolean };
  response: { status: number; headers: Record<string, string>; body: string | null; bodyTruncated: boolean };
  verdict: Verdict;
  /** On an exchange no operation answers: the contract's closest operations, each with what differs (else absent). */
  nearMisses?: NearMiss[];
  chaos: ChaosNote | null;
}

/** An exchange as the judge sees it: its response body as text. */
export type JudgedExchange = HttpExchange & { api: Exchange['api'] };

/** Judges an exchange against its API's contract (the verdict port: the contracts are loaded by the caller). */
export type Judge = (exchange: JudgedExchange) => Judgement;

/** The judgement of an exchange no contract covers (neither API's path). */
export const NO_CONTRACT: Judgement = { operation: null, verdict: { request: [], response: [], ok: true, unchecked: ['no contract covers this path'] } };

/**
 * An exchange as an entry: judged first, on the exchange as received (so masking a password cannot change a type
 * check), then redacted. After this the exchange itself can be dropped.
 */
export function presentExchange(id: string, exchange: Exchange, judge: Judge): JournalEntry {
  const x = asHttpExchange(exchange);
  const { operation, verdict, nearMisses } = judge(x);
  const found: FoundSecrets = new Set();
  const request = {
    method: x.method,
    path: redactPath(x.path, found),
    query: redactQuery(x.query, found),
    headers: redactHeaders(x.headers, found),
    body: x.body === null ? null : redactBody(x.body, found),
    bodyTruncated: x.bodyTruncated,
  };
  const responseHeaders = { ...x.responseHeaders };
  if (responseHeaders['content-length'] === undefined && x.status !== 0 && (exchange.responseBodyBytes !== null || exchange.responseBody !== null)) {
    responseHeaders['content-length'] = String(exchange.responseBodyBytes ?? Buffer.byteLength(exchange.responseBody!));
  }
  const response = {
    status: x.status,
    headers: redactHeaders(responseHeaders, found),
    body: x.responseBody === null || x.responseBody === '' ? null : redactBody(x.responseBody, found),
    bodyTruncated: x.responseBodyTruncated,
  };
  // A secret found in one place is masked wherever else the exchange repeats it.
  if (found.size > 0) {
    request.query = scrub(request.query, found);
    if (request.body !== null) request.body = scrub(request.body, found);
    if (response.body !== null) response.body = scrub(response.body, found);
    for (const headers of [request.headers, response.headers]) for (const name of Object.keys(headers)) headers[name] = scrub(headers[name]!, found);
  }
  // The verdict was made on the exchange as received, and a parameter's message quotes its value: mask it there too,
  // so what leaves the process (the admin API, the journal file, a CI report) never holds a secret the entry hides.
  const shownVerdict = found.size === 0 ? verdict : { ...verdict, request: verdict.request.map((v) => scrubViolation(v, found)), response: verdict.response.map((v) => scrubViolation(v, found)) };
  return {
    id,
    serverTime: new Date(exchange.serverTime).toISOString(),
    wallTime: new Date(exchange.wallTime).toISOString(),
    durationMs: exchange.durationMs,
    api: exchange.api,
    operation,
    request,
    response,
    verdict: shownVerdict,
    // The differences quote the path as sent: masked like everything else the entry shows.
    ...(nearMisses ? { nearMisses: found.size === 0 ? nearMisses : nearMisses.map((m) => ({ ...m, differences: m.differences.map((d) => scrub(d, found)) })) } : {}),
    chaos: exchange.chaos,
  };
}

/** A violation with every secret of its exchange masked in its text. */
const scrubViolation = (v: Violation, found: FoundSecrets): Violation => ({ ...v, where: scrub(v.where, found), message: scrub(v.message, found) });
