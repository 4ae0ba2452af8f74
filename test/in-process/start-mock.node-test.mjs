// startMock from Node's own test runner, no vitest (issue 22): the recipe of docs/in-process.md, against the build in
// dist/ (run `npm run build` first). test/in-process/start-mock.test.ts runs this file with `node --test`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startMock } from '../../dist/admin/http/start-mock.js';

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.close());

test('a LiveVox session ends after two idle hours, and the journal proves the client logged in once', async () => {
  const login = await fetch(`${mock.livevoxUrl}/session/login`, {
    method: 'POST',
    headers: { 'LV-Access': '11111111-1111-4111-8111-111111111111', 'Content-Type': 'application/json' },
    body: JSON.stringify({ clientName: 'DEMO', userName: 'demo.user', password: 'Demo-Pass-1' }),
  });
  assert.equal(login.status, 200);
  const { sessionId } = await login.json();
  await mock.clock.advance('2h');
  const details = await fetch(`${mock.livevoxUrl}/session/details`, { headers: { 'LV-Session': sessionId } });
  assert.equal(details.status, 401);
  await mock.verify({ operationId: 'login' }, { times: 1 });
});

test('the console is served from the build (dist/ui), as an installed package serves it', async () => {
  const page = await fetch(`${mock.url}/__admin/ui`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html/);
});

test('a wrong count fails with a message that names a near miss', async () => {
  await fetch(`${mock.livevoxUrl}/session/v7.0/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  await assert.rejects(mock.verify({ operationId: 'login' }, { times: 2 }), /near misses:[\s\S]*\/session\/v7\.0\/login[\s\S]*the nearest is v6\.0/);
});
