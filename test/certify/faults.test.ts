// The kit proves its power: it passes the faultless reference, and against the reference started with each
// test-only fault it fails, naming the rule that the fault breaks.
import { describe, expect, it } from 'vitest';
import { FAULTS, type FaultName } from '../../src/core/faults.js';
import { startReference } from '../../conformance/harness/reference-server.js';
import { runKit, runKitAgainstFaults } from '../helpers/kit-run.js';

const apiOf = (fault: string) => (fault.startsWith('livevox') ? 'livevox' : 'loudvoice');

describe('the conformance kit against the reference', () => {
  it('passes the faultless reference as npm start runs it, system clock included (exit 0 with --strict)', async () => {
    const { url, child } = await startReference(['--clock', 'system']);
    try {
      const run = await runKit(url, ['--strict']);
      expect(run.failedRules, run.output.slice(-3000)).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(run.result?.summary.conforms).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);

  it.each(Object.entries(FAULTS) as [FaultName, (typeof FAULTS)[FaultName]][])('catches %s, naming the rule it breaks', async (fault, { rule }) => {
    const run = await runKitAgainstFaults([fault], apiOf(fault));
    expect(run.failedRules, run.output.slice(-3000)).toContain(rule);
    expect(run.exitCode).toBe(1);
  }, 120_000);
});
