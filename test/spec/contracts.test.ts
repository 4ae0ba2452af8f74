// Spec checks: both contracts are valid OpenAPI 3.1, follow docs/contract-conventions.md (provenance on every rule,
// unique rule ids, a complete error catalogue) and every example validates against its schema.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without type declarations
import { checkContract } from '../../scripts/check-contract.mjs';

const contracts = ['openapi/livevox-session.yaml', 'openapi/loudvoice.yaml'];

describe.each(contracts)('%s', (file) => {
  it('is valid OpenAPI 3.1 and follows the contract conventions, with every example valid', async () => {
    const problems: string[] = await checkContract(file);
    expect(problems).toEqual([]);
  });
});
