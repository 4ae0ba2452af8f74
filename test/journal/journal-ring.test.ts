// The journal's ring on its own (no server): bounded, newest first, ids never reused, eviction counted, entries
// presented once (judged on the raw exchange, then the raw exchange dropped), filters on what an entry shows.
import { describe, expect, it } from 'vitest';
import type { Judgement } from '../../src/contract/judge-exchange.js';
import type { Exchange, JudgedExchange } from '../../src/journal/entry.js';
import { RequestJournal } from '../../src/journal/journal.js';

const exchange = (n: number, over: Partial<Exchange> = {}): Exchange => ({
  serverTime: 1_000 + n,
  wallTime: 2_000 + n,
  durationMs: 1,
  api: 'livevox',
  chaos: null,
  method: 'GET',
  url: `/session/validate/session-id-number-${n}`,
  requestHeaders: '',
  body: null,
  bodyTruncated: false,
  route: '/session/validate/:sessionId',
  status: 404,
  responseHeaders: '',
  responseBody: null,
  responseBodyTruncated: false,
  responseBodyBytes: null,
  ...over,
});

const OK: Judgement = { operation: null, verdict: { request: [], response: [], ok: true, unchecked: [] } };

describe('RequestJournal', () => {
  it('keeps the newest `capacity` entries, newest first, and counts the ones pushed out', () => {
    const journal = new RequestJournal(3);
    for (let n = 1; n <= 7; n++) journal.record(exchange(n));
    expect(journal.meta()).toEqual({ total: 3, capacity: 3, dropped: 4 });
    expect(journal.list({}, 10, () => OK).map((e) => e.id)).toEqual(['7', '6', '5']);
    expect(journal.list({}, 2, () => OK).map((e) => e.id)).toEqual(['7', '6']);
    expect(journal.get('4', () => OK)).toBeUndefined();
    expect(journal.get('5', () => OK)?.serverTime).toBe(new Date(1_005).toISOString());
  });

  it('clears without reusing ids', () => {
    const journal = new RequestJournal(2);
    journal.record(exchange(1));
    journal.record(exchange(2));
    journal.clear();
    expect(journal.meta()).toEqual({ total: 0, capacity: 2, dropped: 0 });
    expect(journal.list({}, 10, () => OK)).toEqual([]);
    journal.record(exchange(3));
    expect(journal.list({}, 10, () => OK).map((e) => e.id)).toEqual(['3']);
    expect(journal.get('1', () => OK)).toBeUndefined();
  });

  it('judges an entry once, on the raw exchange, and shows it redacted', () => {
    const journal = new RequestJournal(5);
    journal.record(exchange(1, { body: '{"password":"Demo-Pass-1"}' }));
    const seen: (string | null)[] = [];
    const judge = (x: JudgedExchange) => {
      seen.push(x.body);
      return OK;
    };
    const first = journal.get('1', judge);
    const again = journal.list({}, 10, judge)[0];
    expect(seen).toEqual(['{"password":"Demo-Pass-1"}']);
    expect(again).toBe(first);
    expect(first?.request.body).toBe('{"password":"…"}');
  });

  it('filters on api, method, status, the shown path and since; capacity 0 keeps nothing', () => {
    const journal = new RequestJournal(10);
    journal.record(exchange(1));
    journal.record(exchange(2, { api: 'loudvoice', method: 'PUT', url: '/loudvoice/authors/sessions.json', status: 201 }));
    journal.record(exchange(3, { wallTime: 1_500 }));
    const ids = (filter: Parameters<RequestJournal['list']>[0]) => journal.list(filter, 10, () => OK).map((e) => e.id);
    expect(ids({ api: 'loudvoice' })).toEqual(['2']);
    expect(ids({ method: 'GET' })).toEqual(['3', '1']);
    expect(ids({ status: 201 })).toEqual(['2']);
    expect(ids({ pathPrefix: '/session/validate/' })).toEqual(['3', '1']);
    // The path is matched as shown: a session id's hidden part cannot be probed.
    expect(ids({ pathPrefix: '/session/validate/session-id' })).toEqual([]);
    // A slow exchange finishes after younger ones: since is checked on every entry, not assumed in order.
    expect(ids({ sinceWallTime: 2_001 })).toEqual(['2', '1']);
    const off = new RequestJournal(0);
    off.record(exchange(1));
    expect(off.meta()).toEqual({ total: 0, capacity: 0, dropped: 0 });
    expect(off.list({}, 10, () => OK)).toEqual([]);
  });

  it('also lets go of the oldest entries when their bytes are needed for newer ones, and counts them', () => {
    const journal = new RequestJournal(100);
    const big = 'x'.repeat(60_000);
    for (let n = 1; n <= 40; n++) journal.record(exchange(n, { body: big, responseBody: big }));
    const { total, dropped } = journal.meta();
    expect(total).toBeLessThan(40);
    expect(total + dropped).toBe(40);
    const newest = journal.list({}, 100, () => OK);
    expect(newest[0]!.id).toBe('40');
    expect(newest.every((e) => e.request.body === big)).toBe(true);
    expect(journal.get(String(40 - total), () => OK)).toBeUndefined();
  });

  it('gives back every field as recorded: any text, null and empty fields, repeated headers', () => {
    const journal = new RequestJournal(3);
    const odd = '{"text":"naïve 😀 \ud800 end"}';
    journal.record(exchange(1, { body: odd, requestHeaders: 'LV-Session\na\nlv-session\nb\nHost\nx', route: null, responseBody: '', responseHeaders: 'content-type\napplication/json' }));
    let seen: JudgedExchange | undefined;
    const entry = journal.get('1', (x) => {
      seen = x;
      return OK;
    })!;
    expect(seen!.body).toBe(odd.replace('\ud800', '\ufffd'));
    expect(seen!.headers).toEqual({ 'lv-session': ['a', 'b'], host: 'x' });
    expect(seen!.route).toBeNull();
    expect(seen!.responseBody).toBe('');
    expect(entry.request.headers['lv-session']).toBe('…, …');
    expect(entry.response.headers['content-type']).toBe('application/json');
  });
});
