// docs/in-process.md, run as written (house style: every recipe in docs/ is run by a test): the first `js` block is
// written into this checkout (so `import { startMock } from 'session-kit'` resolves to the package itself, through its
// own exports, against dist/: run `npm run build` first) and run with `node --test`; the verify message the page shows
// is the one the scenario it describes produces, line for line; the near-miss JSON it shows is an entry's.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMock } from '../../src/admin/http/start-mock.js';
import { DEMO } from '../helpers/test-app.js';

const root = resolve(import.meta.dirname, '../..');
const doc = readFileSync(join(root, 'docs/in-process.md'), 'utf8');
const recipeFile = join(root, 'test/in-process/.doc-recipe.test.mjs');
afterAll(() => rmSync(recipeFile, { force: true }));

describe('docs/in-process.md', () => {
  it('the recipe runs under node --test, importing session-kit by its name', () => {
    const recipe = /```js\n([\s\S]*?)```/.exec(doc)![1]!;
    expect(recipe).toContain("from 'session-kit'");
    writeFileSync(recipeFile, recipe);
    const run = spawnSync(process.execPath, ['--test', recipeFile], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/# pass 1\n# fail 0/);
  });

  it('shows the verify message and the near miss the scenario it describes produces', async () => {
    const mock = await startMock();
    try {
      const headers = { 'LV-Access': DEMO.token1, 'Content-Type': 'application/json' };
      await fetch(`${mock.url}/session/login`, { method: 'POST', headers, body: JSON.stringify(DEMO.user) });
      await fetch(`${mock.url}/session/v7.0/login`, { method: 'POST', headers, body: JSON.stringify(DEMO.user) });
      await fetch(`${mock.url}/session/details`);
      const error = await mock.verify({ operationId: 'login' }, { times: 2 }).then(() => undefined, (e: Error) => e);
      const shown = /```\n(verify: [\s\S]*?)```/.exec(doc)![1]!;
      expect(`${error?.message}\n`).toBe(shown);
      const json = JSON.parse(`{${/```json\n([\s\S]*?)```/.exec(doc)![1]!}}`) as { nearMisses: unknown[] };
      const [v7] = await mock.requests({ path: '/session/v7.0' });
      expect(v7!.nearMisses![0]).toEqual(json.nearMisses[0]);
    } finally {
      await mock.close();
    }
  });
});
