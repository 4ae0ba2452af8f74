// Every shell block of README.md and docs/*.md runs, so no documented command can rot. What the test does, and why:
// - Blocks: fences whose info string is sh, bash, shell or console (of a console block, only its `$ ` lines).
// - Each page runs in its own fresh folder, block after block in page order, each block in bash -e -o pipefail.
//   Variables a block sets (SESSION=$(curl …)) are carried to the page's later blocks.
// - Port 4010 is a free port: other servers may hold 4010 on this machine. Blocks that only call the mock get a mock
//   this test started for the page; a block that starts its own server (`npm start`, `session-kit serve`) gets a
//   port of its own. Other ports a block names (4011, Redis's 6379) get free ports too.
// - `npx session-kit`, `session-kit` and `npm start` are this checkout's bin (test/helpers/cli-shims.ts); `curl`
//   also reports each answer's status, and a status must be 2xx or named in the block's text (its comments say
//   which errors to expect), so a call that starts failing fails the test even where curl itself exits 0.
// - Skipped by rule, lines of `npm ci` / `npm test` (and `npm ci && npm start`, a foreground server): they are what
//   CI runs (.ci/run); inside a test they would reinstall node_modules under it or run the whole suite again.
// - `my-target.json`, which the vendor recipes name, is the vendor's target file; here it describes the page's mock,
//   with the credentials in the environment variables it names (the default fixtures' values).
// - A block that cannot run here is marked right above it with `<!-- shell-block: not run — REASON -->`; the test
//   lists those and requires a reason.
// - After each block every process it left (its process group) is ended.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, writeCliShims, FIXTURE_SECRETS } from '../helpers/cli-shims.js';
import { startCommand, type StartedCommand } from '../helpers/spawn-server.js';

const root = resolve(import.meta.dirname, '../..');
const PAGES = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const SHELL = new Set(['sh', 'bash', 'shell', 'console']);

/** What the recipes' secrets hold for the mock standing in as the deployment. */
const SECRETS = FIXTURE_SECRETS;
const targetFile = (baseUrl: string) => ({
  name: 'my deployment',
  baseUrl,
  apis: ['livevox', 'loudvoice'],
  livevox: { primary: { clientName: 'DEMO', apiTokens: [{ env: 'LV_TOKEN_1' }, { env: 'LV_TOKEN_2' }], user: { userName: 'demo.user', password: { env: 'LV_USER_PASSWORD' } } } },
  loudvoice: { publicKey: { env: 'LOUDVOICE_PUBLIC_KEY' }, privateKey: { env: 'LOUDVOICE_PRIVATE_KEY' } },
});

/** Lines skipped by rule, each with the reason. */
const SKIP_RULES: { pattern: RegExp; reason: string }[] = [
  { pattern: /^npm ci && npm start\b/, reason: 'a foreground server; the blocks that start one in the background run' },
  { pattern: /^npm (ci|test)\b|^npm ci && npm (test|pack)\b/, reason: 'what CI runs (.ci/run): inside a test it would reinstall node_modules or rerun the suite' },
];

interface Block {
  page: string;
  line: number;
  info: string;
  code: string;
  notRun?: string;
}

/** The shell blocks of a page, with the `not run` marker right above each, if any. */
function shellBlocks(page: string, text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    const info = open[1]!;
    if (SHELL.has(info)) {
      let body = lines.slice(i + 1, end);
      if (info === 'console') body = body.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2));
      let above = i - 1;
      while (above >= 0 && lines[above]!.trim() === '') above--;
      const marker = above >= 0 ? /^<!-- shell-block: not run(?: — (.*?))? -->$/.exec(lines[above]!.trim()) : null;
      blocks.push({ page, line: i + 1, info, code: body.join('\n'), ...(marker ? { notRun: (marker[1] ?? '').trim() } : {}) });
    }
    i = end;
  }
  return blocks;
}

/** The block with the lines skipped by rule taken out (their place kept as comments), and what was skipped. */
function withoutSkipped(code: string): { code: string; skipped: string[] } {
  const skipped: string[] = [];
  const kept = code.split('\n').map((line) => {
    const rule = SKIP_RULES.find((r) => r.pattern.test(line.trim()));
    if (!rule) return line;
    skipped.push(`${line.trim()}  (${rule.reason})`);
    return `: skipped by rule`;
  });
  return { code: kept.join('\n'), skipped };
}

const startsServer = (code: string) => /(^|[\s;&|(])(npm start|(npx )?session-kit serve)\b/m.test(code);

const folders: string[] = [];
const mocks: StartedCommand[] = [];
afterAll(() => {
  for (const mock of mocks) mock.child.kill('SIGTERM');
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

const realCurl = spawnSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).stdout.trim();
const hasRedis = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).status === 0;

/** Runs one block in its own process group; ends whatever it left running. */
async function runBlock(dir: string, shim: string, code: string, env: Record<string, string>): Promise<{ status: number | null; output: string }> {
  const state = join(dir, '.shell-block-vars.sh');
  // Variables set by earlier blocks of the page come back; the ones this block sets are kept for the next.
  const script = [
    `[ -f '${state}' ] && . '${state}'`,
    `__before=" $(compgen -v | tr '\\n' ' ') "`,
    code,
    `for __v in $(compgen -v); do case "$__before" in *" $__v "*) ;; *) case "$__v" in __*|BASH*|PIPESTATUS|FUNCNAME|_) ;; *) declare -p "$__v" >> '${state}' ;; esac ;; esac; done`,
  ].join('\n');
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd: dir,
    detached: true,
    env: { PATH: `${shim}:${process.env.PATH}`, HOME: process.env.HOME ?? dir, LANG: 'C.UTF-8', CI: 'true', ...env },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const status = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  clearTimeout(timer);
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    try {
      process.kill(-child.pid!, signal);
      await new Promise((r) => setTimeout(r, 300));
    } catch {
      break; // The group has ended.
    }
  }
  return { status, output };
}

describe('the shell blocks of README.md and docs/', () => {
  const all = PAGES.flatMap((page) => shellBlocks(page, readFileSync(join(root, page), 'utf8')));

  it('are found, and every block that is not run says why', () => {
    expect(all.length).toBeGreaterThan(10);
    const notRun = all.filter((b) => b.notRun !== undefined);
    for (const b of notRun) expect(b.notRun, `${b.page}:${b.line}: a "not run" marker needs a reason`).toMatch(/\w{3,}/);
    // Few, each with a reason a reader can check; listed so a new one is seen in review.
    console.log(`not run:\n${notRun.map((b) => `  ${b.page}:${b.line}: ${b.notRun}`).join('\n')}`);
    expect(notRun.length).toBeLessThanOrEqual(4);
  });

  for (const page of PAGES) {
    const blocks = all.filter((b) => b.page === page && b.notRun === undefined);
    if (blocks.length === 0) continue;
    it(`${page}: every block runs and exits 0`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'shell-blocks-'));
      folders.push(dir);
      const shim = join(dir, '.shim');
      writeCliShims(shim);
      // curl, also writing each answer's status where the test reads it (stderr, marked).
      writeFileSync(join(shim, 'curl'), `#!/bin/sh\nexec "${realCurl}" -w '%{stderr}@@curl@@ %{http_code} %{url_effective}\\n' "$@"\n`, { mode: 0o755 });
      const mock = await startCommand(process.execPath, [join(root, 'bin/session-kit.js'), 'serve', '--port', '0', '--log-level', 'warn'], { cwd: dir });
      mocks.push(mock);
      const pagePort = new URL(mock.url).port;
      writeFileSync(join(dir, 'my-target.json'), JSON.stringify(targetFile(mock.url), null, 2));
      const report: string[] = [];
      for (const block of blocks) {
        const where = `${page}:${block.line}`;
        const { code, skipped } = withoutSkipped(block.code);
        for (const s of skipped) report.push(`${where}: skipped ${s}`);
        if (code.split('\n').every((l) => /^\s*(:|#|$)/.test(l))) continue;
        if (/\bredis-server\b/.test(code) && !hasRedis) {
          if (process.env.CI === 'true') throw new Error(`${where} needs redis-server on PATH (.ci/run installs it)`);
          report.push(`${where}: not run, no redis-server on PATH`);
          continue;
        }
        const ownServer = startsServer(code);
        const ports = new Map<string, string>();
        if (!ownServer) ports.set('4010', pagePort);
        for (const [port] of code.matchAll(/\b(40\d\d|6379)\b/g)) if (!ports.has(port)) ports.set(port, String(await freePort()));
        const local = code.replace(/\b(40\d\d|6379)\b/g, (p) => ports.get(p)!);
        const { status, output } = await runBlock(dir, shim, local, { ...SECRETS, SK_DOCS_PORT: ports.get('4010') ?? pagePort });
        expect(status, `${where} (${block.info}) exited ${status}:\n${local}\n--- output ---\n${output.slice(-6000)}`).toBe(0);
        // Every answer is 2xx or a status the block's text names (# 401 …, 204/404): no unexpected error.
        const said = new Set(block.code.match(/\b[1-5]\d\d\b/g) ?? []);
        const answers = [...output.matchAll(/@@curl@@ (\d{3}) (\S*)/g)].map((m) => ({ status: m[1]!, url: m[2]! }));
        // A wait for the server (curl --retry-connrefused … URL/) is done when anything answers: its 404 is no error.
        const unexpected = answers.filter((a) => !/^2/.test(a.status) && !said.has(a.status) && new URL(a.url).pathname !== '/');
        expect(unexpected, `${where}: answers the block does not announce:\n${output}`).toEqual([]);
        report.push(`${where}: ran, exit 0, ${answers.length} curl answer(s)`);
      }
      console.log(report.join('\n'));
    }, 240_000);
  }
});

describe('README.md and docs/ links', () => {
  it('every relative link points at a file or folder that exists', () => {
    const broken: string[] = [];
    for (const page of PAGES) {
      const text = readFileSync(join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target!)) continue;
        const path = target!.split('#')[0]!;
        if (!existsSync(resolve(root, dirname(page), path))) broken.push(`${page}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("keeps every section of the old README (each ## and ### heading's words appear in README or docs/)", () => {
    const headings = readFileSync(join(root, 'README.md'), 'utf8') + PAGES.slice(1).map((p) => readFileSync(join(root, p), 'utf8')).join('\n');
    const titles = [...headings.matchAll(/^#{1,4} (.*)$/gm)].map((m) => m[1]!).join('\n');
    for (const old of [
      'Quick start', 'Install from a tarball', 'LiveVox against the mock', 'LoudVoice against the mock', 'The conformance kit',
      'Three ways to use it', 'The kit proves its power, and its fairness', 'Admin controls', 'Integrators', 'Request journal',
      'Gate your client in CI', 'Chaos and latency', 'Console', 'CORS', 'Performance', 'Robustness', 'Keeping state across restarts',
      'Running a fleet', 'Layout', 'Contracts and generated code',
    ]) {
      expect(titles, old).toContain(old);
    }
  });
});
