// The contract checker must catch what it promises to catch; otherwise a green spec check means nothing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
// @ts-expect-error plain ESM script without type declarations
import { checkContract, templateRegex } from '../../scripts/check-contract.mjs';

const prov = { grade: 'assumed', source: 'a test contract, made up for this test' };

/** A minimal contract that follows every convention; each test breaks one thing. */
function goodContract() {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    'x-sources': [{ id: 'L1', grade: 'documented', citation: 'A vendor page', url: 'https://example.com/docs' }],
    'x-rules': [{ id: 'LVX-ROOT', rule: 'a rule that applies everywhere', 'x-provenance': prov }],
    'x-error-catalogue': { NOPE: { status: 401, code: 1, message: 'Nope', 'x-provenance': prov } },
    paths: {
      '/x': {
        get: {
          operationId: 'getX',
          summary: 'get x',
          'x-provenance': prov,
          'x-rules': [{ id: 'LVX-GET-X', rule: 'x is returned as it is', 'x-provenance': prov }],
          responses: {
            '200': {
              description: 'ok',
              'x-provenance': prov,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/X' }, examples: { a: { value: { id: 'x' } } } } },
            },
            '401': {
              description: 'no',
              'x-provenance': prov,
              content: { 'application/json': { schema: { type: 'object' }, examples: { a: { value: { code: 1, message: 'Nope' } } } } },
            },
          },
        },
      },
    },
    components: { schemas: { X: { type: 'object', required: ['id'], properties: { id: { type: 'string' } }, 'x-provenance': prov } } },
  };
}

async function check(doc: unknown): Promise<string[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'contract-')), 'c.yaml');
  writeFileSync(file, stringify(doc));
  return checkContract(file);
}

describe('check-contract', () => {
  it('passes a contract that follows every convention', async () => {
    expect(await check(goodContract())).toEqual([]);
  });

  it.each([
    ['an example that breaks its schema', (d: any) => (d.paths['/x'].get.responses['200'].content['application/json'].examples.a.value = { id: 5 }), /must be string/],
    ['an operation without provenance', (d: any) => delete d.paths['/x'].get['x-provenance'], /GET \/x: no x-provenance/],
    ['a response without provenance', (d: any) => delete d.paths['/x'].get.responses['200']['x-provenance'], /GET \/x 200: no x-provenance/],
    ['a schema without provenance', (d: any) => delete d.components.schemas.X['x-provenance'], /components.schemas.X: no x-provenance/],
    ['an unknown grade', (d: any) => (d.paths['/x'].get['x-provenance'] = { grade: 'rumoured', source: 'somebody said so once' }), /grade "rumoured"/],
    ['a duplicate rule id', (d: any) => (d.paths['/x'].get['x-rules'][0].id = 'LVX-ROOT'), /also used/],
    ['an operation without rules', (d: any) => delete d.paths['/x'].get['x-rules'], /x-rules must be a non-empty list/],
    ['a response without examples', (d: any) => delete d.paths['/x'].get.responses['200'].content['application/json'].examples, /no examples/],
    ['an error example not in the catalogue', (d: any) => (d.paths['/x'].get.responses['401'].content['application/json'].examples.a.value = { code: 2, message: 'Other' }), /matches no x-error-catalogue entry/],
    ['a documented rule that names our error code', (d: any) => Object.assign(d['x-rules'][0], { rule: 'a login without it fails with 401 and code 10001', 'x-provenance': { grade: 'documented', source: 'the vendor page says 401' } }), /names "code 10001"/],
    ['decides: true on an assumed rule', (d: any) => (d['x-rules'][0]['x-provenance'] = { grade: 'assumed', source: 'our own choice here', decides: true, 'decides-because': 'because we would like it to' }), /only an observed rule may say decides/],
    ['decides without its reason', (d: any) => (d['x-rules'][0]['x-provenance'] = { grade: 'observed', source: 'seen in a real client', decides: true }), /decides needs decides-because/],
    ['no x-sources', (d: any) => delete d['x-sources'], /x-sources must list the cited sources/],
    ['an invalid OpenAPI document', (d: any) => delete d.paths['/x'].get.responses['200'].description, /not a valid OpenAPI document/],
    [
      'an unused response (a 405) whose example is no catalogue error',
      (d: any) =>
        (d.components.responses = {
          Unused: { description: 'u', 'x-provenance': prov, content: { 'application/json': { schema: { type: 'object' }, examples: { a: { value: { code: 3, message: 'Made up' } } } } } },
        }),
      /components.responses.Unused example "a": error body matches no x-error-catalogue entry/,
    ],
    [
      'an unused response without provenance',
      (d: any) => (d.components.responses = { Unused: { description: 'u', content: { 'application/json': { schema: { type: 'object' }, examples: { a: { value: { code: 1, message: 'Nope' } } } } } } }),
      /components.responses.Unused: no x-provenance/,
    ],
  ])('reports %s', async (_name, breakIt, expected) => {
    const doc = goodContract();
    breakIt(doc);
    const problems = await check(doc);
    expect(problems.join('\n')).toMatch(expected);
  });

  it('matches catalogue templates with their placeholders filled in, and nothing else', () => {
    const re = templateRegex('The node [{node}] is invalid, {reason}');
    expect(re.test('The node [request->author] is invalid, it must be an object')).toBe(true);
    expect(re.test('The node [] is invalid, ')).toBe(false);
    expect(re.test('Something else')).toBe(false);
  });
});
