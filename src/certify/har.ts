// The run's exchanges as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), so any HAR viewer (browsers'
// developer tools, Charles, Fiddler) opens the evidence. session-kit's own fields start with `_`, as the spec allows
// for custom fields: `_id` (what failures reference), `_test`, `_file`, `_api`.
import { queryPairs, type HarDocument, type HarEntryBase, type HarPair } from '../journal/har.js';
import type { ExchangeRecord } from './exchange-record.js';

export type { HarPair };

/** One HAR entry, with session-kit's custom fields; the kit keeps every response body, so `content.text` is always there. */
export interface HarEntry extends HarEntryBase {
  response: HarEntryBase['response'] & { content: { text: string } };
  _id: string;
  _api: ExchangeRecord['api'];
  _file: string;
  _test: string;
}

/** A HAR 1.2 document of a run's exchanges. */
export type Har = HarDocument<HarEntry>;

const pairs = (list: [string, string][]): HarPair[] => list.map(([name, value]) => ({ name, value }));
const header = (list: [string, string][], name: string) => list.find(([n]) => n.toLowerCase() === name)?.[1];

/** The query of a URL as HAR pairs (markers such as `«secret:…»` are not percent-encoded: split by hand). */
const queryOf = (url: string): HarPair[] => (url.includes('?') ? queryPairs(url.slice(url.indexOf('?') + 1)) : []);

/** One recorded exchange as a HAR entry. */
export function harEntry(e: ExchangeRecord): HarEntry {
  const requestType = header(e.requestHeaders, 'content-type') ?? 'application/octet-stream';
  return {
    startedDateTime: e.startedAt,
    time: e.durationMs,
    request: {
      method: e.method,
      url: e.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(e.requestHeaders),
      queryString: queryOf(e.url),
      ...(e.requestBody !== undefined ? { postData: { mimeType: requestType, text: e.requestBody } } : {}),
      headersSize: -1,
      bodySize: e.requestBody === undefined ? 0 : Buffer.byteLength(e.requestBody),
    },
    response: {
      status: e.status,
      statusText: e.statusText,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(e.responseHeaders),
      content: { size: Buffer.byteLength(e.responseBody), mimeType: header(e.responseHeaders, 'content-type') ?? '', text: e.responseBody },
      redirectURL: '',
      headersSize: -1,
      bodySize: Buffer.byteLength(e.responseBody),
    },
    cache: {},
    timings: { send: 0, wait: e.durationMs, receive: 0 },
    ...(e.note !== undefined ? { comment: e.note } : {}),
    _id: e.id,
    _api: e.api,
    _file: e.file,
    _test: e.test,
  };
}

/** Every exchange of a run as one HAR document, in the order the log holds them (the order they were answered). */
export function toHar(exchanges: readonly ExchangeRecord[], creator: { name: string; version: string }): Har {
  return {
    log: {
      version: '1.2',
      creator,
      comment: 'Every HTTP exchange of a session-kit conformance run. Credentials are replaced by markers: «secret:PLACE» (a value of the target file), «basic:PLACE:PLACE», «from:ID:POINTER» (a value an earlier response gave), «redacted».',
      entries: exchanges.map(harEntry),
    },
  };
}
