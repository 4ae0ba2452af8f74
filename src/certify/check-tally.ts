// What a conformance test hands the runner about its checks: per rule, how many checks passed and failed, with the
// first distinct failures. Shared by the harness (which fills it in the test's meta) and the verdict (which reads it).

/** The key of the test meta that holds the tallies. */
export const CHECKS_META = 'sessionKitChecks';

/** The checks of one rule inside one test. */
export interface RuleTally {
  passed: number;
  failed: number;
  /** The first distinct failure messages (each with the exchanges or counterexample that show it). */
  failures: string[];
  /** Beside each kept failure message, the ids of the exchanges it shows (the bundle's HAR `_id`s). */
  exchanges?: string[][];
  /** Why the test could not check this rule on this target (`notChecked`), when it made no check of it. */
  notChecked?: string;
}

/** A rule's provenance as the contracts write it. */
export interface Provenance {
  grade: string;
  decides?: boolean;
}

/** Whether a failure of a rule decides the verdict: every documented rule, and observed ones marked `decides: true`. */
export const ruleDecides = (provenance: Provenance): boolean => provenance.grade === 'documented' || provenance.decides === true;

/** The rule ids a test title names: `[LVX-A, LVX-B] title`. */
export function rulesOfTitle(title: string): string[] {
  const match = /^\[([A-Z0-9, -]+)\]/.exec(title);
  return match ? match[1]!.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** The rule a failed test's error is pinned on (`[violates ID]`), if any. */
export function pinnedRule(message: string): string | undefined {
  return /\[violates ((?:LVX|LDV)-[A-Z0-9-]+)\]/.exec(message)?.[1];
}

/** A message without terminal colour codes (vitest's diffs carry them), as reports and JSON want it. */
// eslint-disable-next-line no-control-regex
export const plain = (message: string): string => message.replace(/\u001b\[[0-9;]*m/g, '');
