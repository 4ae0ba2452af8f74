// The fault and variant matrix as tests, one file per half so the halves run side by side. The whole half runs in
// one child process with one vitest instance (test/helpers/kit-matrix.ts); each entry is then one test here:
// - every fault, with the variants on, makes a default (non-strict) run fail on the deciding rule it breaks;
// - every variant, and all of them at once, CONFORMS with no kit error, and shows in its own rules.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { rules as livevoxRules } from '../../src/generated/livevox-session-catalogue.js';
import { rules as loudvoiceRules } from '../../src/generated/loudvoice-catalogue.js';
import { ruleDecides } from '../../src/certify/check-tally.js';
import { matrixEntries, type MatrixOutcome } from './kit-matrix.js';

const root = resolve(import.meta.dirname, '../..');
const deciding = new Set<string>([...livevoxRules, ...loudvoiceRules].filter((r) => ruleDecides(r.provenance)).map((r) => r.id));

/** Registers the tests of one half of the matrix. */
export function kitMatrix(half: 'livevox' | 'loudvoice'): void {
  const outcomes = new Map<string, MatrixOutcome>();
  let log = '';
  beforeAll(async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'kit-matrix-')), 'outcomes.json');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/kit-matrix.ts', half, out], { cwd: root });
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    if (code !== 0) throw new Error(`the matrix run failed (${code}):\n${log.slice(-4000)}`);
    for (const o of JSON.parse(readFileSync(out, 'utf8')) as MatrixOutcome[]) outcomes.set(o.name, o);
  }, 600_000);

  const entries = matrixEntries(half);
  it.each(entries.filter((e) => e.kind === 'fault').map((e) => [e.name, [e.rule!, ...(e.also ?? [])].join(', ')] as const))(
    'catches the fault %s on %s, with the variants on',
    (name, rules) => {
      const o = outcomes.get(name);
      expect(o, log.slice(-2000)).toBeDefined();
      for (const rule of rules.split(', ')) {
        expect(deciding.has(rule), `${rule} decides the verdict`).toBe(true);
        expect(o!.failedRules, o!.output).toContain(rule);
      }
      expect(o!.verdict, o!.output).toBe('DOES NOT CONFORM');
    },
  );

  it.each(entries.filter((e) => e.kind === 'variant' && e.expect).map((e) => [e.name, e.expect!.decidingFailed.join(', ')] as const))(
    'fails the variant %s on %s and on no other deciding rule, with no kit error',
    (name, rules) => {
      const o = outcomes.get(name);
      expect(o, log.slice(-2000)).toBeDefined();
      expect(o!.decidingFailed, o!.output).toEqual(rules.split(', '));
      expect(o!.kitErrors, o!.output).toEqual([]);
      expect(o!.verdict, o!.output).toBe(o!.expect!.verdict);
    },
  );

  it.each(entries.filter((e) => e.kind === 'policy').map((e) => [e.name, e.repeat ?? 1] as const))('CONFORMS under the vendor policy %s, %i runs in a row on one server', (name, runs) => {
    const o = outcomes.get(name);
    expect(o, log.slice(-2000)).toBeDefined();
    const verdicts = [{ verdict: o!.verdict, kitErrors: o!.kitErrors }, ...(o!.repeats ?? [])];
    expect(verdicts, o!.output).toHaveLength(runs);
    for (const v of verdicts) {
      expect(v.kitErrors, o!.output).toEqual([]);
      expect(v.verdict, o!.output).toBe('CONFORMS');
    }
    // The password rules were checked in every run, not skipped: passwordUser is set and the policy did not stop them.
    expect(o!.passwordBack, 'the original password logs in after the runs').toBe(true);
    for (const rules of o!.passwordRules ?? []) {
      for (const id of ['LVX-PASSWORD-POLICY', 'LVX-PASSWORD-NEW-CREDENTIALS', 'LVX-PASSWORD-CHANGE-ENDS-SESSIONS']) expect(rules[id], JSON.stringify(rules)).toBe('pass');
    }
  });

  it.each(entries.filter((e) => (e.kind === 'variant' && !e.expect) || e.kind === 'all-variants').map((e) => [e.name] as const))('CONFORMS against the variant %s', (name) => {
    const o = outcomes.get(name);
    expect(o, log.slice(-2000)).toBeDefined();
    expect(o!.decidingFailed, o!.output).toEqual([]);
    expect(o!.kitErrors, o!.output).toEqual([]);
    expect(o!.verdict, o!.output).toBe('CONFORMS');
    // The variant is seen: at least one of its own rules is not a plain pass (it failed as non-deciding, or was skipped).
    if (o!.kind === 'variant') expect(Object.values(o!.variantRules).some((s) => s !== 'pass'), JSON.stringify(o!.variantRules)).toBe(true);
    // A vendor that numbered its errors differently reads the verdict and every difference in one screen.
    if (name === 'livevox-error-codes') {
      expect(o!.output.trimEnd().split('\n').length, o!.output).toBeLessThanOrEqual(30);
      expect(o!.output).toMatch(/~ LVX-ERROR-CODES \(assumed\)/);
      expect(o!.output).toMatch(/session-kit conformance: CONFORMS: /);
    }
  });
}
