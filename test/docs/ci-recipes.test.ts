// The CI recipes in docs/ci.md, run as written: every YAML block is parsed, and its shell steps (GitHub Actions
// `run:`, GitLab `script:` then `after_script:`) are executed in order with bash, as the CI would, in a fresh
// folder, against this checkout's build. What the test stands in for, and why:
// - `npx session-kit` is this checkout's bin/session-kit.js, through an `npx` shim first on PATH (needs dist/,
//   built by `npm ci`/`npm run build`).
// - Port 4010 becomes a free port: other servers may hold 4010 on this machine.
// - Skipped: `uses:` steps (actions/checkout: the fresh folder is the checkout; actions/setup-node: this Node runs
//   it; actions/upload-artifact: the test reads reports/ itself) and `npm ci` (the folder's stand-in client has no
//   dependencies, and session-kit comes from the shim).
// - `${{ secrets.NAME }}` and the GitLab CI/CD variables the recipes name are the default fixtures' credentials
//   (what a vendor's CI secrets would hold for the mock standing in as the deployment).
// - The integrator's `npm test` is a stand-in client in the folder that makes valid LiveVox and LoudVoice calls.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freePort, writeNpxShim, FIXTURE_SECRETS } from '../helpers/cli-shims.js';
import { assertHar12 } from '../helpers/har.js';

const root = resolve(import.meta.dirname, '../..');
const doc = readFileSync(join(root, 'docs/ci.md'), 'utf8');
const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!) as Record<string, any>);

/** What the recipes' secrets hold for the mock standing in as the deployment. */
const SECRETS = FIXTURE_SECRETS;

/** The integrator's client tests, standing in: valid calls of both APIs, at the URLs the recipe gives. */
const CLIENT = `
const lv = process.env.LIVEVOX_BASE_URL, ldv = process.env.LOUDVOICE_BASE_URL;
const login = await fetch(lv + '/session/login', { method: 'POST', headers: { 'content-type': 'application/json', 'lv-access': '${SECRETS.LV_TOKEN_1}' },
  body: JSON.stringify({ clientName: 'DEMO', userName: 'demo.user', password: '${SECRETS.LV_USER_PASSWORD}' }) });
if (login.status !== 200) throw new Error('login ' + login.status);
const auth = 'Basic ' + Buffer.from('${SECRETS.LOUDVOICE_PUBLIC_KEY}:${SECRETS.LOUDVOICE_PRIVATE_KEY}').toString('base64');
const put = await fetch(ldv + '/authors/sessions.json', { method: 'PUT', headers: { 'content-type': 'application/json', authorization: auth },
  body: JSON.stringify({ request: { author_session: { author: { author_reference: 'CI-CLIENT', name: 'CI' } } } }) });
if (put.status !== 201 && put.status !== 200) throw new Error('session ' + put.status);
console.log('client tests passed');
`;

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) {
    // A recipe that failed half-way may have left its server running: end the ones it started (their pid files).
    for (const f of existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.pid')) : []) {
      try {
        process.kill(Number(readFileSync(join(dir, f), 'utf8')), 'SIGTERM');
      } catch {}
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A fresh folder with the npx shim and the stand-in client; and how to run one shell step there. */
async function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'ci-recipe-'));
  folders.push(dir);
  const bin = join(dir, '.shim');
  mkdirSync(bin);
  writeNpxShim(bin);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'my-client', private: true, type: 'module', scripts: { test: 'node client.mjs' } }));
  writeFileSync(join(dir, 'client.mjs'), CLIENT);
  const port = String(await freePort());
  const local = (text: string) => text.replaceAll('4010', port).replace(/\$\{\{\s*secrets\.(\w+)\s*\}\}/g, (_m, name: string) => SECRETS[name] ?? '');
  const run = (script: string, env: Record<string, string>) => {
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', local(script)], {
      cwd: dir,
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME ?? dir, ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, local(String(v))])) },
      encoding: 'utf8',
      timeout: 240_000,
    });
    return { code: result.status, output: `${result.stdout}${result.stderr}` };
  };
  return { dir, run };
}

const isSetup = (command: string) => command.trim() === 'npm ci';

/** Runs a GitHub Actions job's steps as the runner would: after a failing step, only `if: always()` steps run. */
async function runGitHubJob(job: { env?: Record<string, string>; steps: { uses?: string; run?: string; env?: Record<string, string>; if?: string; name?: string }[] }) {
  const { dir, run } = await workspace();
  const results: { step: string; code: number | null; output: string }[] = [];
  let failed = false;
  for (const step of job.steps) {
    if (step.uses !== undefined || step.run === undefined || isSetup(step.run)) continue;
    if (failed && step.if !== 'always()') continue;
    const result = run(step.run, { ...job.env, ...step.env });
    results.push({ step: step.name ?? step.run, ...result });
    if (result.code !== 0) failed = true;
  }
  return { dir, results };
}

/** Runs a GitLab job: `script` in one shell (failing at the first failing line), then `after_script` in another. */
async function runGitLabJob(job: { variables?: Record<string, string>; script: string[]; after_script?: string[] }) {
  const { dir, run } = await workspace();
  const env = { ...SECRETS, ...job.variables };
  const script = run(job.script.filter((line) => !isSetup(line)).join('\n'), env);
  const after = job.after_script ? run(job.after_script.join('\n'), env) : { code: 0, output: '' };
  return { dir, results: [{ step: 'script', ...script }, { step: 'after_script', ...after }] };
}

const jobOf = (block: Record<string, any>, name: string) => (block.jobs ? block.jobs[name] : block[name]);
const vendorBlocks = blocks.filter((b) => jobOf(b, 'certify'));
const clientBlocks = blocks.filter((b) => jobOf(b, 'client') ?? jobOf(b, 'client-against-mock'));

describe('docs/ci.md', () => {
  it('has a GitHub Actions workflow and a GitLab CI job for each use', () => {
    expect(blocks).toHaveLength(4);
    expect(vendorBlocks.map((b) => (b.jobs ? 'github' : 'gitlab'))).toEqual(['github', 'gitlab']);
    expect(clientBlocks.map((b) => (b.jobs ? 'github' : 'gitlab'))).toEqual(['github', 'gitlab']);
  });

  for (const block of clientBlocks) {
    const kind = block.jobs ? 'GitHub Actions' : 'GitLab CI';
    it(`integrator (${kind}): the client's tests pass, journal check gates with JUnit, the journal file and its HAR are kept`, async () => {
      const { dir, results } = block.jobs ? await runGitHubJob(block.jobs.client) : await runGitLabJob(block['client-against-mock']);
      for (const r of results) expect(r.code, `${r.step}\n${r.output}`).toBe(0);
      const all = results.map((r) => r.output).join('\n');
      expect(all).toContain('client tests passed');
      expect(all).toMatch(/CONFORMS: 2 exchange\(s\) judged, none broke the contract/);
      const junit = readFileSync(join(dir, 'reports/journal-junit.xml'), 'utf8');
      expect(junit).toMatch(/<testsuites [^>]*tests="2" failures="0"/);
      expect(readFileSync(join(dir, 'reports/journal.md'), 'utf8')).toContain('**CONFORMS');
      const lines = readFileSync(join(dir, 'reports/journal.ndjson'), 'utf8').trimEnd().split('\n');
      expect(lines.map((l) => JSON.parse(l).operation.operationId)).toEqual(['login', 'startAuthorSession']);
      const har = JSON.parse(readFileSync(join(dir, 'reports/journal.har'), 'utf8'));
      assertHar12(har);
      expect(har.log.entries).toHaveLength(2);
      // The site's public key is shown on purpose (the journal's redaction rules): every other credential is masked.
      for (const secret of Object.values(SECRETS).filter((s) => s !== SECRETS.LOUDVOICE_PUBLIC_KEY)) expect(readFileSync(join(dir, 'reports/journal.ndjson'), 'utf8')).not.toContain(secret);
    }, 120_000);
  }

  for (const block of vendorBlocks) {
    const kind = block.jobs ? 'GitHub Actions' : 'GitLab CI';
    it(`vendor (${kind}): the conformance kit certifies the deployment and writes the JUnit XML and the certificate`, async () => {
      const { dir, results } = block.jobs ? await runGitHubJob(block.jobs.certify) : await runGitLabJob(block.certify);
      for (const r of results) expect(r.code, `${r.step}\n${r.output}`).toBe(0);
      expect(readFileSync(join(dir, 'reports/certificate.md'), 'utf8')).toMatch(/CONFORMS/);
      // One testcase per rule, and nothing failed: the vendor's CI would stay green on a conforming deployment.
      const junit = readFileSync(join(dir, 'reports/junit.xml'), 'utf8');
      expect(junit).toMatch(/<testsuites [^>]*failures="0"/);
      expect(junit).toMatch(/<testcase [^>]*name="LVX-LOGIN-WRONG-CREDENTIALS/);
    }, 240_000);
  }
});
