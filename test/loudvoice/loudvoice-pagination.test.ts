// LoudVoice pagination, in process: page / entries_per_page / order_direction with their defaults, 400s naming the
// parameter instead of clamping, the pagination node exactly (total_pages = ceil(total/per_page), 0 when empty,
// current_page echoed past the end), and stable creation order. Rules: LDV-PAGINATION-* (O3; rejection assumed).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loudVoiceApp } from './harness.js';

let lv: Awaited<ReturnType<typeof loudVoiceApp>>;
beforeEach(async () => {
  lv = await loudVoiceApp();
  for (let i = 1; i <= 4; i++) await lv.call('POST', '/loudvoice/authors.json', { request: { author: { author_reference: `P-${i}`, name: `P${i}` } } });
});
afterEach(() => lv.app.close());

const refs = (data: { authors: { entries: { author_reference: string }[] } }) => data.authors.entries.map((a) => a.author_reference);

describe('pagination', () => {
  it('answers the node exactly, with defaults 1, 250, asc', async () => {
    const res = await lv.call('GET', '/loudvoice/authors.json');
    expect(res.data.authors.pagination).toEqual({ current_page: 1, total_pages: 1, entries_per_page: 250, total_entries: 5, order: { field: 'date_creation', direction: 'asc' } });
    expect(refs(res.data)).toEqual(['USER-123456', 'P-1', 'P-2', 'P-3', 'P-4']);
  });

  it('cuts pages, orders desc in reverse creation order, and answers past the end with no entries', async () => {
    const p2 = await lv.call('GET', '/loudvoice/authors.json?page=2&entries_per_page=2');
    expect(p2.data.authors.pagination).toMatchObject({ current_page: 2, total_pages: 3, entries_per_page: 2, total_entries: 5 });
    expect(refs(p2.data)).toEqual(['P-2', 'P-3']);
    const desc = await lv.call('GET', '/loudvoice/authors.json?entries_per_page=2&order_direction=desc');
    expect(refs(desc.data)).toEqual(['P-4', 'P-3']);
    expect(desc.data.authors.pagination.order).toEqual({ field: 'date_creation', direction: 'desc' });
    const past = await lv.call('GET', '/loudvoice/authors.json?page=9');
    expect(past.status).toBe(200);
    expect(past.data.authors).toEqual({ pagination: { current_page: 9, total_pages: 1, entries_per_page: 250, total_entries: 5, order: { field: 'date_creation', direction: 'asc' } }, entries: [] });
  });

  it('answers total_pages 0 for an empty list', async () => {
    const res = await lv.call('GET', '/loudvoice/authors/sessions.json');
    expect(res.data.author_sessions.pagination).toMatchObject({ total_pages: 0, total_entries: 0, current_page: 1 });
  });

  it.each([
    ['page=0', 'The parameter [page] is invalid, an integer from 1 to 9007199254740991 is expected'],
    ['page=-1', 'The parameter [page] is invalid, an integer from 1 to 9007199254740991 is expected'],
    ['page=1.5', 'The parameter [page] is invalid, an integer from 1 to 9007199254740991 is expected'],
    ['page=abc', 'The parameter [page] is invalid, an integer from 1 to 9007199254740991 is expected'],
    ['page=1&page=2', 'The parameter [page] is invalid, an integer from 1 to 9007199254740991 is expected'],
    ['page=9007199254740992', 'The parameter [page] is invalid, an integer from 1 to 9007199254740991 is expected'],
    ['page=99999999999999999999', 'The parameter [page] is invalid, an integer from 1 to 9007199254740991 is expected'],
    ['entries_per_page=0', 'The parameter [entries_per_page] is invalid, an integer between 1 and 500 is expected'],
    ['entries_per_page=501', 'The parameter [entries_per_page] is invalid, an integer between 1 and 500 is expected'],
    ['entries_per_page=', 'The parameter [entries_per_page] is invalid, an integer between 1 and 500 is expected'],
    ['order_direction=up', 'The parameter [order_direction] is invalid, asc or desc is expected'],
    ['order_direction=ASC', 'The parameter [order_direction] is invalid, asc or desc is expected'],
  ])('refuses %s with 400 on every list', async (query, info) => {
    for (const path of ['/loudvoice/authors.json', '/loudvoice/comments.json', '/loudvoice/discussions.json', '/loudvoice/authors/sessions.json']) {
      const res = await lv.call('GET', `${path}?${query}`);
      expect(res.status).toBe(400);
      expect(res.info).toBe(info);
      expect(res.body.response.request.resource).toBe(`${path}?${query}`);
    }
  });

  it('accepts the bounds 1 and 500, and every page up to 9007199254740991 (16 digits)', async () => {
    expect((await lv.call('GET', '/loudvoice/authors.json?entries_per_page=500')).status).toBe(200);
    const last = await lv.call('GET', '/loudvoice/authors.json?page=9007199254740991');
    expect([last.status, last.data.authors.pagination.current_page, last.data.authors.entries]).toEqual([200, 9007199254740991, []]);
    expect((await lv.call('GET', '/loudvoice/authors.json?page=1000000000000000')).status).toBe(200);
    expect((await lv.call('GET', '/loudvoice/authors.json?entries_per_page=1&page=5')).data.authors.entries).toHaveLength(1);
  });
});
