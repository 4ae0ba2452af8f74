// The worker's side of the evidence channel: every exchange the suites send (API calls and admin calls alike) gets an
// id, and when the runner asked for a bundle it is appended, redacted, to the run's NDJSON log, whose path the runner
// provides. The runner, another process, turns the log into the bundle's HAR after the run.
import { appendFileSync } from 'node:fs';
import { inject } from 'vitest';
import { TestRunner } from 'vitest';
import { EXCHANGE_LOG_KEY, originsOf, redactExchange, type RawExchange } from '../../src/certify/exchange-record.js';
import type { Target } from '../../src/certify/target.js';

declare module 'vitest' {
  /** The path of the run's exchange log, when the runner writes a bundle (empty otherwise). */
  export interface ProvidedContext {
    sessionKitExchangeLog: string;
  }
}

// Ids are unique across the run even if vitest ever used a second worker: the process id is part of them.
const prefix = process.pid.toString(36);
let seq = 0;

/** Where each long string value of a response came from (`ID:/pointer`): the origin of a later session header. */
const origins = new Map<string, string>();
const MAX_ORIGINS = 50_000;
let logFile: string | undefined;

function currentLogFile(): string | undefined {
  try {
    const value = inject(EXCHANGE_LOG_KEY as 'sessionKitExchangeLog');
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The test that is running now, and its file, for the record. */
export function currentTestOf(): { file: string; test: string } {
  const test = TestRunner.getCurrentTest();
  return { file: test?.file?.name ?? '', test: test?.name ?? '' };
}

/** Gives an exchange its id and, when the run is bundled, writes it redacted to the run's log; returns the id. */
export function recordExchange(target: Target, raw: RawExchange): string {
  const id = `${prefix}.${++seq}`;
  const file = currentLogFile();
  if (file !== logFile) {
    // A new run of the session: the origins of the run before say nothing about this one.
    origins.clear();
    logFile = file;
  }
  if (file === undefined) return id;
  const record = redactExchange(raw, id, target, (value) => origins.get(value));
  appendFileSync(file, `${JSON.stringify(record)}\n`);
  if (origins.size > MAX_ORIGINS) origins.clear();
  for (const [value, pointer] of originsOf(raw.responseBody)) origins.set(value, `${id}:${pointer}`);
  return id;
}
