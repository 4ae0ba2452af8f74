// Journal entries as an HTTP Archive (HAR 1.2, http://www.softwareishard.com/blog/har-12-spec/): the form browsers'
// developer tools, proxies and HAR viewers read, so a CI job's evidence opens anywhere. Built from entries as the
// journal shows them (redacted), so the archive holds no secret the journal hides. What the journal does not record
// (HTTP version, header sizes, timing phases) is given as HAR says unknown values are: -1, or the defaults noted.
import type { JournalEntry } from './entry.js';

/** A HAR 1.2 name/value pair (headers, query string). */
export interface HarPair {
  name: string;
  value: string;
}

/** A HAR 1.2 request, as every archive session-kit writes has it (the journal's and the kit's evidence alike). */
export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarPair[];
  headers: HarPair[];
  queryString: HarPair[];
  postData?: { mimeType: string; text: string };
  headersSize: number;
  bodySize: number;
}

/** A HAR 1.2 response (`content.text` absent when there was no body). */
export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarPair[];
  headers: HarPair[];
  content: { size: number; mimeType: string; text?: string };
  redirectURL: string;
  headersSize: number;
  bodySize: number;
}

/** A HAR 1.2 entry's fields, before the custom `_` fields each archive adds. */
export interface HarEntryBase {
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, never>;
  /** send, wait and receive are required; the other phases are -1 when unknown. */
  timings: { blocked?: number; dns?: number; connect?: number; send: number; wait: number; receive: number; ssl?: number };
  comment?: string;
}

/** A HAR 1.2 document of some kind of entry. */
export interface HarDocument<Entry extends HarEntryBase> {
  log: { version: '1.2'; creator: { name: string; version: string }; entries: Entry[]; comment?: string };
}

/** One HAR 1.2 entry, with the journal's id, operation, verdict and chaos note as custom `_sessionKit` fields. */
export interface HarEntry extends HarEntryBase {
  _sessionKit: Pick<JournalEntry, 'id' | 'api' | 'operation' | 'verdict' | 'chaos'> & { requestBodyTruncated: boolean; responseBodyTruncated: boolean };
}

/** A HAR 1.2 document of journal entries. */
export type Har = HarDocument<HarEntry>;

/** Reason phrases of the statuses the two APIs answer (HAR wants one; the journal keeps only the number). */
const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

const pairs = (headers: Record<string, string>): HarPair[] => Object.entries(headers).map(([name, value]) => ({ name, value }));

/**
 * The query string (without `?`) as HAR's decoded pairs, split by hand so a value that does not decode (or a
 * redaction marker) is kept as sent. The kit's evidence (src/certify/har.ts) reads queries the same way.
 */
export function queryPairs(query: string): HarPair[] {
  if (query === '') return [];
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0 ? { name: decode(pair), value: '' } : { name: decode(pair.slice(0, eq)), value: decode(pair.slice(eq + 1)) };
  });
}

/** A header's value by lower-case name, or undefined. */
const header = (headers: Record<string, string>, name: string): string | undefined => headers[name];

/** One entry as a HAR entry; `origin` is used when the request named no Host (HTTP/1.0, or a test without one). */
export function harEntry(e: JournalEntry, origin: string): HarEntry {
  const host = header(e.request.headers, 'host');
  const url = `${host ? `http://${host}` : origin}${e.request.path}${e.request.query === '' ? '' : `?${e.request.query}`}`;
  const requestBody = e.request.body;
  const responseBody = e.response.body;
  const responseType = header(e.response.headers, 'content-type') ?? (responseBody === null ? '' : 'application/octet-stream');
  const length = Number(header(e.response.headers, 'content-length'));
  return {
    startedDateTime: e.wallTime,
    time: e.durationMs,
    request: {
      method: e.request.method,
      url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(e.request.headers),
      queryString: queryPairs(e.request.query),
      ...(requestBody !== null ? { postData: { mimeType: header(e.request.headers, 'content-type') ?? '', text: requestBody } } : {}),
      headersSize: -1,
      // The body as shown (secrets masked, perhaps cut at the journal's cap) is not what was sent: its size is unknown.
      bodySize: requestBody === null ? 0 : -1,
    },
    response: {
      status: e.response.status,
      statusText: STATUS_TEXT[e.response.status] ?? '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(e.response.headers),
      content: { size: Number.isSafeInteger(length) ? length : responseBody === null ? 0 : -1, mimeType: responseType, ...(responseBody !== null ? { text: responseBody } : {}) },
      redirectURL: header(e.response.headers, 'location') ?? '',
      headersSize: -1,
      bodySize: Number.isSafeInteger(length) ? length : responseBody === null ? 0 : -1,
    },
    cache: {},
    // The journal times an exchange from arrival to the response handed to the socket: the server's wait.
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: e.durationMs, receive: 0, ssl: -1 },
    _sessionKit: { id: e.id, api: e.api, operation: e.operation, verdict: e.verdict, chaos: e.chaos, requestBodyTruncated: e.request.bodyTruncated, responseBodyTruncated: e.response.bodyTruncated },
  };
}

/** Entries (any order) as a HAR 1.2 document, oldest first as HAR viewers expect. */
export function toHar(entries: readonly JournalEntry[], creator: { name: string; version: string }, origin: string): Har {
  const ordered = [...entries].sort((a, b) => Number(a.id) - Number(b.id));
  return {
    log: {
      version: '1.2',
      creator,
      entries: ordered.map((e) => harEntry(e, origin)),
      comment: 'session-kit request journal: secrets redacted as GET /__admin/requests shows them; each entry\'s contract verdict is in _sessionKit',
    },
  };
}
