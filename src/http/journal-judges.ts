// The contracts' judges, shared by everything that presents journal entries (the admin routes, the journal file).
// The contract machinery (the OpenAPI parser, Ajv) is loaded on first need, never at start-up: it costs every start
// half a second, and most servers are never asked for a verdict.
import type { ContractJudge } from '../contract/verdict.js';
import { NO_CONTRACT, type Judge } from '../journal/entry.js';

const judges: Partial<Record<'livevox' | 'loudvoice', ContractJudge>> = {};

/** Judges an exchange with its API's contract; only called once that contract is loaded (see {@link loadJudges}). */
export const judge: Judge = (x) => (x.api && judges[x.api] ? judges[x.api]!.judge(x) : NO_CONTRACT);

/**
 * Loads (once per process) the contracts a read needs, asking again after each load, since requests recorded while
 * it loaded may need the other one. When it returns, the read can run without waiting, so the set cannot change.
 */
export async function loadJudges(needed: () => Iterable<'livevox' | 'loudvoice'>): Promise<void> {
  for (;;) {
    const missing = [...needed()].filter((api) => !judges[api]);
    if (missing.length === 0) return;
    const [{ loadContract }, { ContractJudge }] = await Promise.all([import('../contract/openapi-contract.js'), import('../contract/verdict.js')]);
    for (const api of missing) judges[api] ??= new ContractJudge(await loadContract(api));
  }
}
