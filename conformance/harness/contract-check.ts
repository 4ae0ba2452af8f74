// The last test of every suite file: every response the file received matched the contract's schemas. The schemas
// as a whole are session-kit's choice (strict fields, bounds), so this is an assumed rule: reported, never deciding.
import { it } from 'vitest';
import { check, expect } from './checks.js';
import { rule } from './context.js';
import type { ApiName } from './contract.js';
import type { KitHttp } from './http.js';

/** Registers the file's closing check that no response broke the contract's schemas. */
export function everyResponseMatchesTheContract(api: ApiName, http: () => KitHttp): void {
  const id = api === 'livevox' ? 'LVX-CONTRACT-RESPONSES' : 'LDV-CONTRACT-RESPONSES';
  it(rule(id, 'every response of this file matches the contract schema for its operation and status'), async () => {
    const seen = new Map<string, number>();
    for (const v of http().violations) {
      const key = `${v.request.split('?')[0]} -> ${v.status}: ${v.problem}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const problems = [...seen].map(([key, n]) => (n > 1 ? `${key} (${n} times)` : key));
    await check(id, () => expect(problems, problems.join('\n')).toEqual([]));
  });
}
