// A target file through the real CLI: a file with a mistake exits 2 with exactly one line naming the key and its
// path, before a single request reaches the target; and each API may live at its own base URL, where its traffic
// and its admin calls go (proved with the two APIs on two servers and the top-level baseUrl on a closed port).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReference, type RunningServer } from '../../conformance/harness/reference-server.js';
import { runCli } from '../helpers/spawn-server.js';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'kit-target-file-'));
let counting: Server;
let countingUrl: string;
let requests = 0;

beforeAll(async () => {
  // Stands where every bad file's baseUrl points: it must see nothing, since a file is checked before anything is sent.
  counting = createServer((_req, res) => {
    requests++;
    res.writeHead(500).end();
  });
  await new Promise<void>((done) => counting.listen(0, '127.0.0.1', done));
  countingUrl = `http://127.0.0.1:${(counting.address() as { port: number }).port}`;
});

afterAll(() => {
  counting.close();
});

/** The shipped example with every URL at the counting server, changed as the case says, written to a file. */
function targetFile(name: string, change: (file: any) => void = () => {}): string {
  const file = JSON.parse(readFileSync(join(root, 'conformance/targets/example-vendor.json'), 'utf8'));
  file.baseUrl = countingUrl;
  delete file.livevox.baseUrl;
  delete file.loudvoice.baseUrl;
  change(file);
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(file, null, 2));
  return path;
}

/** Runs the CLI on a target file and expects exit 2 with exactly the one line `session-kit: FILE: problem`. */
async function expectOneLine(path: string, problem: string, env: NodeJS.ProcessEnv = {}) {
  const run = await runCli(['conformance', '--target', path], env);
  expect(run.code, run.output).toBe(2);
  expect(run.output.trimEnd().split('\n'), run.output).toEqual([`session-kit: ${path}: ${problem}`]);
}

describe('session-kit conformance: a target file with a mistake exits 2 with one line', () => {
  it.each([
    ['malformed value type', (f: any) => (f.livevox.primary.apiTokens[0] = 5), 'livevox.primary.apiTokens.0: must be a string or {"env": NAME}'],
    ['unknown key at the top level', (f: any) => (f.timeoutSeconds = 30), 'unknown key "timeoutSeconds"'],
    ['unknown key, nested', (f: any) => (f.livevox.primary.agnet = f.livevox.primary.agent), 'livevox.primary: unknown key "agnet" (did you mean "agent"?)'],
    ['unknown key in capabilities', (f: any) => (f.capabilities.clok = true), 'capabilities: unknown key "clok" (did you mean "clock"?)'],
    ['misspelt key (apiToken, which crashed the kit with a TypeError)', (f: any) => {
      f.livevox.primary.apiToken = f.livevox.primary.apiTokens;
      delete f.livevox.primary.apiTokens;
    }, 'livevox.primary: unknown key "apiToken" (did you mean "apiTokens"?)'],
    ['missing required key', (f: any) => delete f.loudvoice.privateKey, 'loudvoice: missing required key "privateKey"'],
    ['empty apiTokens', (f: any) => (f.livevox.primary.apiTokens = []), 'livevox.primary.apiTokens: must list at least one API token (two, to check the rules about different tokens of one client)'],
    ['a URL that is not http(s)', (f: any) => (f.baseUrl = 'ftp://staging.example.com'), 'baseUrl: must be an http(s) URL (without query or fragment), not "ftp://staging.example.com"'],
  ])('%s', async (name, change, problem) => {
    await expectOneLine(targetFile(`${name.replace(/\W+/g, '-')}.json`, change), problem);
  }, 30_000);

  it('invalid JSON, with its line and column', async () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{\n  "name": "broken",\n  "baseUrl": "http://127.0.0.1:1"\n  "apis": ["livevox"]\n}\n');
    const run = await runCli(['conformance', '--target', path]);
    expect(run.code, run.output).toBe(2);
    expect(run.output.trimEnd().split('\n')).toEqual([expect.stringMatching(new RegExp(`^session-kit: ${path}: not valid JSON at line 4, column 3: `))]);
  }, 30_000);

  it('an unreadable file', async () => {
    await expectOneLine(join(dir, 'no-such-target.json'), 'cannot read the target file (no such file)');
    mkdirSync(join(dir, 'a-folder.json'));
    await expectOneLine(join(dir, 'a-folder.json'), 'cannot read the target file (is a directory, not a file)');
  }, 30_000);

  it('a variable the file names that is not set', async () => {
    const run = await runCli(['conformance', '--target', targetFile('env.json')], { LV_TOKEN_1: '' });
    expect(run.code, run.output).toBe(2);
    expect(run.output.trimEnd().split('\n')).toEqual(['session-kit: livevox.primary.apiTokens.0: environment variable LV_TOKEN_1 is not set']);
  }, 30_000);

  it('sent nothing to the target for any of them', () => {
    expect(requests).toBe(0);
  });
});

describe('session-kit conformance: each API at its own base URL', () => {
  let livevox: RunningServer;
  let loudvoice: RunningServer;
  let closedUrl: string;

  beforeAll(async () => {
    // A big journal, so nothing an API's suite sent is pushed out before the journals are read.
    [livevox, loudvoice] = await Promise.all([startReference(['--journal-size', '20000']), startReference(['--journal-size', '20000'])]);
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    closedUrl = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
    await new Promise((done) => closed.close(done));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([livevox?.stop(), loudvoice?.stop()]);
  });

  /** Up to `limit` journal entries of a server matching a filter, and what the journal holds. */
  const journal = async (server: RunningServer, query: string) =>
    (await (await fetch(`${server.url}/__admin/requests?${query}`)).json()) as { requests: { api: string | null; request: { path: string } }[]; meta: { dropped: number } };

  it('sends each API and its admin calls to its own URL, never to the top-level one; CONFORMS', async () => {
    const reference = JSON.parse(readFileSync(join(root, 'conformance/targets/reference.json'), 'utf8'));
    delete reference.adminToken;
    const path = join(dir, 'two-hosts.json');
    writeFileSync(
      path,
      JSON.stringify({
        ...reference,
        name: 'two hosts',
        baseUrl: closedUrl,
        capabilities: {},
        livevox: { baseUrl: livevox.url, ...reference.livevox },
        loudvoice: { baseUrl: `${loudvoice.url}/`, ...reference.loudvoice },
      }),
    );
    const out = join(dir, 'two-hosts-result.json');
    const run = await runCli(['conformance', '--target', path, '--runs', '2', '--json', out]);
    expect(run.output).toContain(`two hosts (livevox at ${livevox.url}, loudvoice at ${loudvoice.url})`);
    expect(run.output).toMatch(/CONFORMS: /);
    expect(run.code, run.output).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    expect(result.target.baseUrls).toEqual({ livevox: livevox.url, loudvoice: loudvoice.url });
    // Clock control was probed at each API's own URL and found: the expiry rules ran with it on both.
    expect(result.target.capabilities).toMatchObject({ clock: true, reset: true, idp: true });
    expect(result.rules.find((r: { id: string }) => r.id === 'LVX-EXPIRY-2H').status).toBe('pass');

    // Each journal holds its own API's traffic and nothing of the other's.
    for (const [server, own, other, otherPaths] of [
      [livevox, 'livevox', 'loudvoice', ['/loudvoice']],
      [loudvoice, 'loudvoice', 'livevox', ['/session', '/configuration']],
    ] as const) {
      expect((await journal(server, `api=${own}&limit=1`)).requests, `${own} traffic at its own URL`).toHaveLength(1);
      expect((await journal(server, `api=${other}&limit=1000`)).requests, `${other} traffic at ${own}'s URL`).toEqual([]);
      for (const prefix of otherPaths) expect((await journal(server, `path=${prefix}&limit=1000`)).requests, `${prefix} at ${own}'s URL`).toEqual([]);
      expect((await journal(server, 'limit=1')).meta.dropped).toBe(0);
    }
  }, 180_000);
});
