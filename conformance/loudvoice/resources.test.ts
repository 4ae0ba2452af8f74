// LoudVoice resources: read-your-writes, deletes, counters and pagination.
// - Authors, discussions and comments read back as written, by token and by reference (vendor docs: the seed's
//   resource table; O5, O6, O7).
// - Every DELETE needs confirm_deletion=true, otherwise nothing is deleted (vendor docs O4, O5; status assumed).
// - A comment on an unknown discussion token is 404 with the documented info text (observed: OneAll's plugin).
// - Deleting a discussion deletes its comments (observed: OneAll's examples); counters stay true (assumed).
// - Lists paginate with page / entries_per_page (default 250, max 500) / order_direction, and the pagination node's
//   totals and the order agree with what was written (vendor docs O3).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { kitHttp, rule, runTag } from '../harness/context.js';
import { everyResponseMatchesTheContract } from '../harness/contract-check.js';
import type { KitHttp } from '../harness/http.js';
import { assertProperty } from '../harness/property.js';
import { dataOf, LoudVoiceCalls, statusOf } from './loudvoice-client.js';

let http: KitHttp;
let ldv: LoudVoiceCalls;
beforeAll(async () => {
  http = await kitHttp('loudvoice');
  ldv = new LoudVoiceCalls(http);
});

let serial = 0;
const unique = (what: string) => `${runTag}-${what}-${++serial}`;

async function newDiscussion(): Promise<{ token: string; reference: string }> {
  const reference = unique('discussion');
  const res = await ldv.send('POST', '/loudvoice/discussions.json', { request: { discussion: { discussion_reference: reference, title: `Title ${reference}`, url: 'https://www.example.com/a' } } });
  expect(res.status).toBe(201);
  return { token: dataOf(res).discussion.discussion_token, reference };
}

async function newAuthor(): Promise<{ token: string; reference: string }> {
  const reference = unique('author');
  const res = await ldv.createAuthor({ author_reference: reference, name: `Author ${reference}`, email: `${reference}@example.com` });
  expect(res.status).toBe(201);
  return { token: dataOf(res).author.author_token, reference };
}

async function newComment(discussion: string, author: string, parent?: string): Promise<string> {
  const res = await ldv.send('POST', '/loudvoice/comments.json', {
    request: { discussion: { discussion_token: discussion }, comment: { text: `Comment ${unique('c')}`, parent_comment_token: parent ?? '', author: { author_token: author } } },
  });
  expect(res.status).toBe(201);
  return dataOf(res).comment.comment_token;
}

describe('read your writes', () => {
  it(rule(['LDV-AUTHOR-READ', 'LDV-AUTHOR-READ-BY-REFERENCE', 'LDV-AUTHOR-UPDATE-200', 'LDV-LAST-UPDATE-ON-CHANGE', 'LDV-NULL-WHEN-ABSENT'], 'an author reads back as written and as updated'), async () => {
    const author = await newAuthor();
    const read = await ldv.author(author.token);
    expect(read.status).toBe(200);
    expect(dataOf(read).author).toMatchObject({ author_token: author.token, author_reference: author.reference, date_last_update: null, num_comments: 0 });
    const update = await ldv.send('PUT', `/loudvoice/authors/${author.token}.json`, { request: { author: { description: 'Updated description' } } });
    expect(update.status).toBe(200);
    const again = dataOf(await ldv.authorByReference(author.reference)).author;
    expect(again.description).toBe('Updated description');
    expect(again.date_last_update).not.toBeNull();
  });

  it(rule(['LDV-DISCUSSION-CREATE-201', 'LDV-DISCUSSION-READ', 'LDV-DISCUSSION-READ-BY-REFERENCE', 'LDV-DISCUSSION-UPSERT-201-CREATED', 'LDV-DISCUSSION-UPSERT-200-EXISTING', 'LDV-DISCUSSION-UPSERT-CREATE-NOT-ALLOWED-404'], 'discussions read back; PUT by reference creates (201) then updates (200)'), async () => {
    const created = await newDiscussion();
    expect(dataOf(await ldv.send('GET', `/loudvoice/discussions/${created.token}.json`)).discussion.discussion_reference).toBe(created.reference);
    expect(dataOf(await ldv.send('GET', `/loudvoice/discussions/discussion.json?discussion_reference=${created.reference}`)).discussion.discussion_token).toBe(created.token);
    const reference = unique('upsert');
    const notAllowed = await ldv.send('PUT', '/loudvoice/discussions.json', { request: { discussion: { discussion_reference: reference, title: 'T' } } });
    expect(notAllowed.status).toBe(404);
    const first = await ldv.send('PUT', '/loudvoice/discussions.json', { request: { discussion: { discussion_reference: reference, title: 'T', allow_create_discussion_reference: true } } });
    expect(first.status).toBe(201);
    const second = await ldv.send('PUT', '/loudvoice/discussions.json', { request: { discussion: { discussion_reference: reference, title: 'T2', allow_create_discussion_reference: true } } });
    expect(second.status).toBe(200);
    expect(dataOf(second).discussion).toMatchObject({ discussion_token: dataOf(first).discussion.discussion_token, title: 'T2' });
  });

  it(rule(['LDV-COMMENT-CREATE-201', 'LDV-COMMENT-READ', 'LDV-COUNTERS-TRUE', 'LDV-DISCUSSION-COMMENTS-LIST', 'LDV-DISCUSSION-COMMENTS-ALIAS-PATH', 'LDV-DISCUSSION-COMMENTS-BY-REFERENCE'], 'comments read back, are listed by every path form, and keep the counters true'), async () => {
    const discussion = await newDiscussion();
    const author = await newAuthor();
    const top = await newComment(discussion.token, author.token);
    const reply = await newComment(discussion.token, author.token, top);
    const read = dataOf(await ldv.send('GET', `/loudvoice/comments/${reply}.json`)).comment;
    expect(read).toMatchObject({ comment_token: reply, parent_comment_token: top });
    expect(dataOf(await ldv.send('GET', `/loudvoice/comments/${top}.json`)).comment.num_child_comments).toBe(1);
    expect(dataOf(await ldv.author(author.token)).author.num_comments).toBe(2);
    expect(dataOf(await ldv.send('GET', `/loudvoice/discussions/${discussion.token}.json`)).discussion.num_comments).toBe(2);
    for (const path of [
      `/loudvoice/comments/${discussion.token}/comments.json`,
      `/loudvoice/discussions/${discussion.token}/comments.json`,
      `/loudvoice/discussions/discussion/comments.json?discussion_reference=${discussion.reference}`,
    ]) {
      const list = dataOf(await ldv.send('GET', path)).comments;
      expect(list.pagination.total_entries, path).toBe(2);
      expect(list.entries.map((c: { comment_token: string }) => c.comment_token)).toEqual([top, reply]);
    }
  });

  it(rule('LDV-COMMENT-DISCUSSION-UNKNOWN-404', 'a comment on an unknown discussion token is 404 with the documented info text'), async () => {
    const author = await newAuthor();
    const res = await ldv.send('POST', '/loudvoice/comments.json', {
      request: { discussion: { discussion_token: '00000000-0000-4000-8000-0000000000aa' }, comment: { text: 'Hello', author: { author_token: author.token } } },
    });
    expect(res.status).toBe(404);
    expect(statusOf(res).info).toBe('The node [request->discussion->discussion_token] is invalid, no discussion has been found for that token');
  });
});

describe('deletes', () => {
  it(rule(['LDV-DELETE-CONFIRM', 'LDV-SESSION-DELETE-CONFIRM', 'LDV-DELETE-RETURNS-NODE', 'LDV-SESSION-DELETE-200', 'LDV-SESSION-DELETE-UNKNOWN-404'], 'every DELETE without confirm_deletion=true is refused and deletes nothing'), async () => {
    const discussion = await newDiscussion();
    const author = await newAuthor();
    const comment = await newComment(discussion.token, author.token);
    const session = dataOf(await ldv.startSession({ author_token: author.token })).author_session.author_session_token;
    const targets = [
      { del: `/loudvoice/comments/${comment}.json`, read: `/loudvoice/comments/${comment}.json` },
      { del: `/loudvoice/discussions/${discussion.token}.json`, read: `/loudvoice/discussions/${discussion.token}.json` },
      { del: `/loudvoice/authors/${author.token}.json`, read: `/loudvoice/authors/${author.token}.json` },
      { del: `/loudvoice/authors/author.json?author_reference=${author.reference}`, read: `/loudvoice/authors/${author.token}.json` },
    ];
    for (const query of ['', '?confirm_deletion=false', '?confirm_deletion=yes']) {
      for (const t of targets) {
        const path = query && t.del.includes('?') ? `${t.del}&${query.slice(1)}` : `${t.del}${query}`;
        const res = await ldv.send('DELETE', path);
        expect(res.status, path).toBe(400);
        expect((await ldv.send('GET', t.read)).status, `${t.read} still there`).toBe(200);
      }
      const res = await ldv.send('DELETE', `/loudvoice/authors/sessions/${session}.json${query}`);
      expect(res.status).toBe(400);
      expect((dataOf(await ldv.sessionsOf(author.token)).author_sessions.entries as unknown[]).length).toBe(1);
    }
    const deleted = await ldv.deleteSession(session);
    expect(deleted.status).toBe(200);
    expect(dataOf(deleted).author_session.author_session_token).toBe(session);
    expect((await ldv.deleteSession(session)).status).toBe(404);
  });

  it(rule(['LDV-DISCUSSION-DELETE-200', 'LDV-DISCUSSION-DELETE-CASCADES', 'LDV-COMMENT-DELETE-SUB-COMMENTS-TRUE', 'LDV-COMMENT-DELETE-SUB-COMMENTS-FALSE', 'LDV-COMMENT-DELETE-200'], 'deleting a discussion takes its comments; deleting a comment takes or lifts its replies'), async () => {
    const author = await newAuthor();
    const d1 = await newDiscussion();
    const top = await newComment(d1.token, author.token);
    const reply = await newComment(d1.token, author.token, top);
    const replyToReply = await newComment(d1.token, author.token, reply);
    expect((await ldv.send('DELETE', `/loudvoice/comments/${reply}.json?confirm_deletion=true`)).status).toBe(200);
    expect(dataOf(await ldv.send('GET', `/loudvoice/comments/${replyToReply}.json`)).comment.parent_comment_token, 'replies move up').toBe(top);
    expect((await ldv.send('DELETE', `/loudvoice/comments/${top}.json?confirm_deletion=true&delete_sub_comments=true`)).status).toBe(200);
    expect((await ldv.send('GET', `/loudvoice/comments/${replyToReply}.json`)).status, 'sub-comments deleted').toBe(404);
    const d2 = await newDiscussion();
    const c = await newComment(d2.token, author.token);
    expect(dataOf(await ldv.author(author.token)).author.num_comments).toBe(1);
    expect((await ldv.send('DELETE', `/loudvoice/discussions/${d2.token}.json?confirm_deletion=true`)).status).toBe(200);
    expect((await ldv.send('GET', `/loudvoice/comments/${c}.json`)).status, "the discussion's comments are gone").toBe(404);
    expect(dataOf(await ldv.author(author.token)).author.num_comments, 'counters recomputed').toBe(0);
  });
});

describe('pagination', () => {
  it(rule(['LDV-PAGINATION-NODE', 'LDV-PAGINATION-ORDER', 'LDV-AUTHOR-LIST'], 'for any page size, page and direction, the pagination node and the entries agree with the whole list'), async () => {
    // Write a few authors so the list has several pages whatever the deployment holds.
    for (let i = 0; i < 3; i++) await newAuthor();
    const full = dataOf(await ldv.list('/loudvoice/authors.json', '?entries_per_page=500')).authors;
    const total = full.pagination.total_entries as number;
    expect(total).toBeGreaterThanOrEqual(3);
    const all = (full.entries as { author_token: string }[]).map((a) => a.author_token);
    if (total <= 500) expect(all).toHaveLength(total);
    await assertProperty(
      http,
      fc.asyncProperty(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 6 }), fc.constantFrom('asc', 'desc'), async (perPage, page, direction) => {
        const res = await ldv.list('/loudvoice/authors.json', `?entries_per_page=${perPage}&page=${page}&order_direction=${direction}`);
        expect(res.status).toBe(200);
        const { pagination, entries } = dataOf(res).authors;
        expect(pagination).toEqual({
          current_page: page,
          total_pages: Math.ceil(total / perPage),
          entries_per_page: perPage,
          total_entries: total,
          order: { field: 'date_creation', direction },
        });
        const ordered = direction === 'asc' ? all : [...all].reverse();
        expect(entries.map((a: { author_token: string }) => a.author_token)).toEqual(ordered.slice((page - 1) * perPage, page * perPage));
      }),
      { numRuns: 20 },
    );
  });

  it(rule('LDV-PAGINATION-PARAMS', 'out-of-range or malformed page parameters are 400 naming the parameter'), async () => {
    for (const query of ['?page=0', '?page=-1', '?page=abc', '?entries_per_page=0', '?entries_per_page=501', '?entries_per_page=2.5', '?order_direction=up']) {
      const res = await ldv.list('/loudvoice/authors.json', query);
      expect(res.status, query).toBe(400);
      expect(statusOf(res).info).toMatch(/^The parameter \[(page|entries_per_page|order_direction)\]/);
    }
  });

  it(rule(['LDV-SESSION-LIST-FILTER', 'LDV-SESSION-LIST-FILTER-UNSUPPORTED'], 'the sessions list filters by author_token only'), async () => {
    const author = await newAuthor();
    await ldv.startSession({ author_token: author.token });
    const filtered = dataOf(await ldv.sessionsOf(author.token)).author_sessions;
    expect(filtered.entries).toHaveLength(1);
    expect(filtered.entries[0].author.author_token).toBe(author.token);
    for (const filter of ['name:eq:x', `author_token:ne:${author.token}`, 'author_token:eq:not-a-uuid']) {
      expect((await ldv.list('/loudvoice/authors/sessions.json', `?filters=${filter}`)).status, filter).toBe(400);
    }
  });
});

everyResponseMatchesTheContract('loudvoice', () => http);
