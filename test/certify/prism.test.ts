// The kit against Prism: a plain `prism mock` of our own contracts has no state, so the kit must fail it; and with
// --prism, Prism's proxy is an independent validator that finds a response breaking the contract.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startReference } from '../../conformance/harness/reference-server.js';
import { CONTRACTS, startPrismMock } from '../../src/certify/prism-proxy.js';
import { referenceTarget } from '../../src/certify/target.js';
import { runKit } from '../helpers/kit-run.js';

const stops: (() => void)[] = [];
afterAll(() => stops.forEach((stop) => stop()));

async function prismMock(contract: string): Promise<string> {
  const prism = await startPrismMock(contract);
  stops.push(prism.stop);
  return prism.url;
}

/** A target file for a stateless mock: the reference's credentials, no admin capabilities. */
function targetFileFor(url: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'target-')), 'prism.json');
  writeFileSync(file, JSON.stringify({ ...referenceTarget(url), name: 'prism mock', capabilities: { clock: false, reset: false, idp: false } }));
  return file;
}

describe('the kit against a plain prism mock of our contracts', () => {
  it('fails the LiveVox mock: it accepts unknown tokens and hands every token the same session', async () => {
    const run = await runKit(targetFileFor(await prismMock(CONTRACTS.livevox)), ['--api', 'livevox', '--runs', '5']);
    expect(run.exitCode).toBe(1);
    expect(run.failedRules).toEqual(expect.arrayContaining(['LVX-LOGIN-ACCESS-UNKNOWN', 'LVX-DIFFERENT-TOKEN-DIFFERENT-SESSION']));
  }, 180_000);

  it('fails the LoudVoice mock: it keeps no state, so it "finds" objects that were never created', async () => {
    const run = await runKit(targetFileFor(await prismMock(CONTRACTS.loudvoice)), ['--api', 'loudvoice', '--runs', '5']);
    expect(run.exitCode).toBe(1);
    expect(run.failedRules).toEqual(
      expect.arrayContaining(['LDV-SESSION-ALLOW-CREATE-NEW-FALSE-NOTHING-CREATED', 'LDV-COMMENT-DISCUSSION-UNKNOWN-404', 'LDV-AUTHOR-READ-BY-REFERENCE']),
    );
  }, 180_000);
});

describe('--prism: Prism as an independent validator', () => {
  it('finds nothing wrong with the reference, and reports a response that breaks the contract', async () => {
    const clean = await startReference();
    stops.push(() => clean.child.kill('SIGTERM'));
    const ok = await runKit(clean.url, ['--api', 'loudvoice', '--runs', '5', '--prism']);
    expect(ok.result?.prism?.responseViolations, ok.output.slice(-2000)).toEqual([]);
    expect(ok.exitCode).toBe(0);
    const faulty = await startReference(['--enable-test-faults', '--fault', 'loudvoice-date-format']);
    stops.push(() => faulty.child.kill('SIGTERM'));
    const bad = await runKit(faulty.url, ['--api', 'loudvoice', '--runs', '5', '--prism']);
    expect(bad.exitCode).toBe(1);
    expect(bad.result?.prism?.responseViolations.length).toBeGreaterThan(0);
    expect(bad.result?.rules.find((r) => r.id === 'LDV-CONTRACT-RESPONSES')?.notes.some((n) => n.startsWith('Prism:'))).toBe(true);
  }, 240_000);
});
