// What every suite file starts from: the target, an HTTP client per API with its contract, and named rules.
import { inject } from 'vitest';
import { rules as livevoxRules } from '../../src/generated/livevox-session-catalogue.js';
import { rules as loudvoiceRules } from '../../src/generated/loudvoice-catalogue.js';
import { ContractValidator, type ApiName } from './contract.js';
import { KitHttp } from './http.js';
import { newRunTag, RUN_TAG_ENV, targetFromEnv, type Target } from '../../src/certify/target.js';
import { registerClient } from './checks.js';

const knownRules = new Set<string>([...livevoxRules, ...loudvoiceRules].map((r) => r.id));

/**
 * A test title that names the rules it checks: `[LVX-A, LVX-B] what happens`. The runner grades each rule by the
 * tests that name it; naming a rule the contracts do not define is a mistake caught here.
 */
export function rule(ids: string | string[], title: string): string {
  const list = Array.isArray(ids) ? ids : [ids];
  for (const id of list) if (!knownRules.has(id)) throw new Error(`no rule ${id} in the contracts`);
  return `[${list.join(', ')}] ${title}`;
}

/** The target of this run: from the runner, or the reference server started by the conformance project's setup. */
export function currentTarget(): Target {
  const given = provided('sessionKitTarget');
  if (given) return JSON.parse(given) as Target;
  const fromEnv = targetFromEnv();
  if (!fromEnv) throw new Error('no target was handed to the suites');
  return fromEnv;
}

/** An HTTP client for one API of the current target. */
export async function kitHttp(api: ApiName): Promise<KitHttp> {
  const http = new KitHttp(currentTarget(), api, await ContractValidator.load(api));
  registerClient(http);
  return http;
}

/**
 * The prefix of every reference this run creates: one per run (the runner hands it to every file), so runs against a
 * shared deployment never collide, and the clean-up after the run finds exactly what the run made.
 */
export const runTag: string = provided('sessionKitRunTag') ?? process.env[RUN_TAG_ENV] ?? newRunTag();

/** A value the runner provided for this run, if any (a kit session provides a new one before every run). */
function provided(key: 'sessionKitTarget' | 'sessionKitRunTag'): string | undefined {
  try {
    const value = inject(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}
