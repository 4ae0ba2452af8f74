// `session-kit replay BUNDLE --rule ID [--target URL|FILE]`: re-sends the exchanges of a rule's recorded failures to a
// target and shows the recorded and the new answers side by side. Exit 0 when every answer has the recorded status.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BUNDLE_FILES, MANIFEST, openBundle, type Manifest } from '../certify/bundle.js';
import type { Har } from '../certify/har.js';
import { replayEntries, sameStatus, sideBySide } from '../certify/replay.js';
import { readTargetFile, redact, referenceTarget, resolveTarget, TargetError, type Target } from '../certify/target.js';
import type { RunResult } from '../certify/grade-rules.js';
import { UsageError } from './usage-error.js';

/** The help text of `session-kit replay`. */
export const REPLAY_HELP = `session-kit replay BUNDLE --rule ID [--target URL|FILE]: re-send a rule's recorded failures

Re-sends, in their recorded order, the exchanges each recorded failure of the rule names (admin calls included, so a
moved clock is moved again), and shows the recorded answer and the new one side by side: status, key headers, body.
The bundle holds no credentials: they come from the target (a target file with its environment variables, or a URL
of a session-kit reference, meaning its default fixtures); without --target, the bundle's own target URL as a
reference. Ids the target hands out anew (session ids, tokens) are swapped in from the new answers.

Options:
  --rule ID           the rule whose failures to replay (as the bundle's result.json names it)
  --target URL|FILE   where to send them (default: the bundle's target URL, with the reference's fixtures)

Exit codes: 0 every answer has the recorded status; 1 some answer differs; 2 bad usage or an unreadable bundle.`;

function readJson<T>(dir: string, name: string): T {
  try {
    return JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;
  } catch (error) {
    throw new UsageError(`the bundle's ${name} cannot be read: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Replays a rule's recorded failures as argv says; returns the exit code. */
export async function replay(argv: string[], env: NodeJS.ProcessEnv, print: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { rule: { type: 'string' }, target: { type: 'string' }, help: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    print(REPLAY_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('replay takes one bundle: a directory or a .tar.gz');
  if (!values.rule) throw new UsageError('--rule ID is required: the rule whose recorded failures to replay');
  let opened;
  try {
    opened = await openBundle(positionals[0]!);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  try {
    const manifest = readJson<Manifest>(opened.dir, MANIFEST);
    const result = readJson<RunResult>(opened.dir, BUNDLE_FILES.json);
    const har = readJson<Har>(opened.dir, BUNDLE_FILES.har);
    const rule = result.rules?.find((r) => r.id === values.rule);
    if (!rule) throw new UsageError(`--rule ${values.rule}: the bundle's run graded no such rule`);
    const failures = rule.failures.filter((f) => (f.exchanges ?? []).length > 0);
    if (failures.length === 0) throw new UsageError(`--rule ${values.rule}: the bundle records no failure of it with exchanges (it is ${rule.status})`);
    let target: Target;
    try {
      const named = values.target ?? manifest.target?.baseUrl;
      if (!named) throw new TargetError('the bundle names no target URL: give --target');
      target = resolveTarget(/^https?:\/\//.test(named) ? referenceTarget(named.replace(/\/+$/, '')) : readTargetFile(named), env);
    } catch (error) {
      if (error instanceof TargetError) throw new UsageError(error.message);
      throw error;
    }
    const entries = new Map((har.log?.entries ?? []).map((e) => [e._id, e]));
    const show = (text: string) => print(redact(text, target.secrets));
    let differ = 0;
    let total = 0;
    for (const [i, failure] of failures.entries()) {
      const story = failure.exchanges!.flatMap((id) => (entries.has(id) ? [entries.get(id)!] : []));
      const lost = failure.exchanges!.length - story.length;
      show(`${rule.id}, failure ${i + 1} of ${failures.length}: ${failure.message.split('\n')[0]}`);
      show(`  replaying ${story.length} exchange(s) against ${target.baseUrl}${lost > 0 ? ` (${lost} named but not in the HAR)` : ''}`);
      const steps = await replayEntries(story, target);
      for (const step of steps) {
        show(sideBySide(step));
        total++;
        if (!sameStatus(step)) differ++;
      }
      show('');
    }
    if (differ > 0) {
      show(`session-kit replay: ${differ} of ${total} answer(s) differ in status from the recording`);
      return 1;
    }
    show(`session-kit replay: all ${total} answer(s) have the recorded status`);
    return 0;
  } finally {
    opened.close();
  }
}
