// The fault matrix, shared by one test file per API so the two halves run side by side: against the reference with
// each fault and every legitimate variant switched on (those that remove what the fault's rule needs aside), a
// default, non-strict run of the kit fails, naming the deciding rule the fault breaks.
import { expect, it } from 'vitest';
import { FAULTS, type FaultName } from '../../src/core/faults.js';
import { VARIANTS } from '../../src/core/variants.js';
import { rules as livevoxRules } from '../../src/generated/livevox-session-catalogue.js';
import { rules as loudvoiceRules } from '../../src/generated/loudvoice-catalogue.js';
import { apiOf, runKitAgainst } from './kit-run.js';

/** Variants that take away what some rules need to be checked at all (the SSO path, the ID-token minter). */
const REMOVES: Record<string, (rule: string) => boolean> = {
  'no-test-idp': (rule) => rule.startsWith('LVX-SSO-'),
  'livevox-no-sso-endpoint': (rule) => rule.startsWith('LVX-SSO-'),
};

/** Every variant that leaves the fault's rule checkable. */
export const variantsFor = (rule: string): string[] => Object.keys(VARIANTS).filter((v) => !REMOVES[v]?.(rule));

const deciding = new Set<string>(
  [...livevoxRules, ...loudvoiceRules].filter((r) => r.provenance.grade === 'documented' || (r.provenance as { decides?: boolean }).decides === true).map((r) => r.id),
);

/** Registers one test per fault of `api`. */
export function faultMatrix(api: 'livevox' | 'loudvoice'): void {
  const faults = (Object.entries(FAULTS) as [FaultName, (typeof FAULTS)[FaultName]][]).filter(([name]) => apiOf(name) === api);
  it.each(faults)('catches %s on a deciding rule, with the variants on', async (fault, { rule }) => {
    expect(deciding.has(rule), `${rule} decides the verdict`).toBe(true);
    const run = await runKitAgainst({ faults: [fault], variants: variantsFor(rule), api, extra: ['--runs', '10', '--rule', rule] });
    expect(run.failedRules, run.output.slice(-3000)).toContain(rule);
    expect(run.result?.summary.verdict).toBe('DOES NOT CONFORM');
    expect(run.exitCode).toBe(1);
  }, 120_000);
}
