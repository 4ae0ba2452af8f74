// LoudVoice comments, in process: create (POST 201) and PUT create-or-update (by comment_token 200, unknown token 404,
// by comment_reference 200, else 201), the exact 404 text for an unknown discussion token, discussion by reference,
// the four author variants, parents and child counts, partial updates with cycle checks, deletes with and without
// sub-comments, and author/discussion counters kept true. Rules: LDV-COMMENT-* (O6, observed in the WordPress
// plugin), LDV-COUNTERS-TRUE, LDV-BODY-EMPTY-MEANS-NONE.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIX, loudVoiceApp } from './harness.js';

let lv: Awaited<ReturnType<typeof loudVoiceApp>>;
beforeEach(async () => {
  lv = await loudVoiceApp();
});
afterEach(() => lv.app.close());

const write = (method: 'POST' | 'PUT', comment: Record<string, unknown>, discussion: Record<string, unknown> = { discussion_token: FIX.discussionToken }) =>
  lv.call(method, '/loudvoice/comments.json', { request: { discussion, comment } });
const guest = { name: 'Guest', email: 'g@example.com' };
const get = async (token: string) => (await lv.call('GET', `/loudvoice/comments/${token}.json`)).data.comment;
const author = async (token = FIX.authorToken) => (await lv.call('GET', `/loudvoice/authors/${token}.json`)).data.author;
const discussion = async () => (await lv.call('GET', `/loudvoice/discussions/${FIX.discussionToken}.json`)).data.discussion;

describe('create', () => {
  it('creates a comment with the defaults and updates the counters (LDV-COMMENT-CREATE-201, -DEFAULTS)', async () => {
    lv.clock.advance(60_000);
    const res = await write('POST', { text: 'Hello', author: { author_token: FIX.authorToken }, parent_comment_token: '', comment_token: '11111111-2222-4333-8444-555555555555' });
    expect(res.status).toBe(201);
    expect(res.data.comment).toMatchObject({
      parent_comment_token: null,
      has_been_approved: true,
      is_spam: false,
      is_trashed: false,
      votes: { num_votes_up: 0, num_votes_down: 0 },
      num_child_comments: 0,
      post_order: '3',
      discussion: { discussion_token: FIX.discussionToken, discussion_reference: FIX.discussionReference },
      author: { author_token: FIX.authorToken, author_reference: FIX.authorReference, name: 'John Doe' },
    });
    expect(await author()).toMatchObject({ num_comments: 2, date_last_comment: 'Mon, 05 Jan 2026 09:01:00 +0000' });
    expect(await discussion()).toMatchObject({ num_comments: 3, date_last_comment: 'Mon, 05 Jan 2026 09:01:00 +0000' });
  });

  it('answers an unknown discussion token with 404 and exactly the documented text; nothing created (LDV-COMMENT-DISCUSSION-UNKNOWN-404)', async () => {
    for (const method of ['POST', 'PUT'] as const) {
      const res = await write(method, { text: 'x', author: guest }, { discussion_token: '11111111-2222-4333-8444-555555555555' });
      expect(res.status).toBe(404);
      expect(res.info).toBe('The node [request->discussion->discussion_token] is invalid, no discussion has been found for that token');
    }
    expect((await lv.call('GET', '/loudvoice/comments.json')).data.comments.pagination.total_entries).toBe(2);
  });

  it('finds or creates the discussion by reference (LDV-COMMENT-DISCUSSION-BY-REFERENCE)', async () => {
    expect((await write('POST', { text: 'x', author: guest }, { discussion_reference: FIX.discussionReference })).status).toBe(201);
    const no = await write('POST', { text: 'x', author: guest }, { discussion_reference: 'NEW-D' });
    expect(no.status).toBe(404);
    expect(no.info).toMatch(/^The node \[request->discussion->discussion_reference\] is invalid/);
    const yes = await write('POST', { text: 'x', author: guest }, { discussion_reference: 'NEW-D', title: 'New', url: 'https://e.example/n', allow_create_discussion_reference: true });
    expect(yes.status).toBe(201);
    expect(yes.data.comment.discussion).toMatchObject({ discussion_reference: 'NEW-D', title: 'New', url: 'https://e.example/n' });
    expect((await lv.call('GET', '/loudvoice/discussions/discussion.json?discussion_reference=NEW-D')).data.discussion.num_comments).toBe(1);
  });

  it('takes the author by token, identity, reference (updated or created) or as a guest (LDV-COMMENT-AUTHOR-VARIANTS)', async () => {
    const byIdentity = await write('POST', { text: 'i', author: { identity_token: FIX.identityToken } });
    expect(byIdentity.data.comment.author).toMatchObject({ name: 'Jane Social', author_token: expect.any(String) });
    const byRef = await write('POST', { text: 'r', author: { author_reference: 'WP-7', name: 'Seven', email: 's@example.com' } });
    expect(byRef.data.comment.author).toMatchObject({ author_reference: 'WP-7', name: 'Seven' });
    const again = await write('POST', { text: 'r2', author: { author_reference: 'WP-7', name: 'Seven Renamed' } });
    expect(again.data.comment.author.author_token).toBe(byRef.data.comment.author.author_token);
    expect((await author(byRef.data.comment.author.author_token)).num_comments).toBe(2);
    const noName = await write('POST', { text: 'r', author: { author_reference: 'WP-8' } });
    expect(noName.info).toBe('The node [request->comment->author->name] is required for new authors');
    const g = await write('POST', { text: 'g', author: { ...guest, website_url: '' } });
    expect(g.data.comment.author).toEqual({ author_token: null, author_reference: null, name: 'Guest', email: 'g@example.com', website_url: null, picture_url: null });
    expect((await write('POST', { text: 'x', author: { author_token: '11111111-2222-4333-8444-555555555555' } })).status).toBe(404);
    expect((await write('POST', { text: 'x', author: { identity_token: '11111111-2222-4333-8444-555555555555' } })).status).toBe(404);
    expect((await write('POST', { text: 'x', author: {} })).info).toBe('The node [request->comment->author->name] is missing, it is required for this request');
  });

  it('reads "" and null as none for the keys of the author node, and ignores what a guest does not have (CommentAuthorGuest)', async () => {
    const asGuest = await write('POST', { text: 'g', author: { ...guest, author_token: '', identity_token: null, author_reference: '', description: 42 } });
    expect(asGuest.status).toBe(201);
    expect(asGuest.data.comment.author).toMatchObject({ author_token: null, author_reference: null, name: 'Guest' });
    const byToken = await write('POST', { text: 't', author: { author_token: FIX.authorToken, identity_token: '' } });
    expect(byToken.data.comment.author.author_token).toBe(FIX.authorToken);
  });

  it('checks text and parents (LDV-COMMENT-TEXT-REQUIRED, LDV-COMMENT-PARENT)', async () => {
    expect((await write('POST', { author: guest })).info).toBe('The node [request->comment->text] is missing, it is required for this request');
    expect((await write('POST', { text: '', author: guest })).info).toBe('The node [request->comment->text] is invalid, a non-empty string is expected');
    expect((await write('POST', { text: 5, author: guest })).status).toBe(400);
    const reply = await write('POST', { text: 'reply', author: guest, parent_comment_token: FIX.comment1 });
    expect(reply.data.comment.parent_comment_token).toBe(FIX.comment1);
    expect((await get(FIX.comment1)).num_child_comments).toBe(2);
    const unknown = await write('POST', { text: 'x', author: guest, parent_comment_token: '11111111-2222-4333-8444-555555555555' });
    expect(unknown.info).toBe('The node [request->comment->parent_comment_token] is invalid, no parent comment has been found for that value in this discussion');
    const d2 = await lv.call('POST', '/loudvoice/discussions.json', { request: { discussion: { title: 'Other' } } });
    const elsewhere = await write('POST', { text: 'x', author: guest, parent_comment_token: FIX.comment1 }, { discussion_token: d2.data.discussion.discussion_token });
    expect(elsewhere.status).toBe(404);
    const withRef = await write('POST', { text: 'p', author: guest, comment_reference: 'C-1' });
    const byRefParent = await write('POST', { text: 'c', author: guest, parent_comment_token: null, parent_comment_reference: 'C-1' });
    expect(byRefParent.data.comment).toMatchObject({ parent_comment_token: withRef.data.comment.comment_token, parent_comment_reference: 'C-1' });
    expect((await write('POST', { text: 'dup', author: guest, comment_reference: 'C-1' })).status).toBe(409);
  });
});

describe('PUT /loudvoice/comments.json (LDV-COMMENT-UPSERT-*)', () => {
  it('updates by comment_token (200), refuses an unknown token (404, nothing created), updates by reference (200), else creates (201)', async () => {
    const byToken = await write('PUT', { comment_token: FIX.comment1, text: 'Edited', author: { author_token: FIX.authorToken } });
    expect(byToken.status).toBe(200);
    expect(byToken.data.comment).toMatchObject({ comment_token: FIX.comment1, text: 'Edited' });
    const unknown = await write('PUT', { comment_token: '11111111-2222-4333-8444-555555555555', text: 'x', author: guest });
    expect(unknown.status).toBe(404);
    expect(unknown.info).toBe('The node [request->comment->comment_token] is invalid, no comment has been found for that token');
    expect((await lv.call('GET', '/loudvoice/comments.json')).data.comments.pagination.total_entries).toBe(2);
    const created = await write('PUT', { comment_token: '', comment_reference: 'WP-C-1', text: 'New', author: guest });
    expect(created.status).toBe(201);
    const again = await write('PUT', { comment_token: null, comment_reference: 'WP-C-1', text: 'Newer', author: guest });
    expect(again.status).toBe(200);
    expect(again.data.comment).toMatchObject({ comment_token: created.data.comment.comment_token, text: 'Newer' });
  });
});

describe('update and delete', () => {
  it('changes only the fields sent, sets date_last_update on change, moves parents and refuses cycles (LDV-COMMENT-UPDATE-*)', async () => {
    lv.clock.advance(1000);
    const url = `/loudvoice/comments/${FIX.comment1}.json`;
    const same = await lv.call('PUT', url, { request: { comment: { text: 'First!' } } });
    expect(same.data.comment.date_last_update).toBeNull();
    const res = await lv.call('PUT', url, { request: { comment: { is_spam: true }, discussion: { discussion_token: 'ignored' } } });
    expect(res.data.comment).toMatchObject({ is_spam: true, text: 'First!', date_last_update: 'Mon, 05 Jan 2026 09:00:01 +0000' });
    // The author node is optional on an update, but when sent it is an object: null is refused, nothing changes.
    const nullAuthor = await lv.call('PUT', url, { request: { comment: { text: 'Changed', author: null } } });
    expect([nullAuthor.status, nullAuthor.info]).toEqual([400, 'The node [request->comment->author] is invalid, an object is expected']);
    const cycle = await lv.call('PUT', url, { request: { comment: { parent_comment_token: FIX.comment2 } } });
    expect(cycle.status).toBe(400);
    expect(cycle.info).toBe('The node [request->comment->parent_comment_token] is invalid, a comment cannot reply to itself or to one of its replies');
    const up = await lv.call('PUT', `/loudvoice/comments/${FIX.comment2}.json`, { request: { comment: { parent_comment_token: '' } } });
    expect(up.data.comment.parent_comment_token).toBeNull();
    expect((await get(FIX.comment1)).num_child_comments).toBe(0);
    const toGuest = await lv.call('PUT', url, { request: { comment: { author: guest } } });
    expect(toGuest.data.comment.author.author_token).toBeNull();
    expect((await author()).num_comments).toBe(0);
    expect((await lv.call('PUT', '/loudvoice/comments/nope.json', { request: { comment: {} } })).status).toBe(404);
  });

  it('moves direct replies up when delete_sub_comments is false or absent (LDV-COMMENT-DELETE-SUB-COMMENTS-FALSE)', async () => {
    const grandchild = (await write('POST', { text: 'gc', author: guest, parent_comment_token: FIX.comment2 })).data.comment;
    expect((await lv.call('DELETE', `/loudvoice/comments/${FIX.comment2}.json`)).status).toBe(400);
    const res = await lv.call('DELETE', `/loudvoice/comments/${FIX.comment2}.json?confirm_deletion=true&delete_sub_comments=false`);
    expect(res.status).toBe(200);
    expect(res.data.comment.num_child_comments).toBe(1);
    expect((await get(grandchild.comment_token)).parent_comment_token).toBe(FIX.comment1);
    expect((await get(FIX.comment1)).num_child_comments).toBe(1);
    expect((await discussion()).num_comments).toBe(2);
  });

  it('deletes replies recursively with delete_sub_comments=true and keeps counters true (LDV-COMMENT-DELETE-SUB-COMMENTS-TRUE, LDV-COUNTERS-TRUE)', async () => {
    lv.clock.advance(1000);
    const gc = (await write('POST', { text: 'gc', author: { author_token: FIX.authorToken }, parent_comment_token: FIX.comment2 })).data.comment;
    expect(await author()).toMatchObject({ num_comments: 2, date_last_comment: 'Mon, 05 Jan 2026 09:00:01 +0000' });
    const res = await lv.call('DELETE', `/loudvoice/comments/${FIX.comment1}.json?confirm_deletion=true&delete_sub_comments=true`);
    expect(res.status).toBe(200);
    for (const t of [FIX.comment1, FIX.comment2, gc.comment_token]) expect((await lv.call('GET', `/loudvoice/comments/${t}.json`)).status).toBe(404);
    expect(await author()).toMatchObject({ num_comments: 0, date_last_comment: null });
    expect(await discussion()).toMatchObject({ num_comments: 0, date_last_comment: null });
  });
});
