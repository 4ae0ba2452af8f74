import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunResult } from '../../src/certify/verdict.js';
import { startReference } from '../../conformance/harness/reference-server.js';

const root = resolve(import.meta.dirname, '../..');

/** What one kit run against a server said. */
export interface KitRun {
  exitCode: number | null;
  result: RunResult | undefined;
  output: string;
  failedRules: string[];
  /** Property runs before the first failure of each failed rule (1 for an example-based test). */
  runsToCatch: Record<string, number>;
}

/** Runs `session-kit conformance` (from source) against a target and reads its JSON result. */
export function runKit(target: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<KitRun> {
  const json = join(mkdtempSync(join(tmpdir(), 'kit-')), 'result.json');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'conformance', '--target', target, '--json', json, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((done) =>
    child.once('exit', (exitCode) => {
      let result: RunResult | undefined;
      try {
        result = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
      } catch {
        result = undefined;
      }
      const failedRules = result?.rules.filter((r) => r.status === 'fail').map((r) => r.id) ?? [];
      const runsToCatch: Record<string, number> = {};
      for (const test of result?.tests ?? []) {
        if (test.state !== 'failed') continue;
        const runs = /Property failed after (\d+) run/.exec(test.errors.join('\n'));
        for (const id of test.rules) runsToCatch[id] = Math.min(runsToCatch[id] ?? Infinity, runs ? Number(runs[1]) : 1);
      }
      done({ exitCode, result, output, failedRules, runsToCatch });
    }),
  );
}

/** Which API a fault or variant concerns, from its name. */
export const apiOf = (name: string): 'livevox' | 'loudvoice' | 'both' => (name.startsWith('livevox') ? 'livevox' : name.startsWith('loudvoice') ? 'loudvoice' : 'both');

/**
 * Starts the reference with the given faults and variants, runs the kit (non-strict: only deciding rules decide, as
 * a vendor's CI would run it) on one API or both, and stops the server.
 */
export async function runKitAgainst(options: { faults?: string[]; variants?: string[]; api: 'livevox' | 'loudvoice' | 'both'; extra?: string[] }): Promise<KitRun> {
  const faults = options.faults ?? [];
  const variants = options.variants ?? [];
  const testOnly = faults.length + variants.length > 0 ? ['--enable-test-faults'] : [];
  const { url, child } = await startReference([...testOnly, ...faults.flatMap((f) => ['--fault', f]), ...variants.flatMap((v) => ['--variant', v])]);
  try {
    return await runKit(url, ['--api', options.api, ...(options.extra ?? [])]);
  } finally {
    child.kill('SIGTERM');
  }
}
