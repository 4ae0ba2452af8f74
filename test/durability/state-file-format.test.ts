// A --state file written by the previous release (the one before domain commands) loads unchanged: the file holds
// the cores' snapshots (sessions, passwords, site data), never the store's command log, so the change of log format
// needs no migration of it. The file below is written by hand in that release's format, so a change of the snapshot
// format that would strand existing files fails here. Our own rule (README "Running a fleet").
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO, LOUDVOICE_AUTH, T0, testApp } from '../helpers/test-app.js';

const SESSION = '66666666-6666-4666-8666-666666666666';
const AUTHOR = '22222222-2222-4222-8222-222222222222';
const AUTHOR_SESSION = '33333333-3333-4333-8333-333333333333';
const DISCUSSION = '44444444-4444-4444-8444-444444444444';
const COMMENT = '55555555-5555-4555-8555-555555555555';

/** The previous release's --state file, as it wrote it (format session-kit-state, version 1). */
const previousRelease = {
  format: 'session-kit-state',
  version: 1,
  savedAt: new Date(T0 + 1_000).toISOString(),
  clockNow: T0 + 1_000,
  state: {
    livevox: {
      passwords: [{ clientName: DEMO.user.clientName, userName: DEMO.user.userName, agent: false, password: 'Migrated-Pass-7', previous: [DEMO.user.password] }],
      sessions: [{ sessionId: SESSION, clientName: DEMO.agent.clientName, userName: DEMO.agent.userName, agent: true, tokenIndex: 1, createdAt: T0, lastActivityAt: T0 + 1_000 }],
    },
    loudvoice: {
      sites: {
        demo: {
          authors: [
            { token: AUTHOR, reference: 'OLD-AUTHOR', identityToken: null, name: 'Old Author', email: null, description: null, pictureUrl: null, websiteUrl: null, createdAt: T0, updatedAt: null },
          ],
          discussions: [
            { token: DISCUSSION, reference: 'OLD-D', title: 'Old', url: null, isClosed: false, isTrashed: false, realm: null, createdAt: T0, updatedAt: null, nextPostOrder: 2 },
          ],
          comments: [
            {
              token: COMMENT, reference: null, guest: null, text: 'kept', ipAddress: null, hasBeenApproved: true, isSpam: false, isTrashed: false,
              createdAt: T0, updatedAt: null, postOrder: 1, discussion: DISCUSSION, parent: null, author: AUTHOR,
            },
          ],
          sessions: [{ token: AUTHOR_SESSION, author: AUTHOR, createdAt: T0, updatedAt: null, expiresIn: 600, lastActivityAt: T0 }],
        },
      },
    },
  },
};

describe('a --state file of the previous release', () => {
  it('loads: sessions, changed passwords, authors, author sessions, discussions, comments and counters', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'state-format-')), 'state.json');
    writeFileSync(path, JSON.stringify(previousRelease), { mode: 0o600 });
    const { app, clock } = await testApp({ stateFile: { path, intervalMs: 60_000 } });
    try {
      expect(clock.now()).toBe(T0 + 1_000);
      const json = (payload: unknown, headers: Record<string, string>) => ({ headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(payload) });
      expect((await app.inject({ method: 'GET', url: '/session/details', headers: { 'lv-session': SESSION } })).json()).toMatchObject({ userName: DEMO.agent.userName });
      expect((await app.inject({ method: 'POST', url: '/session/login', ...json({ ...DEMO.user, password: 'Migrated-Pass-7' }, { 'lv-access': DEMO.token1 }) })).statusCode).toBe(200);
      const ldv = async (url: string) => (await app.inject({ method: 'GET', url, headers: { authorization: LOUDVOICE_AUTH } })).json().response.result.data;
      expect((await ldv(`/loudvoice/authors/${AUTHOR}.json`)).author).toMatchObject({ author_reference: 'OLD-AUTHOR', num_comments: 1 });
      expect((await ldv(`/loudvoice/discussions/${DISCUSSION}.json`)).discussion).toMatchObject({ discussion_reference: 'OLD-D', num_comments: 1 });
      expect((await ldv(`/loudvoice/comments/${COMMENT}.json`)).comment).toMatchObject({ text: 'kept', author: { author_token: AUTHOR } });
      const sessions = (await ldv(`/loudvoice/authors/sessions.json?author_token=${AUTHOR}`)).author_sessions;
      expect(JSON.stringify(sessions)).toContain(AUTHOR_SESSION);
      // And it takes writes, which now go through the core's commands.
      const again = await app.inject({
        method: 'PUT',
        url: '/loudvoice/authors/sessions.json',
        ...json({ request: { author_session: { author: { author_reference: 'OLD-AUTHOR' }, session: { expires_in: 600 } } } }, { authorization: LOUDVOICE_AUTH }),
      });
      expect(again.statusCode, 'the author exists: 200, not 201').toBe(200);
      expect(again.json().response.result.data.author_session.author_session_token).toBe(AUTHOR_SESSION);
    } finally {
      await app.close();
    }
  });
});
