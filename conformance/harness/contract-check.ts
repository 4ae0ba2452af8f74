// The last test of every suite file: every response the file received matched the contract.
import { expect, it } from 'vitest';
import { rule } from './context.js';
import type { ApiName } from './contract.js';
import type { KitHttp } from './http.js';

/** Registers the file's closing check that no response broke the contract's schemas. */
export function everyResponseMatchesTheContract(api: ApiName, http: () => KitHttp): void {
  const id = api === 'livevox' ? 'LVX-CONTRACT-RESPONSES' : 'LDV-CONTRACT-RESPONSES';
  it(rule(id, 'every response of this file matches the contract schema for its operation and status'), () => {
    const problems = http().violations.map((v) => `${v.request} -> ${v.status}: ${v.problem}`);
    expect(problems, problems.join('\n')).toEqual([]);
  });
}
