// The kit passes the faultless reference as `npm start` runs it, and a default run checks every rule that decides:
// coverage is a gate, not an accident. The fault and variant matrices are beside this file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startReference, type RunningServer } from '../../conformance/harness/reference-server.js';
import { referenceTarget } from '../../src/certify/target.js';
import { runKit } from '../helpers/kit-run.js';

const servers: RunningServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

async function reference(args: string[]): Promise<RunningServer> {
  const server = await startReference(args);
  servers.push(server);
  return server;
}

/** A target file for the reference at `url` that states no clock control, as most vendors' deployments would. */
function withoutClock(url: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kit-target-')), 'target.json');
  writeFileSync(file, JSON.stringify({ ...referenceTarget(url), name: 'reference without clock control', capabilities: { clock: false, reset: false } }));
  return file;
}

describe('the conformance kit against the reference', () => {
  it('passes the faultless reference as npm start runs it, system clock included (exit 0 with --strict), checking every deciding rule', async () => {
    const { url } = await reference(['--clock', 'system']);
    const run = await runKit(url, ['--strict']);
    expect(run.failedRules, run.output.slice(-3000)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.result?.summary.conforms).toBe(true);
    // Every rule that decides is checked in a default run: none skipped, not reached or not covered. Only a rule no
    // HTTP exchange can show (configuration) is reported as not observable.
    const unchecked = run.result!.rules.filter((r) => r.decides && r.status !== 'pass' && r.status !== 'not observable').map((r) => `${r.id}: ${r.status}`);
    expect(unchecked).toEqual([]);
    expect(run.result!.rules.filter((r) => r.status === 'not observable').map((r) => r.id)).toEqual(['LVX-TOKENS-MAX-5']);
  }, 120_000);

  it('checks that a LoudVoice session PUT extends a live session without clock control too, with real waits', async () => {
    // Real waits need a server whose time runs: the reference's own default for tests is a fixed clock.
    const healthy = await reference(['--clock', 'system']);
    const ok = await runKit(withoutClock(healthy.url), ['--api', 'loudvoice', '--rule', 'LDV-SESSION-REFRESH-EXTENDS', '--runs', '2']);
    expect(ok.result?.rules.find((r) => r.id === 'LDV-SESSION-REFRESH-EXTENDS')?.status, ok.output).toBe('pass');
    expect(ok.exitCode, ok.output).toBe(0);
    const faulty = await reference(['--clock', 'system', '--enable-test-faults', '--fault', 'loudvoice-refresh-not-extending']);
    const caught = await runKit(withoutClock(faulty.url), ['--api', 'loudvoice', '--rule', 'LDV-SESSION-REFRESH-EXTENDS', '--runs', '2']);
    expect(caught.failedRules, caught.output).toContain('LDV-SESSION-REFRESH-EXTENDS');
    expect(caught.result?.summary.verdict).toBe('DOES NOT CONFORM');
    expect(caught.exitCode).toBe(1);
  }, 120_000);

  it('gives every deciding rule it cannot check on a thinner target a reason, in the headline and in the rule', async () => {
    const { url } = await reference([]);
    const thin = referenceTarget(url);
    thin.livevox!.primary.apiTokens = thin.livevox!.primary.apiTokens.slice(0, 1);
    delete thin.livevox!.secondary;
    delete thin.livevox!.passwordUser;
    const file = join(mkdtempSync(join(tmpdir(), 'kit-target-')), 'thin.json');
    writeFileSync(file, JSON.stringify({ ...thin, name: 'one token, one client, no passwordUser' }));
    const run = await runKit(file, ['--api', 'livevox', '--runs', '2']);
    expect(run.result?.summary.verdict, run.output).toBe('CONFORMS');
    const notChecked = run.result!.rules.filter((r) => r.decides && r.status !== 'pass' && r.status !== 'not observable');
    expect(notChecked.length).toBeGreaterThan(0);
    for (const r of notChecked) {
      expect(r.status, r.id).toBe('skip');
      expect(r.notes[0], r.id).toMatch(/^needs /);
    }
    expect(notChecked.find((r) => r.id === 'LVX-DIFFERENT-TOKEN-DIFFERENT-SESSION')?.notes[0]).toMatch(/second API token/);
    // The headline counts each skipped deciding rule with its reason, and says nothing of text that is not there.
    const headline = run.result!.summary.headline;
    expect(headline).toMatch(/needs a second API token/);
    expect(headline).not.toMatch(/below|above|not reached|not covered/);
  }, 60_000);
});
