// LoudVoice discussions, in process: list, create (POST 201, unique reference 409), PUT create-or-update by
// discussion_reference (201/200/404), read/update/delete by token and by reference, delete cascading to comments,
// and a discussion's comments on all three paths. Rules: LDV-DISCUSSION-* (seed table, O7; observed in the
// WordPress plugin: the upsert's 201/200), LDV-DELETE-*, LDV-COUNTERS-TRUE.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIX, loudVoiceApp } from './harness.js';

let lv: Awaited<ReturnType<typeof loudVoiceApp>>;
beforeEach(async () => {
  lv = await loudVoiceApp();
});
afterEach(() => lv.app.close());

const body = (discussion: Record<string, unknown>) => ({ request: { discussion } });

describe('create and upsert', () => {
  it('POST creates with defaults (201) and refuses a taken reference (409) (LDV-DISCUSSION-CREATE-201, -REFERENCE-UNIQUE)', async () => {
    const res = await lv.call('POST', '/loudvoice/discussions.json', body({ discussion_reference: 'POST-43', title: 'Second', url: 'https://www.example.com/2', realm: 'blog' }));
    expect(res.status).toBe(201);
    expect(res.data.discussion).toMatchObject({ discussion_reference: 'POST-43', is_closed: false, is_trashed: false, num_comments: 0, date_last_update: null, date_last_comment: null });
    const dup = await lv.call('POST', '/loudvoice/discussions.json', body({ discussion_reference: 'POST-43', title: 'Again' }));
    expect(dup.status).toBe(409);
    expect(dup.info).toBe('The node [request->discussion->discussion_reference] is invalid, the discussion_reference [POST-43] is already used by another discussion');
    const badUrl = await lv.call('POST', '/loudvoice/discussions.json', body({ url: 'not a url' }));
    expect(badUrl.info).toBe('The node [request->discussion->url] is invalid, a fully qualified http or https URL is expected');
  });

  it('PUT creates with allow_create_discussion_reference (201), then updates (200, same token), else 404 (LDV-DISCUSSION-UPSERT-*)', async () => {
    const no = await lv.call('PUT', '/loudvoice/discussions.json', body({ discussion_reference: 'P-1', title: 'T' }));
    expect(no.status).toBe(404);
    expect(no.info).toBe('The node [request->discussion->discussion_reference] is invalid, no discussion has been found for that reference and allow_create_discussion_reference is not set');
    const created = await lv.call('PUT', '/loudvoice/discussions.json', body({ discussion_reference: 'P-1', title: 'T', allow_create_discussion_reference: true }));
    expect(created.status).toBe(201);
    lv.clock.advance(1000);
    const updated = await lv.call('PUT', '/loudvoice/discussions.json', body({ discussion_reference: 'P-1', title: 'T2', allow_create_discussion_reference: true }));
    expect(updated.status).toBe(200);
    expect(updated.data.discussion).toMatchObject({ discussion_token: created.data.discussion.discussion_token, title: 'T2', date_last_update: 'Mon, 05 Jan 2026 09:00:01 +0000' });
    for (const ref of [undefined, null, '']) {
      const res = await lv.call('PUT', '/loudvoice/discussions.json', body({ discussion_reference: ref, allow_create_discussion_reference: true }));
      expect(res.info).toBe('The node [request->discussion->discussion_reference] is missing, it is required for this request');
    }
  });
});

describe('read, update, delete', () => {
  it('reads and updates by token and by reference; 404 when unknown (LDV-DISCUSSION-READ*, -UPDATE*)', async () => {
    expect((await lv.call('GET', `/loudvoice/discussions/${FIX.discussionToken}.json`)).data.discussion).toMatchObject({ discussion_reference: FIX.discussionReference, num_comments: 2 });
    const upd = await lv.call('PUT', `/loudvoice/discussions/discussion.json?discussion_reference=${FIX.discussionReference}`, body({ is_closed: true }));
    expect(upd.data.discussion).toMatchObject({ is_closed: true, title: 'Welcome to LoudVoice' });
    expect((await lv.call('GET', '/loudvoice/discussions/discussion.json?discussion_reference=NOPE')).info).toBe('No discussion has been found for the discussion_reference [NOPE]');
    expect((await lv.call('GET', '/loudvoice/discussions/discussion.json?discussion_reference=')).status).toBe(400);
    expect((await lv.call('PUT', '/loudvoice/discussions/nope.json', body({ title: 'x' }))).status).toBe(404);
    await lv.call('POST', '/loudvoice/discussions.json', body({ discussion_reference: 'OTHER' }));
    expect((await lv.call('PUT', `/loudvoice/discussions/${FIX.discussionToken}.json`, body({ discussion_reference: 'OTHER' }))).status).toBe(409);
  });

  it('lists the comments on all three paths with the same body apart from resource (LDV-DISCUSSION-COMMENTS-*)', async () => {
    const paths = [
      `/loudvoice/comments/${FIX.discussionToken}/comments.json`,
      `/loudvoice/discussions/${FIX.discussionToken}/comments.json`,
      `/loudvoice/discussions/discussion/comments.json?discussion_reference=${FIX.discussionReference}`,
    ];
    const datas = [];
    for (const p of paths) datas.push((await lv.call('GET', p)).data);
    expect(datas[0].comments.entries.map((c: { comment_token: string }) => c.comment_token)).toEqual([FIX.comment1, FIX.comment2]);
    expect(datas[1]).toEqual(datas[0]);
    expect(datas[2]).toEqual(datas[0]);
    expect((await lv.call('GET', '/loudvoice/comments/nope/comments.json')).status).toBe(404);
    expect((await lv.call('GET', '/loudvoice/discussions/discussion/comments.json')).status).toBe(400);
  });

  it('deletes only when confirmed, answers it as it was, and its comments go with it (LDV-DISCUSSION-DELETE-*)', async () => {
    expect((await lv.call('DELETE', `/loudvoice/discussions/${FIX.discussionToken}.json`)).status).toBe(400);
    expect((await lv.call('GET', '/loudvoice/comments.json')).data.comments.pagination.total_entries).toBe(2);
    const res = await lv.call('DELETE', `/loudvoice/discussions/${FIX.discussionToken}.json?confirm_deletion=true`);
    expect(res.status).toBe(200);
    expect(res.data.discussion.num_comments).toBe(2);
    expect((await lv.call('GET', `/loudvoice/discussions/${FIX.discussionToken}.json`)).status).toBe(404);
    expect((await lv.call('GET', `/loudvoice/discussions/discussion.json?discussion_reference=${FIX.discussionReference}`)).status).toBe(404);
    expect((await lv.call('GET', `/loudvoice/comments/${FIX.comment1}.json`)).status).toBe(404);
    expect((await lv.call('GET', '/loudvoice/comments.json')).data.comments.entries).toEqual([]);
    expect((await lv.call('GET', `/loudvoice/authors/${FIX.authorToken}.json`)).data.author).toMatchObject({ num_comments: 0, date_last_comment: null });
  });

  it('deletes by reference', async () => {
    expect((await lv.call('DELETE', `/loudvoice/discussions/discussion.json?discussion_reference=${FIX.discussionReference}&confirm_deletion=true`)).status).toBe(200);
    expect((await lv.call('GET', '/loudvoice/discussions.json')).data.discussions.entries).toEqual([]);
  });
});
