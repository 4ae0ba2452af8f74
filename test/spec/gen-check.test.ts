// `npm run gen:check` must fail when src/generated/ drifts from the contracts, in either direction.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

const root = resolve(import.meta.dirname, '../..');

/** A scratch copy of what the generator reads and writes, sharing this checkout's node_modules. */
function scratchCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gen-check-'));
  for (const part of ['scripts', 'openapi', 'fixtures', 'src/generated']) {
    mkdirSync(join(dir, part, '..'), { recursive: true });
    cpSync(join(root, part), join(dir, part), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const genCheck = (dir: string) => spawnSync(process.execPath, ['scripts/gen-types.mjs', '--check'], { cwd: dir, encoding: 'utf8' });

describe('gen:check', () => {
  it('passes on the committed output', () => {
    const run = genCheck(scratchCopy());
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('fails when a generated file was edited by hand', () => {
    const dir = scratchCopy();
    appendFileSync(join(dir, 'src/generated/livevox-session.ts'), '\n// hand edit\n');
    const run = genCheck(dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('livevox-session.ts');
  });

  it('fails when a contract changed without regenerating', () => {
    const dir = scratchCopy();
    const file = join(dir, 'openapi/loudvoice.yaml');
    const doc = parse(readFileSync(file, 'utf8'));
    doc.components.schemas.DriftProbe = { type: 'string', 'x-provenance': { grade: 'assumed', source: 'drift test probe' } };
    writeFileSync(file, stringify(doc));
    const run = genCheck(dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('loudvoice.ts');
  });
});
