// The mirror of the fault matrix: legitimate variants. Against the reference started with each variant (a different
// but correct choice where the vendors are silent), and with all of them at once, the kit must CONFORM: no deciding
// rule fails and the kit makes no error of its own. The variant's own rules must show the difference (failed as
// non-deciding, or skipped), so a variant that changes nothing the kit sees cannot pass unnoticed.
import { describe, expect, it } from 'vitest';
import { VARIANTS, type VariantName } from '../../src/core/variants.js';
import { apiOf, runKitAgainst, type KitRun } from '../helpers/kit-run.js';

const RUNS = ['--runs', '10'];

function expectConforms(run: KitRun): void {
  const summary = run.result?.summary;
  const deciding = run.result?.rules.filter((r) => r.decides && r.status === 'fail').map((r) => r.id);
  expect(deciding, run.output.slice(-4000)).toEqual([]);
  expect(run.result?.kitErrors, run.output.slice(-4000)).toEqual([]);
  expect(summary?.verdict, run.output.slice(-2000)).toBe('CONFORMS');
  expect(run.exitCode).toBe(0);
}

describe('the kit against legitimate variants of the reference', () => {
  it.each(Object.entries(VARIANTS) as [VariantName, (typeof VARIANTS)[VariantName]][])('CONFORMS against %s', async (variant, { rules }) => {
    const run = await runKitAgainst({ variants: [variant], api: apiOf(variant), extra: RUNS });
    expectConforms(run);
    const seen = run.result!.rules.filter((r) => (rules as readonly string[]).includes(r.id));
    expect(seen.map((r) => `${r.id}: ${r.status}`).join(', '), 'the variant shows in its own rules').not.toMatch(/^([A-Z0-9-]+: pass(, )?)+$/);
  }, 120_000);

  it('CONFORMS against every variant at once, both APIs', async () => {
    const run = await runKitAgainst({ variants: Object.keys(VARIANTS), api: 'both', extra: RUNS });
    expectConforms(run);
    expect(run.result!.summary.otherFailures).toBeGreaterThanOrEqual(15);
  }, 180_000);
});
