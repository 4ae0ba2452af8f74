import { rulesOfTitle, type RuleTally } from '../../src/certify/check-tally.js';
import { gradeRules, kitErrorsOf, summarise, type RunResult, type TestOutcome } from '../../src/certify/grade-rules.js';

/** A rule's tally inside one test. */
export const tally = (passed: number, failed = 0, failures: string[] = []): RuleTally => ({ passed, failed, failures });

/** One test's outcome, its rules read from its title as the runner reads them; 300 ms by default. */
export const outcome = (name: string, state: TestOutcome['state'], checks: TestOutcome['checks'] = {}, extra: Partial<TestOutcome> = {}): TestOutcome => ({
  file: 'conformance/livevox/x.test.ts',
  name,
  rules: rulesOfTitle(name),
  state,
  errors: [],
  checks,
  durationMs: 300,
  ...extra,
});

/** A graded result of the LiveVox API as the runner makes one, from these tests (the report writers' input). */
export function gradedResult(tests: TestOutcome[], runErrors: string[] = []): RunResult {
  const rules = gradeRules(['livevox'], tests);
  const kitErrors = kitErrorsOf(tests);
  return {
    tool: { name: 'session-kit', version: '0.1.0' },
    target: { name: 'vendor & "co"', baseUrl: 'http://127.0.0.1:4010', capabilities: { clock: true, reset: true, idp: true } as RunResult['target']['capabilities'], absent: {}, apis: ['livevox'] },
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 4321,
    seed: 1,
    runs: 2,
    node: process.versions.node,
    replay: 'npx session-kit conformance --target http://127.0.0.1:4010 --api livevox --seed 1 --runs 2',
    runErrors,
    kitErrors,
    rules,
    tests,
    summary: summarise(rules, tests, runErrors, kitErrors),
  };
}
