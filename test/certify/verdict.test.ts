// The kit's bookkeeping: targets resolve secrets from the environment, reports redact them, and rules are graded
// from the tests that name them (a documented failure decides the verdict).
import { describe, expect, it } from 'vitest';
import { readTargetFile, redact, resolveTarget, TargetError } from '../../src/certify/target.js';
import { gradeRules, markdownReport, rulesOfTitle, summarise, type RunResult, type TestOutcome } from '../../src/certify/verdict.js';

const outcome = (name: string, state: TestOutcome['state'], note?: string): TestOutcome => ({
  file: 'conformance/x.test.ts',
  name,
  rules: rulesOfTitle(name),
  state,
  ...(note ? { note } : {}),
  errors: state === 'failed' ? ['boom with secret Demo-Pass-1'] : [],
  durationMs: 1,
});

describe('targets', () => {
  it('takes a URL as the reference with its public fixtures', () => {
    const target = resolveTarget(readTargetFile('http://127.0.0.1:4010/'), {});
    expect(target.baseUrl).toBe('http://127.0.0.1:4010');
    expect(target.capabilities).toEqual({ clock: true, reset: true, idp: true });
    expect(target.livevox?.primary.apiTokens).toHaveLength(2);
  });

  it('reads credentials from environment variables and names a missing one', () => {
    const file = readTargetFile('conformance/targets/example-vendor.json');
    expect(() => resolveTarget(file, {})).toThrow(TargetError);
    expect(() => resolveTarget(file, {})).toThrow(/LV_TOKEN_1/);
    const env = {
      LV_TOKEN_1: 'tok-one-1234',
      LV_TOKEN_2: 'tok-two-5678',
      LV_USER_PASSWORD: 'pw-user',
      LV_AGENT_PASSWORD: 'pw-agent',
      LV_OTHER_TOKEN: 'tok-other-9',
      LV_OTHER_PASSWORD: 'pw-other',
      LOUDVOICE_PUBLIC_KEY: 'pub-key-1',
      LOUDVOICE_PRIVATE_KEY: 'priv-key-1',
    };
    const target = resolveTarget(file, env);
    expect(target.livevox?.primary.apiTokens).toEqual(['tok-one-1234', 'tok-two-5678']);
    expect(target.loudvoice?.identityToken).toBeUndefined();
    expect(target.secrets).toEqual(expect.arrayContaining(['tok-one-1234', 'pw-agent', 'priv-key-1']));
  });

  it('redacts every secret, longest first', () => {
    expect(redact('token abcdef and abcdefgh', ['abcdef', 'abcdefgh'])).toBe('token «redacted…ef» and «redacted…gh»');
  });
});

describe('rule verdicts', () => {
  it('reads rule ids from test titles', () => {
    expect(rulesOfTitle('[LVX-A, LVX-B-C] does things')).toEqual(['LVX-A', 'LVX-B-C']);
    expect(rulesOfTitle('no rules here')).toEqual([]);
  });

  it('grades: any failure fails a rule, a skip carries its reason, an untested rule is not covered', () => {
    const tests = [
      outcome('[LVX-EXPIRY-2H] expiry', 'failed'),
      outcome('[LVX-EXPIRY-2H, LVX-LOGIN-SUCCESS] login', 'passed'),
      outcome('[LVX-VALIDATE-NO-REFRESH] validate', 'skipped', 'no clock control'),
      outcome('[LVX-LOGOUT-ENDS] logout', 'failed'),
    ];
    const rules = gradeRules(['livevox'], tests);
    const byId = Object.fromEntries(rules.map((r) => [r.id, r]));
    expect(byId['LVX-EXPIRY-2H']!.status).toBe('fail');
    expect(byId['LVX-LOGIN-SUCCESS']!.status).toBe('pass');
    expect(byId['LVX-VALIDATE-NO-REFRESH']).toMatchObject({ status: 'skip', notes: ['no clock control'] });
    expect(byId['LVX-HEADER-CASE']!.status).toBe('not covered');
    const summary = summarise(rules, tests, []);
    // LVX-EXPIRY-2H is documented: the target does not conform; LVX-LOGOUT-ENDS is observed: counted apart.
    expect(summary).toMatchObject({ conforms: false, documentedFailures: 1, otherFailures: 1, passed: 1, failed: 2, skipped: 1 });
  });

  it('fails only the rule a failure is pinned on; the other rules of that test were not reached', () => {
    const pinned: TestOutcome = { ...outcome('[LVX-EXPIRY-2H, LVX-ACTIVITY-REFRESHES] expiry', 'failed'), errors: ['Why: [violates LVX-ACTIVITY-REFRESHES] expected 401 to be 200'] };
    const rules = Object.fromEntries(gradeRules(['livevox'], [pinned]).map((r) => [r.id, r]));
    expect(rules['LVX-ACTIVITY-REFRESHES']!.status).toBe('fail');
    expect(rules['LVX-EXPIRY-2H']).toMatchObject({ status: 'not covered', notes: [expect.stringMatching(/not reached/)] });
    const alsoPassed = outcome('[LVX-EXPIRY-2H] other', 'passed');
    expect(gradeRules(['livevox'], [pinned, alsoPassed]).find((r) => r.id === 'LVX-EXPIRY-2H')!.status).toBe('pass');
  });

  it('conforms when only observed or assumed rules fail', () => {
    const tests = [outcome('[LVX-LOGOUT-ENDS] logout', 'failed'), outcome('[LVX-EXPIRY-2H] expiry', 'passed')];
    expect(summarise(gradeRules(['livevox'], tests), tests, []).conforms).toBe(true);
    expect(summarise(gradeRules(['livevox'], tests), tests, ['suite could not start']).conforms).toBe(false);
  });

  it('writes a certificate with the verdict, every rule with grade and source, and no secrets', () => {
    const tests = [outcome('[LVX-EXPIRY-2H] expiry', 'failed')];
    const rules = gradeRules(['livevox'], tests);
    const result: RunResult = {
      tool: { name: 'session-kit', version: '0.0.0' },
      target: { name: 't', baseUrl: 'http://x', capabilities: { clock: true, reset: true, idp: false }, apis: ['livevox'] },
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 1000,
      seed: 1,
      runs: 2,
      node: '20',
      replay: 'npx session-kit conformance --target http://x --seed 1',
      runErrors: [],
      rules,
      tests,
      summary: summarise(rules, tests, []),
    };
    const md = markdownReport(result, ['Demo-Pass-1']);
    expect(md).toContain('**Verdict: DOES NOT CONFORM**');
    expect(md).toMatch(/\| LVX-EXPIRY-2H \| \*\*FAIL\*\* \| documented \|/);
    expect(md).toContain('npx session-kit conformance --target http://x --seed 1');
    expect(md).not.toContain('Demo-Pass-1');
    expect(md).toMatch(new RegExp(`\\| rules checked \\| 1 of ${rules.length} \\(documented: 1 of \\d+\\)`));
    expect(md.match(/^\| LVX-/gm)).toHaveLength(rules.length);
  });
});
