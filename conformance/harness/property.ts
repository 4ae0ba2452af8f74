// Property runs with fixed seeds, and failures that show the shrunk counterexample as the exact HTTP exchanges
// plus the one command that replays it. Inside a property, a check of a deciding rule throws (so fast-check shrinks
// it); checks of other rules are recorded and the run goes on.
import fc from 'fast-check';
import { pinnedRule } from '../../src/certify/check-tally.js';
import { inProperty, recordFailure, violationMessage } from './checks.js';
import type { KitHttp } from './http.js';

/** The seed of every property in a run: fixed by default, so a run is repeatable; `--seed` changes it. */
export const SEED = Number(process.env.SESSION_KIT_SEED ?? 20261123);
/** Runs per property: `--runs` changes it. */
export const RUNS = Number(process.env.SESSION_KIT_RUNS ?? 40);

/** The command that replays this run (set by the runner; a plain vitest run gets the npm equivalent). */
const replayCommand = () => process.env.SESSION_KIT_REPLAY ?? `SESSION_KIT_SEED=${SEED} npx vitest run --project conformance`;

/**
 * Checks a property; on failure replays the shrunk counterexample once more with a fresh log, records the failure
 * against the rule it is pinned on, and throws an error that carries the counterexample, its exchanges, the seed and
 * path, and the replay command.
 */
export async function assertProperty<Ts extends [unknown, ...unknown[]]>(
  http: KitHttp | KitHttp[],
  property: fc.IAsyncPropertyWithHooks<Ts>,
  options: { numRuns?: number } = {},
): Promise<void> {
  const clients = Array.isArray(http) ? http : [http];
  // Each run of the property is a story of its own: a failure recorded inside it references that run's exchanges.
  const marked = property.beforeEach(async (previous) => {
    for (const c of clients) c.startStory();
    await previous();
  });
  const details = await inProperty(() => fc.check(marked, { seed: SEED, numRuns: options.numRuns ?? RUNS, endOnFailure: false }));
  if (!details.failed) return;
  const counterexample = details.counterexample ?? [];
  const shown = fc.stringify(counterexample);
  // Replay the minimal case alone so the log holds exactly its exchanges.
  for (const c of clients) c.clearLog();
  let replayError: unknown;
  try {
    const replayArgs = counterexample.map((v) => (fc.hasCloneMethod(v) ? v[fc.cloneMethod]() : v)) as Ts;
    const ok = await inProperty(() => property.run(replayArgs) as Promise<unknown>);
    if (ok !== null && ok !== undefined) replayError = ok;
  } catch (error) {
    replayError = error;
  }
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance ?? replayError);
  const rule = pinnedRule(cause);
  const exchanges = clients.map((c) => c.formatLog()).filter(Boolean).join('\n\n');
  const report = [
    `Property failed after ${details.numRuns} run(s) and ${details.numShrinks} shrink(s) (seed ${details.seed}, path "${details.counterexamplePath}").`,
    `Counterexample: ${shown}`,
    `Why: ${firstLines(cause.replace(/^\[violates [A-Z0-9-]+\] /, ''), 12)}`,
    'HTTP exchanges of the counterexample:',
    exchanges || '(none)',
    `Replay: ${replayCommand()}`,
  ].join('\n');
  // Unpinned: the property broke outside any check, which is the kit's own error (the runner reports it as such).
  if (!rule) throw new Error(report);
  // The log holds exactly the counterexample's replay: those are the exchanges the report shows.
  recordFailure(rule, report, clients.flatMap((c) => c.log.flatMap((e) => (e.id ? [e.id] : []))));
  throw new Error(violationMessage(rule, report));
}

const firstLines = (text: string, n: number) => text.split('\n').slice(0, n).join('\n');
