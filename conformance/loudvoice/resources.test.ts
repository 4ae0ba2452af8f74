// LoudVoice resources: read-your-writes, deletes, counters and pagination; every check pinned to one rule.
// - Authors, discussions and comments read back as written, by token and by reference (vendor docs: the seed's
//   resource table; O5, O6, O7); create statuses, partial updates and counters are assumed or observed.
// - Every DELETE needs confirm_deletion=true, otherwise nothing is deleted (vendor docs O4, O5); 400 is assumed.
// - A comment on an unknown discussion token is 404 with the info text OneAll's plugin matches (observed).
// - Deleting a discussion deletes its comments (observed: OneAll's examples).
// - Lists paginate with page / entries_per_page (default 250, max 500) / order_direction; the pagination node's totals
//   and the order agree with what was written (vendor docs O3). Refusing out-of-range values is assumed.
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { advanceClock } from '../harness/admin.js';
import { check, expect } from '../harness/checks.js';
import { kitHttp, rule, runTag } from '../harness/context.js';
import { everyResponseMatchesTheContract } from '../harness/contract-check.js';
import type { KitHttp } from '../harness/http.js';
import { assertProperty } from '../harness/property.js';
import { createdToken, dataOf, errorIs, listOf, LoudVoiceCalls, nodeOf, refused, statusOf } from './loudvoice-client.js';

let http: KitHttp;
let ldv: LoudVoiceCalls;
beforeAll(async () => {
  http = await kitHttp('loudvoice');
  ldv = new LoudVoiceCalls(http);
});

/** Lets a second pass on the target's clock: moved when the target offers clock control, waited for otherwise. */
async function aSecondLater(): Promise<void> {
  if (http.target.capabilities.clock) await advanceClock(http, 1000);
  else await new Promise((done) => setTimeout(done, 1100));
}

let serial = 0;
const unique = (what: string) => `${runTag}-${what}-${++serial}`;

async function newDiscussion(): Promise<{ token: string; reference: string }> {
  const reference = unique('discussion');
  const res = await ldv.send('POST', '/loudvoice/discussions.json', { request: { discussion: { discussion_reference: reference, title: `Title ${reference}`, url: 'https://www.example.com/a' } } });
  return { token: await createdToken(res, 'discussion', 'discussion_token', 'LDV-DISCUSSION-CREATE-201'), reference };
}

async function newAuthor(): Promise<{ token: string; reference: string }> {
  const reference = unique('author');
  const res = await ldv.createAuthor({ author_reference: reference, name: `Author ${reference}`, email: `${reference}@example.com` });
  return { token: await createdToken(res, 'author', 'author_token', 'LDV-AUTHOR-CREATE-201'), reference };
}

async function newComment(discussion: string, author: string, parent?: string): Promise<string> {
  const res = await ldv.send('POST', '/loudvoice/comments.json', {
    request: { discussion: { discussion_token: discussion }, comment: { text: `Comment ${unique('c')}`, parent_comment_token: parent ?? '', author: { author_token: author } } },
  });
  return createdToken(res, 'comment', 'comment_token', 'LDV-COMMENT-CREATE-201');
}

describe('read your writes', () => {
  it(rule(['LDV-AUTHOR-READ', 'LDV-AUTHOR-READ-BY-REFERENCE', 'LDV-AUTHOR-UPDATE-200', 'LDV-AUTHOR-UPDATE-PARTIAL', 'LDV-LAST-UPDATE-NULL-WHEN-NEW', 'LDV-LAST-UPDATE-ON-CHANGE', 'LDV-NULL-WHEN-ABSENT', 'LDV-COUNTERS-TRUE'], 'an author reads back as written and as updated'), async () => {
    const author = await newAuthor();
    const read = await ldv.author(author.token);
    await check('LDV-AUTHOR-READ', () => {
      expect(read.status).toBe(200);
      expect(nodeOf(read, 'author')).toMatchObject({ author_token: author.token, author_reference: author.reference });
    });
    const node = nodeOf(read, 'author') ?? {};
    await check('LDV-NULL-WHEN-ABSENT', () => {
      expect(node, 'an author never described has description null, not absent').toHaveProperty('description');
      expect(node.description).toBeNull();
    });
    await check('LDV-LAST-UPDATE-NULL-WHEN-NEW', () => expect(node.date_last_update, 'a new author').toBeNull());
    await check('LDV-COUNTERS-TRUE', () => expect(node.num_comments).toBe(0));
    const update = await ldv.send('PUT', `/loudvoice/authors/${author.token}.json`, { request: { author: { description: 'Updated description' } } });
    await check('LDV-AUTHOR-UPDATE-200', () => expect(update.status).toBe(200));
    const again = await ldv.authorByReference(author.reference);
    await check('LDV-AUTHOR-READ-BY-REFERENCE', () => expect(again.status).toBe(200));
    const after = nodeOf(again, 'author') ?? {};
    await check('LDV-AUTHOR-UPDATE-200', () => expect(after.description, 'the update is stored').toBe('Updated description'));
    await check('LDV-AUTHOR-UPDATE-PARTIAL', () => expect(after.name, 'fields not sent stay').toBe(`Author ${author.reference}`));
    await check('LDV-LAST-UPDATE-ON-CHANGE', () => expect(after.date_last_update).not.toBeNull());
  });

  it(rule(['LDV-DISCUSSION-CREATE-201', 'LDV-DISCUSSION-READ', 'LDV-DISCUSSION-READ-BY-REFERENCE', 'LDV-DISCUSSION-UPSERT-201-CREATED', 'LDV-DISCUSSION-UPSERT-200-EXISTING', 'LDV-DISCUSSION-UPSERT-CREATE-NOT-ALLOWED-404'], 'discussions read back; PUT by reference creates (201) then updates (200)'), async () => {
    const created = await newDiscussion();
    const byToken = await ldv.send('GET', `/loudvoice/discussions/${created.token}.json`);
    await check('LDV-DISCUSSION-READ', () => {
      expect(byToken.status).toBe(200);
      expect(dataOf(byToken).discussion.discussion_reference).toBe(created.reference);
    });
    const byReference = await ldv.send('GET', `/loudvoice/discussions/discussion.json?discussion_reference=${created.reference}`);
    await check('LDV-DISCUSSION-READ-BY-REFERENCE', () => {
      expect(byReference.status).toBe(200);
      expect(dataOf(byReference).discussion.discussion_token).toBe(created.token);
    });
    const unknown = await ldv.send('GET', `/loudvoice/discussions/discussion.json?discussion_reference=${unique('nothing')}`);
    await check('LDV-DISCUSSION-READ-BY-REFERENCE', () => expect(unknown.status, 'an unknown reference').toBe(404));
    const reference = unique('upsert');
    const notAllowed = await ldv.send('PUT', '/loudvoice/discussions.json', { request: { discussion: { discussion_reference: reference, title: 'T' } } });
    await check('LDV-DISCUSSION-UPSERT-CREATE-NOT-ALLOWED-404', () => expect(notAllowed.status).toBe(404));
    const first = await ldv.send('PUT', '/loudvoice/discussions.json', { request: { discussion: { discussion_reference: reference, title: 'T', allow_create_discussion_reference: true } } });
    await check('LDV-DISCUSSION-UPSERT-201-CREATED', () => expect(first.status).toBe(201));
    const second = await ldv.send('PUT', '/loudvoice/discussions.json', { request: { discussion: { discussion_reference: reference, title: 'T2', allow_create_discussion_reference: true } } });
    await check('LDV-DISCUSSION-UPSERT-200-EXISTING', () => {
      expect(second.status).toBe(200);
      expect(dataOf(second).discussion).toMatchObject({ discussion_token: dataOf(first).discussion.discussion_token, title: 'T2' });
    });
  });

  it(rule(['LDV-COMMENT-CREATE-201', 'LDV-COMMENT-READ', 'LDV-COUNTERS-TRUE', 'LDV-PAGINATION-TIE-ORDER', 'LDV-DISCUSSION-COMMENTS-LIST', 'LDV-DISCUSSION-COMMENTS-ALIAS-PATH', 'LDV-DISCUSSION-COMMENTS-BY-REFERENCE'], 'comments read back, are listed by every path form, and keep the counters true'), async () => {
    const discussion = await newDiscussion();
    const other = await newDiscussion();
    const author = await newAuthor();
    const top = await newComment(discussion.token, author.token);
    const reply = await newComment(discussion.token, author.token, top);
    await newComment(other.token, author.token);
    const read = await ldv.send('GET', `/loudvoice/comments/${reply}.json`);
    await check('LDV-COMMENT-READ', () => expect(dataOf(read)?.comment).toMatchObject({ comment_token: reply, parent_comment_token: top }));
    const parent = dataOf(await ldv.send('GET', `/loudvoice/comments/${top}.json`))?.comment;
    await check('LDV-COUNTERS-TRUE', () => expect(parent?.num_child_comments).toBe(1));
    const writer = nodeOf(await ldv.author(author.token), 'author');
    await check('LDV-COUNTERS-TRUE', () => expect(writer?.num_comments).toBe(3));
    const d = dataOf(await ldv.send('GET', `/loudvoice/discussions/${discussion.token}.json`))?.discussion;
    await check('LDV-COUNTERS-TRUE', () => expect(d?.num_comments).toBe(2));
    for (const [ruleId, path] of [
      ['LDV-DISCUSSION-COMMENTS-LIST', `/loudvoice/comments/${discussion.token}/comments.json`],
      ['LDV-DISCUSSION-COMMENTS-ALIAS-PATH', `/loudvoice/discussions/${discussion.token}/comments.json`],
      ['LDV-DISCUSSION-COMMENTS-BY-REFERENCE', `/loudvoice/discussions/discussion/comments.json?discussion_reference=${discussion.reference}`],
    ] as const) {
      const res = await ldv.send('GET', path);
      await check(ruleId, () => {
        expect(res.status, path).toBe(200);
        const list = listOf(res);
        expect(list.pagination.total_entries, `${path}: the discussion's two comments, not the other discussion's`).toBe(2);
        expect(new Set(list.entries.map((c: { comment_token: string }) => c.comment_token))).toEqual(new Set([top, reply]));
      });
      // Created in the same second: their order is the tie-break, session-kit's choice.
      await check('LDV-PAGINATION-TIE-ORDER', () => expect(listOf(res)?.entries?.map((c: { comment_token: string }) => c.comment_token)).toEqual([top, reply]));
    }
    const unknown = await ldv.send('GET', '/loudvoice/comments/00000000-0000-4000-8000-0000000000ab/comments.json');
    await check('LDV-DISCUSSION-COMMENTS-LIST', () => expect(unknown.status, 'comments of an unknown discussion').toBe(404));
  });

  it(rule('LDV-COMMENT-DISCUSSION-UNKNOWN-404', 'a comment on an unknown discussion token is 404 with the documented info text'), async () => {
    const author = await newAuthor();
    const res = await ldv.send('POST', '/loudvoice/comments.json', {
      request: { discussion: { discussion_token: '00000000-0000-4000-8000-0000000000aa' }, comment: { text: 'Hello', author: { author_token: author.token } } },
    });
    await check('LDV-COMMENT-DISCUSSION-UNKNOWN-404', () => {
      expect(res.status).toBe(404);
      expect(statusOf(res).info).toContain('no discussion has been found');
    });
  });
});

describe('deletes', () => {
  it(rule(['LDV-DELETE-CONFIRM', 'LDV-ERROR-STATUS', 'LDV-ERROR-INFO'], 'every DELETE of a discussion, comment or author without confirm_deletion=true is refused and deletes nothing'), async () => {
    const discussion = await newDiscussion();
    const author = await newAuthor();
    const comment = await newComment(discussion.token, author.token);
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
        await check('LDV-DELETE-CONFIRM', () => refused(res, path));
        await errorIs(res, 'CONFIRM_DELETION_REQUIRED');
        const still = await ldv.send('GET', t.read);
        await check('LDV-DELETE-CONFIRM', () => expect(still.status, `${t.read} still there`).toBe(200));
      }
    }
  });

  it(rule(['LDV-SESSION-DELETE-CONFIRM', 'LDV-ERROR-STATUS', 'LDV-ERROR-INFO', 'LDV-DELETE-RETURNS-NODE', 'LDV-SESSION-DELETE-200', 'LDV-SESSION-DELETE-UNKNOWN-404'], 'a session DELETE needs confirm_deletion=true; with it the session ends and the author stays'), async () => {
    const author = await newAuthor();
    const started = await ldv.startSession({ author_token: author.token });
    const session = await createdToken(started, 'author_session', 'author_session_token', 'LDV-SESSION-AUTHOR-TOKEN-200', 200);
    for (const query of ['', '?confirm_deletion=false', '?confirm_deletion=yes']) {
      const res = await ldv.send('DELETE', `/loudvoice/authors/sessions/${session}.json${query}`);
      await check('LDV-SESSION-DELETE-CONFIRM', () => refused(res, `session DELETE${query}`));
      await errorIs(res, 'CONFIRM_DELETION_REQUIRED');
      const live = listOf(await ldv.sessionsOf(author.token))?.entries;
      await check('LDV-SESSION-DELETE-CONFIRM', () => expect(live, 'the session is still live').toHaveLength(1));
    }
    const deleted = await ldv.deleteSession(session);
    await check('LDV-SESSION-DELETE-200', () => expect(deleted.status).toBe(200));
    await check('LDV-DELETE-RETURNS-NODE', () => expect(dataOf(deleted)?.author_session?.author_session_token).toBe(session));
    const gone = listOf(await ldv.sessionsOf(author.token))?.entries;
    await check('LDV-SESSION-DELETE-200', () => expect(gone, 'the deleted session left the list').toHaveLength(0));
    const again = await ldv.deleteSession(session);
    await check('LDV-SESSION-DELETE-UNKNOWN-404', () => expect(again.status).toBe(404));
    const authorRead = await ldv.author(author.token);
    await check('LDV-SESSION-DELETE-200', () => expect(authorRead.status, 'the author is kept').toBe(200));
  });

  it(rule(['LDV-DISCUSSION-DELETE-200', 'LDV-DISCUSSION-DELETE-CASCADES', 'LDV-COMMENT-DELETE-SUB-COMMENTS-TRUE', 'LDV-COMMENT-DELETE-SUB-COMMENTS-FALSE', 'LDV-COMMENT-DELETE-200', 'LDV-COUNTERS-TRUE'], 'deleting a discussion takes its comments; deleting a comment takes or lifts its replies'), async () => {
    const author = await newAuthor();
    const d1 = await newDiscussion();
    const top = await newComment(d1.token, author.token);
    const reply = await newComment(d1.token, author.token, top);
    const replyToReply = await newComment(d1.token, author.token, reply);
    const del1 = await ldv.send('DELETE', `/loudvoice/comments/${reply}.json?confirm_deletion=true`);
    await check('LDV-COMMENT-DELETE-200', () => expect(del1.status).toBe(200));
    const lifted = dataOf(await ldv.send('GET', `/loudvoice/comments/${replyToReply}.json`))?.comment;
    await check('LDV-COMMENT-DELETE-SUB-COMMENTS-FALSE', () => expect(lifted?.parent_comment_token, 'replies move up').toBe(top));
    const del2 = await ldv.send('DELETE', `/loudvoice/comments/${top}.json?confirm_deletion=true&delete_sub_comments=true`);
    await check('LDV-COMMENT-DELETE-200', () => expect(del2.status).toBe(200));
    const sub = await ldv.send('GET', `/loudvoice/comments/${replyToReply}.json`);
    await check('LDV-COMMENT-DELETE-SUB-COMMENTS-TRUE', () => expect(sub.status, 'sub-comments deleted').toBe(404));
    const d2 = await newDiscussion();
    const c = await newComment(d2.token, author.token);
    const before = nodeOf(await ldv.author(author.token), 'author');
    await check('LDV-COUNTERS-TRUE', () => expect(before?.num_comments).toBe(1));
    const del3 = await ldv.send('DELETE', `/loudvoice/discussions/${d2.token}.json?confirm_deletion=true`);
    await check('LDV-DISCUSSION-DELETE-200', () => expect(del3.status).toBe(200));
    const orphan = await ldv.send('GET', `/loudvoice/comments/${c}.json`);
    await check('LDV-DISCUSSION-DELETE-CASCADES', () => expect(orphan.status, "the discussion's comments are gone").toBe(404));
    const after = nodeOf(await ldv.author(author.token), 'author');
    await check('LDV-COUNTERS-TRUE', () => expect(after?.num_comments, 'counters recomputed').toBe(0));
  });
});

describe('pagination', () => {
  it(rule(['LDV-PAGINATION-NODE', 'LDV-PAGINATION-ORDER', 'LDV-PAGINATION-TIE-ORDER', 'LDV-PAGINATION-PARAMS', 'LDV-AUTHOR-LIST'], 'for any page size, page and direction, the pagination node and the entries agree with the whole list'), async () => {
    // Write a few authors so the list has several pages whatever the deployment holds, a second apart so their
    // date_creation differs (the clock moves when the target lets it; otherwise the kit waits), and one author
    // without a reference (a session PUT with details only).
    const mine: string[] = [];
    for (let i = 0; i < 3; i++) {
      if (i > 0) await aSecondLater();
      mine.push((await newAuthor()).token);
    }
    const guest = await ldv.startSession({ name: 'Guest Without Reference' });
    await createdToken(guest, 'author_session', 'author_session_token', 'LDV-SESSION-NO-REFERENCE-NEW-AUTHOR');
    const guestToken = dataOf(guest)?.author_session?.author?.author_token;
    if (typeof guestToken === 'string') mine.push(guestToken);
    const fullRes = await ldv.list('/loudvoice/authors.json', '?entries_per_page=500');
    const full = await check('LDV-AUTHOR-LIST', () => {
      expect(fullRes.status).toBe(200);
      const node = listOf(fullRes);
      expect(node.pagination.total_entries).toBeGreaterThanOrEqual(3);
      if (node.pagination.total_entries <= 500) expect(node.entries.map((a: { author_token: string }) => a.author_token)).toEqual(expect.arrayContaining(mine));
      return node;
    });
    if (!full) return;
    const total = full.pagination.total_entries as number;
    const all = (full.entries as { author_token: string; date_creation: string }[]).map((a) => a.author_token);
    const byDefault = listOf(await ldv.list('/loudvoice/authors.json'))?.pagination;
    await check('LDV-PAGINATION-PARAMS', () => expect(byDefault).toMatchObject({ current_page: 1, entries_per_page: 250, order: { direction: 'asc' } }));
    await assertProperty(
      http,
      fc.asyncProperty(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 6 }), fc.constantFrom('asc', 'desc'), async (perPage, wanted, direction) => {
        // Pages past the end are LDV-PAGINATION-EDGES (assumed); here every page asked for exists.
        const page = Math.min(wanted, Math.max(1, Math.ceil(total / perPage)));
        const res = await ldv.list('/loudvoice/authors.json', `?entries_per_page=${perPage}&page=${page}&order_direction=${direction}`);
        await check('LDV-PAGINATION-NODE', () => expect(res.status).toBe(200));
        const { pagination, entries } = listOf(res) ?? {};
        await check('LDV-PAGINATION-PARAMS', () => {
          expect(pagination?.entries_per_page).toBe(perPage);
          expect(entries.length, 'a page holds at most entries_per_page entries').toBeLessThanOrEqual(perPage);
        });
        await check('LDV-PAGINATION-NODE', () =>
          expect(pagination).toMatchObject({ current_page: page, total_pages: Math.ceil(total / perPage), entries_per_page: perPage, total_entries: total, order: { field: 'date_creation', direction } }),
        );
        const dates = (entries as { date_creation: string }[]).map((e) => Date.parse(e.date_creation));
        await check('LDV-PAGINATION-ORDER', () => {
          for (let i = 1; i < dates.length; i++) expect(direction === 'asc' ? dates[i]! >= dates[i - 1]! : dates[i]! <= dates[i - 1]!, `date_creation ${direction}`).toBe(true);
        });
        const ordered = direction === 'asc' ? all : [...all].reverse();
        await check('LDV-PAGINATION-TIE-ORDER', () =>
          expect(entries.map((a: { author_token: string }) => a.author_token)).toEqual(ordered.slice((page - 1) * perPage, page * perPage)),
        );
      }),
      { numRuns: 20 },
    );
  });

  it(rule(['LDV-PAGINATION-PARAMS', 'LDV-PAGINATION-PARAMS-REFUSED', 'LDV-PAGINATION-EDGES', 'LDV-ERROR-STATUS', 'LDV-ERROR-INFO'], 'out-of-range page parameters never give more than 500 entries; session-kit refuses them with 400'), async () => {
    const big = await ldv.list('/loudvoice/authors.json', '?entries_per_page=501');
    await check('LDV-PAGINATION-PARAMS', () => {
      if (big.status === 200) expect(listOf(big).entries.length, 'never more than 500 entries a page').toBeLessThanOrEqual(500);
      else refused(big, 'entries_per_page=501 refused');
    });
    for (const query of ['?page=0', '?page=-1', '?page=abc', '?entries_per_page=0', '?entries_per_page=501', '?entries_per_page=2.5', '?order_direction=up']) {
      const res = await ldv.list('/loudvoice/authors.json', query);
      await check('LDV-PAGINATION-PARAMS-REFUSED', () => expect(res.status, query).toBe(400));
      if (res.status === 400) await errorIs(res, 'PARAMETER_INVALID', { parameter: query.slice(1).split('=')[0]! });
    }
    const past = await ldv.list('/loudvoice/authors.json', '?page=100000&entries_per_page=500');
    await check('LDV-PAGINATION-EDGES', () => {
      expect(past.status).toBe(200);
      expect(listOf(past).entries).toEqual([]);
    });
    const none = await ldv.sessionsOf('00000000-0000-4000-8000-00000000f11e');
    await check('LDV-PAGINATION-EDGES', () => expect(listOf(none)?.pagination?.total_pages, 'an empty list').toBe(0));
  });

  it(rule(['LDV-SESSION-LIST-FILTER', 'LDV-SESSION-LIST-FILTER-UNKNOWN-EMPTY', 'LDV-SESSION-LIST-FILTER-UNSUPPORTED'], 'the sessions list filters by author_token only'), async () => {
    const author = await newAuthor();
    const other = await newAuthor();
    await ldv.startSession({ author_token: author.token });
    await ldv.startSession({ author_token: other.token });
    const filtered = await ldv.sessionsOf(author.token);
    await check('LDV-SESSION-LIST-FILTER', () => {
      expect(filtered.status).toBe(200);
      const entries = listOf(filtered).entries;
      expect(entries).toHaveLength(1);
      expect(entries[0].author.author_token).toBe(author.token);
    });
    const unknown = await ldv.sessionsOf('00000000-0000-4000-8000-00000000f11e');
    await check('LDV-SESSION-LIST-FILTER-UNKNOWN-EMPTY', () => {
      expect(unknown.status).toBe(200);
      expect(listOf(unknown).entries).toEqual([]);
    });
    for (const filter of ['name:eq:x', `author_token:ne:${author.token}`, 'author_token:eq:not-a-uuid']) {
      const res = await ldv.list('/loudvoice/authors/sessions.json', `?filters=${filter}`);
      await check('LDV-SESSION-LIST-FILTER-UNSUPPORTED', () => expect(res.status, filter).toBe(400));
    }
  });
});

everyResponseMatchesTheContract('loudvoice', () => http);
