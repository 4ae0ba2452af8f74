// Spec checks: both contracts are valid OpenAPI 3.1, follow docs/contract-conventions.md (provenance on every rule,
// unique rule ids, a complete error catalogue) and every example validates against its schema.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
// @ts-expect-error plain ESM script without type declarations
import { checkContract } from '../../scripts/check-contract.mjs';
import { EMAIL_PATTERN, HTTP_URL_PATTERN } from '../../src/http/loudvoice/field-formats.js';

const contracts = ['openapi/livevox-session.yaml', 'openapi/loudvoice.yaml'];

describe.each(contracts)('%s', (file) => {
  it('is valid OpenAPI 3.1 and follows the contract conventions, with every example valid', async () => {
    const problems: string[] = await checkContract(file);
    expect(problems).toEqual([]);
  });
});

describe('openapi/loudvoice.yaml and the server', () => {
  it('define URLs and emails with the same expressions (UrlOrNone, EmailOrNone; src/http/loudvoice/field-formats.ts)', () => {
    const schemas = parse(readFileSync('openapi/loudvoice.yaml', 'utf8')).components.schemas;
    const stringBranch = (name: string) => schemas[name].anyOf.find((b: { pattern?: string }) => b.pattern !== undefined);
    expect(stringBranch('UrlOrNone').pattern).toBe(HTTP_URL_PATTERN);
    expect(stringBranch('EmailOrNone').pattern).toBe(EMAIL_PATTERN);
    expect(stringBranch('EmailOrNone').format).toBe('email');
  });
});
