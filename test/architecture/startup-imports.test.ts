/**
 * What `npm start` loads before it answers (issue 20: the first answer within 0.5 s). The CLI loads each command's
 * module only when that command runs, and a heavy part the server may never need (the Redis client, the contracts'
 * validator) is loaded with import() where it is used. This test walks the imports Node runs at start-up from
 * src/cli/main.ts (every import and export-from that is not `import type`; import() is left out, as it runs later)
 * and names what must not be among them.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** The specifiers a file imports at load time: static imports and re-exports, `import type` and `export type` left out. */
function staticImportsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly) out.push((statement.moduleSpecifier as ts.StringLiteral).text);
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) out.push((statement.moduleSpecifier as ts.StringLiteral).text);
  }
  return out;
}

/** Every repo file and package loaded at start-up from `entry` (files as repo paths, packages as written). */
function loadedAtStart(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const walk = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of staticImportsOf(file)) {
      if (specifier.startsWith('.')) walk(relative(ROOT, resolve(ROOT, dirname(file), specifier)).replace(/\.js$/, '.ts').split('\\').join('/'));
      else if (!specifier.startsWith('node:')) packages.add(specifier);
    }
  };
  walk(entry);
  return { files, packages };
}

describe('what npm start loads (start-up time)', () => {
  const { files, packages } = loadedAtStart('src/cli/main.ts');

  it('follows the imports (the checks below are not vacuous)', () => {
    expect(files.has('src/cli/main.ts')).toBe(true);
    expect(files.has('src/cli/cannot-start.ts')).toBe(true);
    expect(files.size).toBeGreaterThan(5);
  });

  it('the CLI loads no command before it runs: serve, the kit, the proxy, verify, replay and journal are import()ed', () => {
    const commands = ['serve', 'conformance', 'proxy', 'verify', 'replay', 'journal-check'].map((c) => `src/cli/${c}.ts`);
    expect(commands.filter((c) => files.has(c))).toEqual([]);
  });

  it('serve loads no part of the kit, no contract validator, no Redis client and no JOSE library until asked', () => {
    const serve = loadedAtStart('src/cli/serve.ts');
    expect([...serve.files].filter((f) => f.startsWith('src/certify/') || f === 'src/contract/openapi-contract.ts' || f.startsWith('src/store/redis-store'))).toEqual([]);
    expect([...serve.packages].filter((p) => /^(ajv\/dist\/2020|ajv$|vitest|@redis\/|yaml|tar|jose)/.test(p))).toEqual([]);
    // It does load the server itself: the walk reaches the app.
    expect(serve.files.has('src/http/app.ts')).toBe(true);
    expect(serve.packages.has('fastify')).toBe(true);
  });

  it('main loads no package but the ones its error classes need', () => {
    expect([...packages].filter((p) => /^(ajv|vitest|@redis\/|fastify)/.test(p))).toEqual([]);
  });
});
