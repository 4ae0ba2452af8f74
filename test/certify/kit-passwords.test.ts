// The kit changes a vendor's passwordUser password to check the documented password rules. These tests hold what it
// promises about that: the passwords it invents appear in no report (console, JSON, JUnit, certificate), even when a failure
// quotes the exchanges that carried them; it puts the original back under a policy that refuses reused passwords, on a
// target with no reset; and when it cannot, the password that logs in goes to a file only the kit's user can read,
// never to a report.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startReference, type RunningServer } from '../../conformance/harness/reference-server.js';
import { referenceTarget } from '../../src/certify/target.js';
import { runKit } from '../helpers/kit-run.js';

/** What every password the kit invents looks like (src/certify/kit-passwords.ts). */
const KIT_PASSWORD = /Kit-[a-z0-9]{10}-9Z/g;

const servers: RunningServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

async function reference(args: string[]): Promise<RunningServer> {
  const server = await startReference(['--enable-test-faults', ...args]);
  servers.push(server);
  return server;
}

/** A fixture file: the default fixtures with a LiveVox password history of `reuseHistory`. */
function fixturesWithHistory(reuseHistory: number): string {
  const fixtures = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/default.json'), 'utf8'));
  fixtures.livevox.passwordPolicy = { reuseHistory };
  const file = join(mkdtempSync(join(tmpdir(), 'kit-pw-')), 'fixtures.json');
  writeFileSync(file, JSON.stringify(fixtures));
  return file;
}

/** A target file for the reference at `url` that states no clock and no reset, as a vendor's deployment would. */
function vendorLikeTarget(url: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kit-target-')), 'target.json');
  writeFileSync(file, JSON.stringify({ ...referenceTarget(url), name: 'vendor-like reference', capabilities: { clock: false, reset: false } }));
  return file;
}

/** Every text the run wrote: console output and every file below `dir` (reports, a bundle's HAR and manifest). */
function reportsOf(dir: string, output: string): string {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
  return [output, ...files.map((f) => readFileSync(join(dir, f), 'utf8'))].join('\n');
}

describe("the kit's own passwords", () => {
  it('never appear in the console, the JSON, the JUnit file, the certificate or the bundle (HAR included), even in a failure that quotes the exchanges', async () => {
    const server = await reference(['--fault', 'livevox-password-change-keeps-sessions']);
    const out = mkdtempSync(join(tmpdir(), 'kit-reports-'));
    const run = await runKit(server.url, ['--api', 'livevox', '--rule', 'LVX-PASSWORD-CHANGE-ENDS-SESSIONS', '--runs', '2', '--report', join(out, 'certificate.md'), '--junit', join(out, 'junit.xml'), '--bundle', join(out, 'bundle')], {
      SESSION_KIT_WORKDIR: out,
    });
    expect(run.exitCode, run.output).toBe(1);
    expect(run.failedRules).toContain('LVX-PASSWORD-CHANGE-ENDS-SESSIONS');
    const text = reportsOf(out, run.output) + JSON.stringify(run.result);
    expect(text.match(KIT_PASSWORD) ?? []).toEqual([]);
    // The failure did quote the exchanges that carried a kit password, redacted (the marker keeps its last 2 characters).
    expect(text).toContain('«redacted…9Z»');
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/<failure[^>]*>[^<]*LVX-PASSWORD-CHANGE-ENDS-SESSIONS|LVX-PASSWORD-CHANGE-ENDS-SESSIONS[^]*<failure/);
    expect(run.output).toMatch(/note: the password tests change demo\.user's password/);
  }, 60_000);

  it('are rotated until the original is back under a policy that refuses the last 4 passwords, run after run, without reset', async () => {
    const server = await reference(['--fixtures', fixturesWithHistory(4)]);
    const target = vendorLikeTarget(server.url);
    for (const round of [1, 2]) {
      const run = await runKit(target, ['--api', 'livevox', '--rule', 'LVX-PASSWORD-NEW-CREDENTIALS', '--runs', '2']);
      expect(run.result?.summary.verdict, `run ${round}:\n${run.output}`).toBe('CONFORMS');
      const status = (id: string) => run.result?.rules.find((r) => r.id === id)?.status;
      for (const id of ['LVX-PASSWORD-POLICY', 'LVX-PASSWORD-NEW-CREDENTIALS', 'LVX-PASSWORD-CHANGE-ENDS-SESSIONS']) expect(status(id), `${id}, run ${round}`).toBe('pass');
      expect(run.output.match(KIT_PASSWORD) ?? []).toEqual([]);
    }
  }, 120_000);

  it('that it cannot put back are handed to the user in a 0600 file, never in a report', async () => {
    // A history longer than the kit's 24 rotations: the original cannot come back.
    const server = await reference(['--fixtures', fixturesWithHistory(30)]);
    const work = mkdtempSync(join(tmpdir(), 'kit-work-'));
    const out = mkdtempSync(join(tmpdir(), 'kit-reports-'));
    const run = await runKit(vendorLikeTarget(server.url), ['--api', 'livevox', '--rule', 'LVX-PASSWORD-NEW-CREDENTIALS', '--runs', '2', '--report', join(out, 'certificate.md')], {
      SESSION_KIT_WORKDIR: work,
    });
    expect(run.result?.summary.verdict, run.output).toBe('INCONCLUSIVE');
    const notes = readdirSync(work).filter((f) => /^session-kit-password-recovery-.*\.txt$/.test(f));
    expect(notes, run.output).toHaveLength(1);
    const note = join(work, notes[0]!);
    expect(statSync(note).mode & 0o777).toBe(0o600);
    const password = /Its password is now: (\S+)/.exec(readFileSync(note, 'utf8'))?.[1];
    expect(password).toMatch(KIT_PASSWORD);
    // The note's password is the one that logs in now, and no report carries it.
    const login = await fetch(`${server.url}/session/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'lv-access': '11111111-1111-4111-8111-111111111111' },
      body: JSON.stringify({ clientName: 'DEMO', userName: 'demo.user', password }),
    });
    expect(login.status).toBe(200);
    const text = reportsOf(out, run.output) + JSON.stringify(run.result);
    expect(text).not.toContain(password!);
    expect(text).toContain(note);
  }, 60_000);
});
