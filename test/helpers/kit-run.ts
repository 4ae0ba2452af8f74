import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunResult } from '../../src/certify/grade-rules.js';

const root = resolve(import.meta.dirname, '../..');

/** What one kit run against a server said. */
export interface KitRun {
  exitCode: number | null;
  result: RunResult | undefined;
  output: string;
  failedRules: string[];
}

/** Runs `session-kit conformance` (from source) against a target and reads its JSON result. */
export function runKit(target: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<KitRun> {
  const json = join(mkdtempSync(join(tmpdir(), 'kit-')), 'result.json');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'conformance', '--target', target, '--json', json, ...args], {
    cwd: root,
    // Under GitHub Actions a test's kit run must not annotate the job or append to its step summary.
    env: { ...process.env, GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '', ...env },
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
      done({ exitCode, result, output, failedRules });
    }),
  );
}
