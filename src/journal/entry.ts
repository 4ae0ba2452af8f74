// The journal's entry model: what is captured on the hot path (an Exchange: references, no copies, no parsing) and
// what an entry looks like when it is read (a JournalEntry: redacted, capped, with its contract verdict).
import type { HttpExchange, Judgement, MatchedOperation, Verdict } from '../contract/verdict.js';
import { redactBody, redactHeaders, redactPath, redactQuery, scrub, type FoundSecrets } from './redaction.js';

/** What a chaos rule did to a request, as the chaos layer reports it. */
export interface ChaosNote {
  ruleId: string;
  action: unknown;
}

/** One exchange as captured, before anything is redacted or judged. Holds secrets: never leaves the process. */
export interface Exchange extends HttpExchange {
  /** The server clock when the request arrived (ms since the epoch). */
  serverTime: number;
  /** The real time when the request arrived (ms since the epoch). */
  wallTime: number;
  durationMs: number;
  api: 'livevox' | 'loudvoice' | null;
  chaos: ChaosNote | null;
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
  chaos: ChaosNote | null;
}

/** Judges an exchange against its API's contract (the verdict port: the contracts are loaded by the caller). */
export type Judge = (exchange: Exchange) => Judgement;

/** The judgement of an exchange no contract covers (neither API's path). */
export const NO_CONTRACT: Judgement = { operation: null, verdict: { request: [], response: [], ok: true, unchecked: ['no contract covers this path'] } };

/**
 * An exchange as an entry: judged first, on the exchange as received (so masking a password cannot change a type
 * check), then redacted. After this the exchange itself can be dropped.
 */
export function presentExchange(id: string, x: Exchange, judge: Judge): JournalEntry {
  const { operation, verdict } = judge(x);
  const found: FoundSecrets = new Set();
  const request = {
    method: x.method,
    path: redactPath(x.path, found),
    query: redactQuery(x.query, found),
    headers: redactHeaders(x.headers, found),
    body: x.body === null ? null : redactBody(x.body, found),
    bodyTruncated: x.bodyTruncated,
  };
  const response = {
    status: x.status,
    headers: redactHeaders(x.responseHeaders, found),
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
  return {
    id,
    serverTime: new Date(x.serverTime).toISOString(),
    wallTime: new Date(x.wallTime).toISOString(),
    durationMs: x.durationMs,
    api: x.api,
    operation,
    request,
    response,
    verdict,
    chaos: x.chaos,
  };
}
