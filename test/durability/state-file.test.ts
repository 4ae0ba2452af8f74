// --state FILE: the whole state survives a restart; writes are atomic, so a crash leaves the last completed
// snapshot; SIGTERM writes a final one; a corrupt file stops start-up with a clear message instead of losing state.
import { mkdtempSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startServer } from '../helpers/spawn-server.js';
import { DEMO, LOUDVOICE_AUTH, T0, testApp } from '../helpers/test-app.js';

const json = (payload: unknown, headers: Record<string, string> = {}) => ({ headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(payload) });
const stateDir = () => mkdtempSync(join(tmpdir(), 'state-'));

describe('state file, in process', () => {
  it('restores sessions, passwords, authors, author sessions, discussions, comments and counters after a restart', async () => {
    const path = join(stateDir(), 'state.json');
    const first = await testApp({ stateFile: { path, intervalMs: 60_000 } });
    const login = await first.app.inject({ method: 'POST', url: '/session/login', ...json(DEMO.agent, { 'lv-access': DEMO.token2 }) });
    const sessionId = login.json().sessionId;
    expect((await first.app.inject({ method: 'POST', url: '/session/password', ...json({ ...DEMO.user, newPassword: 'Restart-Pass-9' }, { 'lv-access': DEMO.token1 }) })).statusCode).toBe(204);
    const put = await first.app.inject({
      method: 'PUT',
      url: '/loudvoice/authors/sessions.json',
      ...json({ request: { author_session: { author: { author_reference: 'DURABLE-1', name: 'Durable Author' }, session: { expires_in: 600 } } } }, { authorization: LOUDVOICE_AUTH }),
    });
    expect(put.statusCode).toBe(201);
    const session = put.json().response.result.data.author_session;
    const discussion = await first.app.inject({ method: 'POST', url: '/loudvoice/discussions.json', ...json({ request: { discussion: { discussion_reference: 'DURABLE-D', title: 'Kept' } } }, { authorization: LOUDVOICE_AUTH }) });
    const discussionToken = discussion.json().response.result.data.discussion.discussion_token;
    const comment = async (parent?: string) =>
      (
        await first.app.inject({
          method: 'POST',
          url: '/loudvoice/comments.json',
          ...json({ request: { discussion: { discussion_token: discussionToken }, comment: { text: 'kept', parent_comment_token: parent ?? '', author: { author_token: session.author.author_token } } } }, { authorization: LOUDVOICE_AUTH }),
        })
      ).json().response.result.data.comment.comment_token as string;
    const top = await comment();
    const reply = await comment(top);
    first.clock.advance(5_000);
    await first.app.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const second = await testApp({ stateFile: { path, intervalMs: 60_000 } });
    try {
      expect(second.clock.now(), 'time does not go back across a restart').toBe(T0 + 5_000);
      expect((await second.app.inject({ method: 'GET', url: '/session/details', headers: { 'lv-session': sessionId } })).json()).toMatchObject({ userName: 'demo.agent', agent: true });
      expect((await second.app.inject({ method: 'POST', url: '/session/login', ...json({ ...DEMO.user, password: 'Restart-Pass-9' }, { 'lv-access': DEMO.token1 }) })).statusCode).toBe(200);
      expect((await second.app.inject({ method: 'POST', url: '/session/login', ...json(DEMO.user, { 'lv-access': DEMO.token1 }) })).statusCode).toBe(401);
      const again = await second.app.inject({
        method: 'PUT',
        url: '/loudvoice/authors/sessions.json',
        ...json({ request: { author_session: { author: { author_reference: 'DURABLE-1' }, session: { expires_in: 600 } } } }, { authorization: LOUDVOICE_AUTH }),
      });
      expect(again.statusCode, 'the author survived: 200, not 201').toBe(200);
      expect(again.json().response.result.data.author_session.author_session_token, 'the live session survived').toBe(session.author_session_token);
      const author = (await second.app.inject({ method: 'GET', url: `/loudvoice/authors/${session.author.author_token}.json`, headers: { authorization: LOUDVOICE_AUTH } })).json().response.result.data.author;
      expect(author.num_comments).toBe(2);
      const replyNode = (await second.app.inject({ method: 'GET', url: `/loudvoice/comments/${reply}.json`, headers: { authorization: LOUDVOICE_AUTH } })).json().response.result.data.comment;
      expect(replyNode.parent_comment_token).toBe(top);
      const topNode = (await second.app.inject({ method: 'GET', url: `/loudvoice/comments/${top}.json`, headers: { authorization: LOUDVOICE_AUTH } })).json().response.result.data.comment;
      expect(topNode.num_child_comments).toBe(1);
    } finally {
      await second.app.close();
    }
  });

  it('starts from the fixtures when the file does not exist yet, and writes it on close', async () => {
    const path = join(stateDir(), 'new.json');
    const { app } = await testApp({ stateFile: { path, intervalMs: 60_000 } });
    await app.inject({ method: 'GET', url: '/tools/ping.json', headers: { authorization: LOUDVOICE_AUTH } });
    await app.close();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ format: 'session-kit-state', version: 1 });
  });
});

describe('state file, real processes', () => {
  it('SIGTERM writes a final snapshot that the next start loads', async () => {
    const path = join(stateDir(), 'state.json');
    const server = await startServer(['serve', '--port', '0', '--state', path, '--state-interval', '60000']);
    const login = await fetch(`${server.url}/session/login`, { method: 'POST', headers: { 'LV-Access': DEMO.token1, 'Content-Type': 'application/json' }, body: JSON.stringify(DEMO.user) });
    const { sessionId } = (await login.json()) as { sessionId: string };
    expect(await server.stop('SIGTERM')).toBe(0);
    const again = await startServer(['serve', '--port', '0', '--state', path]);
    try {
      expect((await fetch(`${again.url}/session/details`, { headers: { 'LV-Session': sessionId } })).status).toBe(200);
    } finally {
      await again.stop();
    }
  });

  it('a crash (SIGKILL) during writes keeps every write acknowledged before the last completed snapshot', async () => {
    const path = join(stateDir(), 'state.json');
    const server = await startServer(['serve', '--port', '0', '--state', path, '--state-interval', '50']);
    const put = (ref: string) =>
      fetch(`${server.url}/loudvoice/authors/sessions.json`, {
        method: 'PUT',
        headers: { Authorization: LOUDVOICE_AUTH, 'Content-Type': 'application/json' },
        body: JSON.stringify({ request: { author_session: { author: { author_reference: ref, name: ref } } } }),
      });
    for (let i = 0; i < 20; i++) expect((await put(`BEFORE-${i}`)).status).toBe(201);
    await new Promise((r) => setTimeout(r, 400)); // several snapshot intervals: the writes above are on disk
    const inFlight = Array.from({ length: 200 }, (_, i) => put(`DURING-${i}`).catch(() => undefined));
    await new Promise((r) => setTimeout(r, 30));
    await server.stop('SIGKILL');
    await Promise.all(inFlight);
    expect(existsSync(path)).toBe(true);
    const again = await startServer(['serve', '--port', '0', '--state', path]);
    try {
      for (let i = 0; i < 20; i++) {
        const res = await fetch(`${again.url}/loudvoice/authors/author.json?author_reference=BEFORE-${i}`, { headers: { Authorization: LOUDVOICE_AUTH } });
        expect(res.status, `BEFORE-${i}`).toBe(200);
      }
    } finally {
      await again.stop();
    }
  });

  it('refuses to start on a corrupt state file, naming it, rather than dropping the state', async () => {
    const path = join(stateDir(), 'state.json');
    writeFileSync(path, '{"format":"session-kit-state","version":1,"clockNow":');
    const run = await runCli(['serve', '--port', '0', '--state', path]);
    expect(run.code).toBe(1);
    expect(run.output).toContain(path);
    expect(run.output).toContain('not valid JSON');
  });
});
