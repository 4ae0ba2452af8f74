// The target file a vendor writes: the shipped schema accepts what the kit ships and documents, and the TypeScript
// TargetFile says exactly what the schema says (no key in one and not the other); each kind of mistake gets one line
// that names the key and its path, with "did you mean" for near misses; and resolveTarget never throws anything
// but a TargetError on a file the schema accepts.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../src/certify/did-you-mean.js';
import { targetFileProblems, targetSchema, TARGET_SCHEMA_PATH } from '../../src/certify/target-schema.js';
import { CONFORMANCE_HELP } from '../../src/cli/conformance.js';
import { apiBaseUrl, CAPABILITY_NAMES, referenceTarget, resolveTarget, TargetError, type TargetFile } from '../../src/certify/target.js';

const root = resolve(import.meta.dirname, '../..');
const readJson = (path: string) => JSON.parse(readFileSync(resolve(root, path), 'utf8')) as Record<string, unknown>;

/** Every key, optional ones included, down to the leaves (a secret is a leaf: string | { env }). */
type DeepRequired<T> = T extends string | number | boolean ? T : T extends (infer U)[] ? DeepRequired<U>[] : { [K in keyof T]-?: DeepRequired<T[K]> };

// Compile-time half of the drift check (`npm run typecheck`): this literal must name every key of TargetFile, optional
// ones included (DeepRequired), and no other (excess property check). The runtime half below compares its keys with
// the schema's, so a key added to either side alone fails.
const everyKey: DeepRequired<TargetFile> = {
  $schema: './target.schema.json',
  name: 'every key',
  baseUrl: 'http://127.0.0.1:1',
  apis: ['livevox', 'loudvoice'],
  capabilities: { clock: true, reset: true, idp: true, sessionDetails: true, ssoLogin: true, callCenters: true },
  adminToken: 'admin-token',
  livevox: {
    baseUrl: 'http://127.0.0.1:2',
    primary: { clientName: 'C', apiTokens: ['t1', 't2'], user: { userName: 'u', password: 'p' }, agent: { userName: 'a', password: 'p' }, ssoAudience: 'aud' },
    secondary: { clientName: 'D', apiToken: 't3', user: { userName: 'v', password: 'p' } },
    passwordUser: { userName: 'w', password: 'p' },
  },
  loudvoice: { baseUrl: 'http://127.0.0.1:3', publicKey: 'pub', privateKey: 'priv', identityToken: 'id' },
};

/** Dotted paths of every leaf of a value (arrays of strings and objects without keys are leaves). */
function valuePaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => valuePaths(v, prefix ? `${prefix}.${k}` : k));
}

/** Dotted paths of every leaf key the schema allows ($ref followed; a secret is a leaf like in the TypeScript type). */
function schemaPaths(node: Record<string, unknown>, prefix = '', leaves = ['#/$defs/secret']): string[] {
  const schema = targetSchema() as Record<string, unknown>;
  const ref = node.$ref as string | undefined;
  if (ref && leaves.includes(ref)) return [prefix];
  if (ref) return schemaPaths((schema.$defs as Record<string, Record<string, unknown>>)[ref.replace('#/$defs/', '')]!, prefix, leaves);
  const properties = node.properties as Record<string, Record<string, unknown>> | undefined;
  if (!properties) return [prefix];
  return Object.entries(properties).flatMap(([k, v]) => schemaPaths(v, prefix ? `${prefix}.${k}` : k, leaves));
}

describe('the target file schema', () => {
  it('accepts both shipped target files and the reference target', () => {
    for (const file of ['conformance/targets/reference.json', 'conformance/targets/example-vendor.json']) {
      const data = readJson(file);
      expect(targetFileProblems(data), file).toEqual([]);
      // Editors complete keys from the schema the file names.
      expect(data.$schema, file).toBe('./target.schema.json');
    }
    expect(targetFileProblems(referenceTarget('http://127.0.0.1:4010'))).toEqual([]);
  });

  it('has the keys of the TypeScript TargetFile, no more and no fewer', () => {
    expect(targetFileProblems(everyKey)).toEqual([]);
    expect(schemaPaths(targetSchema() as Record<string, unknown>).sort()).toEqual(valuePaths(everyKey).sort());
    expect(Object.keys(everyKey.capabilities).sort()).toEqual([...CAPABILITY_NAMES].sort());
  });

  it('refuses unknown keys everywhere and describes every key', () => {
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const n = node as Record<string, unknown>;
      if (n.properties) {
        expect(n.additionalProperties, `${path}: additionalProperties`).toBe(false);
        for (const [k, v] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
          expect(typeof v.description, `${path}.${k} has a description`).toBe('string');
        }
      }
      for (const [k, v] of Object.entries(n)) if (k !== 'if') walk(v, `${path}/${k}`);
    };
    walk(targetSchema(), '#');
  });

  it('is what the package exports as ./target.schema.json', () => {
    const pkg = readJson('package.json') as { exports: Record<string, string> };
    expect(resolve(root, pkg.exports['./target.schema.json']!)).toBe(TARGET_SCHEMA_PATH);
  });

  it('takes a secret as a string or {"env": NAME}, and nothing else', () => {
    const withToken = (token: unknown) => ({ ...referenceTarget('http://x.test'), livevox: { ...referenceTarget('http://x.test').livevox!, primary: { ...referenceTarget('http://x.test').livevox!.primary, apiTokens: [token] } } });
    expect(targetFileProblems(withToken('literal'))).toEqual([]);
    expect(targetFileProblems(withToken({ env: 'LV_TOKEN_1' }))).toEqual([]);
    for (const bad of [5, null, [], {}, { env: '' }, { env: 'X', also: 1 }, { name: 'X' }, '']) {
      expect(targetFileProblems(withToken(bad)), JSON.stringify(bad)).not.toEqual([]);
    }
  });
});

describe('docs/target-file.md', () => {
  const doc = readFileSync(resolve(root, 'docs/target-file.md'), 'utf8');
  const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as TargetFile);

  it('holds only complete target files in its json blocks, each valid against the schema', () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
    for (const example of examples) expect(targetFileProblems(example), example.name).toEqual([]);
  });

  it('documents every key of the schema, and shows each capability on in an example', () => {
    // The page documents a principal once ({ userName, password }), not under every key that holds one.
    for (const path of schemaPaths(targetSchema() as Record<string, unknown>, '', ['#/$defs/secret', '#/$defs/principal'])) expect(doc, path).toContain(`| \`${path}\` |`);
    expect(doc).toContain('A **principal** is `{ "userName": string, "password": secret }`');
    for (const capability of CAPABILITY_NAMES) {
      expect(examples.some((e) => e.capabilities?.[capability] === true), capability).toBe(true);
      expect(doc, capability).toContain(`### ${capability}`);
    }
  });

  it('is linked from README and from conformance --help', () => {
    expect(readFileSync(resolve(root, 'README.md'), 'utf8')).toContain('(docs/target-file.md)');
    expect(CONFORMANCE_HELP).toContain('docs/target-file.md');
  });
});

describe('one line per problem, naming the key and its path', () => {
  const example = () => readJson('conformance/targets/example-vendor.json') as unknown as TargetFile & Record<string, unknown>;
  const first = (change: (file: TargetFile & Record<string, unknown>) => void) => {
    const file = example();
    change(file);
    return targetFileProblems(file)[0];
  };
  it.each([
    ['a misspelt key (the second vendor\'s apiToken)', (f: TargetFile) => {
      const p = f.livevox!.primary as unknown as Record<string, unknown>;
      p.apiToken = p.apiTokens;
      delete p.apiTokens;
    }, 'livevox.primary: unknown key "apiToken" (did you mean "apiTokens"?)'],
    ['an unknown capability', (f: TargetFile) => ((f.capabilities as Record<string, boolean>).clok = true), 'capabilities: unknown key "clok" (did you mean "clock"?)'],
    ['an unknown nested key', (f: TargetFile) => ((f.livevox!.primary as unknown as Record<string, unknown>).agnet = {}), 'livevox.primary: unknown key "agnet" (did you mean "agent"?)'],
    ['an unknown top-level key, far from every known one', (f: Record<string, unknown>) => (f.timeoutSeconds = 5), 'unknown key "timeoutSeconds"'],
    ['a key in the wrong case', (f: Record<string, unknown>) => ((f.baseURL = f.baseUrl), delete f.baseUrl), 'unknown key "baseURL" (did you mean "baseUrl"?)'],
    ['a secret of the wrong type', (f: TargetFile) => ((f.livevox!.primary.apiTokens as unknown[])[0] = 5), 'livevox.primary.apiTokens.0: must be a string or {"env": NAME}'],
    ['a misspelt env', (f: TargetFile) => ((f.loudvoice as unknown as Record<string, unknown>).publicKey = { evn: 'X' }), 'loudvoice.publicKey: unknown key "evn" (did you mean "env"?)'],
    ['a missing required key', (f: TargetFile) => delete (f.livevox!.primary as unknown as Record<string, unknown>).user, 'livevox.primary: missing required key "user"'],
    ['no API token', (f: TargetFile) => (f.livevox!.primary.apiTokens = []), 'livevox.primary.apiTokens: must list at least one API token (two, to check the rules about different tokens of one client)'],
    ['a URL that is not http(s)', (f: TargetFile) => (f.baseUrl = 'ftp://staging.example.com'), 'baseUrl: must be an http(s) URL (without query or fragment), not "ftp://staging.example.com"'],
    ['an API\'s own URL that is not http(s)', (f: TargetFile) => (f.loudvoice!.baseUrl = 'staging.example.com'), 'loudvoice.baseUrl: must be an http(s) URL (without query or fragment), not "staging.example.com"'],
    ['an API with no base URL at all', (f: TargetFile) => {
      delete f.baseUrl;
      f.loudvoice!.baseUrl = 'https://loudvoice.example.com';
    }, 'missing required key "baseUrl": livevox has no baseUrl of its own (give the top-level baseUrl, or livevox.baseUrl)'],
    ['an API listed without its section', (f: TargetFile) => delete f.loudvoice, 'apis lists "loudvoice", but the file has no "loudvoice" section (with its credentials)'],
    ['an API name in the wrong case', (f: TargetFile) => ((f.apis as string[])[1] = 'LoudVoice'), 'apis.1: must be one of "livevox", "loudvoice", not "LoudVoice" (did you mean "loudvoice"?)'],
    ['a capability that is not a boolean', (f: TargetFile) => ((f.capabilities as Record<string, unknown>).clock = 'yes'), 'capabilities.clock: must be a boolean'],
  ])('%s', (_, change, line) => {
    expect(first(change as (f: TargetFile & Record<string, unknown>) => void)).toBe(line);
  });

  it('a top-level baseUrl is optional when every certified API has its own', () => {
    const file = example();
    delete file.baseUrl;
    file.livevox!.baseUrl = 'https://livevox.example.com/';
    file.loudvoice!.baseUrl = 'https://loudvoice.example.com';
    expect(targetFileProblems(file)).toEqual([]);
    // Only the certified APIs need one: LoudVoice alone is enough when apis says so.
    const one = example();
    delete one.baseUrl;
    one.apis = ['loudvoice'];
    one.loudvoice!.baseUrl = 'https://loudvoice.example.com';
    expect(targetFileProblems(one)).toEqual([]);
  });
});

describe('did you mean', () => {
  it('measures edits, and suggests only near misses', () => {
    expect(editDistance('clok', 'clock')).toBe(1);
    expect(editDistance('agnet', 'agent')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
    expect(didYouMean('APITOKENS', ['apiTokens'])).toBe('apiTokens');
    expect(didYouMean('clok', ['clock', 'reset'])).toBe('clock');
    expect(didYouMean('timeout', ['clock', 'reset', 'idp'])).toBeUndefined();
    // The nearest wins, not the first within reach.
    expect(didYouMean('resets', ['reset2x', 'reset'])).toBe('reset');
  });
});

describe('resolveTarget on any file the schema accepts', () => {
  const nonEmpty = fc.string({ minLength: 1, maxLength: 8 });
  const url = fc.constantFrom('http://127.0.0.1:1', 'https://a.example.com/', 'http://b.example.com/base');
  const secret = fc.oneof(nonEmpty, fc.record({ env: fc.constantFrom('SET_A', 'SET_B', 'NOT_SET') }));
  const principal = fc.record({ userName: nonEmpty, password: secret });
  const file = fc.record(
    {
      name: nonEmpty,
      baseUrl: url,
      apis: fc.subarray(['livevox', 'loudvoice'] as const, { minLength: 1 }),
      capabilities: fc.record(Object.fromEntries(CAPABILITY_NAMES.map((c) => [c, fc.boolean()])), { requiredKeys: [] }),
      adminToken: secret,
      livevox: fc.record(
        {
          baseUrl: url,
          primary: fc.record(
            { clientName: nonEmpty, apiTokens: fc.array(secret, { minLength: 1, maxLength: 5 }), user: principal, agent: principal, ssoAudience: nonEmpty },
            { requiredKeys: ['clientName', 'apiTokens', 'user'] },
          ),
          secondary: fc.record({ clientName: nonEmpty, apiToken: secret, user: principal }),
          passwordUser: principal,
        },
        { requiredKeys: ['primary'] },
      ),
      loudvoice: fc.record({ baseUrl: url, publicKey: secret, privateKey: secret, identityToken: secret }, { requiredKeys: ['publicKey', 'privateKey'] }),
    },
    { requiredKeys: ['name'] },
  );

  it('resolves it, or names what is missing in a TargetError; each certified API gets a base URL', () => {
    fc.assert(
      fc.property(file, (data) => {
        fc.pre(targetFileProblems(data).length === 0);
        let target;
        try {
          target = resolveTarget(data as TargetFile, { SET_A: 'value-a', SET_B: 'value-b' });
        } catch (error) {
          expect(error).toBeInstanceOf(TargetError);
          expect((error as Error).message).toMatch(/NOT_SET is not set/);
          return;
        }
        expect(target.apis.length).toBeGreaterThan(0);
        for (const api of target.apis) {
          expect(target[api], api).toBeDefined();
          const own = (data as TargetFile)[api]?.baseUrl ?? (data as TargetFile).baseUrl;
          expect(apiBaseUrl(target, api)).toBe(own!.replace(/\/+$/, ''));
        }
      }),
      { numRuns: 300, seed: 20261123 },
    );
  });
});
