// Every assertion of the conformance suites goes through check(RULE, ...): it is pinned to exactly one contract rule,
// and that rule's grade decides what a failure does. A rule that decides the verdict (documented, or observed with
// `decides: true`) stops the test when it fails; any other rule's failure is recorded and the test goes on, so an
// assumed detail never hides the documented checks after it. The tallies travel to the runner in the test's meta.
import { AsyncLocalStorage } from 'node:async_hooks';
// TestRunner's static, not 'vitest/suite' (deprecated in vitest 4.1: importing it prints a warning in every run).
import { TestRunner, expect as vitestExpect } from 'vitest';
import { rules as livevoxRules } from '../../src/generated/livevox-session-catalogue.js';
import { rules as loudvoiceRules } from '../../src/generated/loudvoice-catalogue.js';
import { CHECKS_META, plain, ruleDecides, rulesOfTitle, type RuleTally } from '../../src/certify/check-tally.js';
import type { KitHttp } from './http.js';

declare module 'vitest' {
  interface TaskMeta {
    [CHECKS_META]?: Record<string, RuleTally>;
  }
}

/** Every rule of both contracts, by id, with whether its failure decides the verdict. */
const RULES = new Map<string, { decides: boolean }>(
  [...livevoxRules, ...loudvoiceRules].map((r) => [r.id, { decides: ruleDecides(r.provenance) }]),
);

/** True when a failure of `ruleId` decides the verdict (documented, or observed with `decides: true`). */
export const decidesVerdict = (ruleId: string): boolean => RULES.get(ruleId)?.decides ?? false;

/** A mistake in the kit itself (not a finding about the target): the run becomes inconclusive. */
export class KitError extends Error {
  override name = 'KitError';
}

/** Marks an error as a violation of one rule; the runner reads the marker from the test's error. */
export const violationMessage = (ruleId: string, message: string) => `[violates ${ruleId}] ${message}`;

interface Scope {
  rule?: string;
  inProperty?: boolean;
  precondition?: boolean;
}
const scope = new AsyncLocalStorage<Scope>();

/** The HTTP clients of this file, whose latest exchanges a recorded failure shows. */
const clients: KitHttp[] = [];
/**
 * Registers the client whose exchanges a failed check shows. The files of a run share one worker, so the latest
 * client (the running file's: each file makes one) replaces the one before.
 */
export const registerClient = (http: KitHttp): void => {
  clients.length = 0;
  clients.push(http);
};

/** The client of the running file, if one was made (admin calls note their steps in its log). */
export const latestClient = (): KitHttp | undefined => clients[0];

const MAX_KEPT_FAILURES = 3;
/** How many of the latest exchanges a failed check shows. */
const SHOWN_EXCHANGES = 6;

function tallyOf(ruleId: string): RuleTally {
  const test = TestRunner.getCurrentTest();
  if (!test) throw new KitError(`check(${ruleId}) outside a test`);
  const all = (test.meta[CHECKS_META] ??= {});
  return (all[ruleId] ??= { passed: 0, failed: 0, failures: [] });
}

/**
 * Records one failure of a rule, keeping the first few distinct messages (with the exchanges that led there) and the
 * ids of those exchanges (by default: the ones a failed check shows, and the earlier ones of its test or property run).
 */
export function recordFailure(ruleId: string, text: string, exchangeIds: string[] = clients.flatMap((c) => c.storyIds(SHOWN_EXCHANGES, scope.getStore()?.inProperty === true))): void {
  const message = plain(text);
  const tally = tallyOf(ruleId);
  tally.failed++;
  const firstLine = message.split('\n')[0]!;
  if (tally.failures.length < MAX_KEPT_FAILURES && !tally.failures.some((f) => f.split('\n')[0] === firstLine)) {
    tally.failures.push(message);
    (tally.exchanges ??= []).push(exchangeIds);
  }
}

function assertNamedByTest(ruleId: string): void {
  if (!RULES.has(ruleId)) throw new KitError(`check names ${ruleId}, which no contract defines`);
  const test = TestRunner.getCurrentTest();
  if (test && !scope.getStore()?.precondition && !rulesOfTitle(test.name).includes(ruleId)) throw new KitError(`check(${ruleId}) in a test whose title does not name it: "${test.name}"`);
}

const exchangesShown = () =>
  clients
    .map((c) => c.formatLog(SHOWN_EXCHANGES))
    .filter(Boolean)
    .join('\n\n');

/**
 * Runs `body` as a check of one rule. Passing: the rule gains a pass. Failing: a deciding rule's failure ends the
 * test (inside a property it is thrown for fast-check to shrink); any other rule's failure is recorded and the test
 * goes on (the call then resolves to undefined).
 */
export async function check<T>(ruleId: string, body: () => T | Promise<T>): Promise<T | undefined> {
  assertNamedByTest(ruleId);
  const outer = scope.getStore();
  try {
    const value = await scope.run({ ...outer, rule: ruleId, precondition: false }, body);
    tallyOf(ruleId).passed++;
    return value;
  } catch (error) {
    if (error instanceof KitError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    // A violation of an inner check was already recorded against its own rule.
    if (/^\[violates /.test(message)) throw error;
    if (decidesVerdict(ruleId)) {
      if (outer?.inProperty) throw new Error(violationMessage(ruleId, message), { cause: error });
      recordFailure(ruleId, `${message}\nHTTP exchanges (latest):\n${exchangesShown() || '(none)'}`);
      throw new Error(violationMessage(ruleId, message), { cause: error });
    }
    recordFailure(ruleId, outer?.inProperty ? message : `${message}\nHTTP exchanges (latest):\n${exchangesShown() || '(none)'}`);
    return undefined;
  }
}

/** Runs `body` as a property: deciding failures inside are thrown for shrinking, others are recorded. */
export function inProperty<T>(body: () => Promise<T>): Promise<T> {
  return scope.run({ ...scope.getStore(), inProperty: true }, body);
}

/**
 * vitest's `expect`, usable only inside `check(RULE, ...)`: an assertion outside a check could not be traced to a
 * rule, so it is a kit error.
 */
export const expect: typeof vitestExpect = new Proxy(vitestExpect, {
  apply(target, thisArg, args) {
    if (!scope.getStore()?.rule) throw new KitError('expect() outside check(RULE, ...): every assertion must name its rule');
    return Reflect.apply(target, thisArg, args);
  },
});

/**
 * A check that a test depends on but does not set out to check (a login before the real question): pinned and
 * graded like `check`, without the test's title having to name the rule.
 */
export async function precondition<T>(ruleId: string, body: () => T | Promise<T>): Promise<T | undefined> {
  return scope.run({ ...scope.getStore(), precondition: true }, () => check(ruleId, body));
}

/**
 * Says why this test cannot check one of the rules its title names on this target (a second API token, an agent, a
 * protected operation it lacks): the rule is reported as skipped with that reason, never as silently not covered.
 */
export function notChecked(ruleId: string, reason: string): void {
  assertNamedByTest(ruleId);
  const tally = tallyOf(ruleId);
  tally.notChecked ??= reason;
}

/**
 * Ends a test that cannot go on because an earlier, already recorded difference left nothing to check (for example
 * a create that returned no token): its remaining rules are "not reached", neither failed nor a kit error.
 */
export function cannotContinue(reason: string): never {
  throw new Error(`[not reached] ${reason}`);
}
