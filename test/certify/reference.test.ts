// The kit passes the faultless reference as `npm start` runs it; the fault and variant matrices are beside this file.
import { describe, expect, it } from 'vitest';
import { startReference } from '../../conformance/harness/reference-server.js';
import { runKit } from '../helpers/kit-run.js';

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
});
