// What every suite file starts from: the target, an HTTP client per API with its contract, and named rules.
import { inject } from 'vitest';
import { rules as livevoxRules } from '../../src/generated/livevox-session-catalogue.js';
import { rules as loudvoiceRules } from '../../src/generated/loudvoice-catalogue.js';
import { ContractValidator, type ApiName } from './contract.js';
import { KitHttp } from './http.js';
import { targetFromEnv, type Target } from '../../src/certify/target.js';

declare module 'vitest' {
  export interface ProvidedContext {
    sessionKitTarget: string;
  }
}

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

/**
 * Runs checks that belong to one rule of a test that names several: a failure inside is marked with that rule, so
 * the verdict fails that rule alone instead of every rule the test names.
 */
export async function checking<T>(ruleId: string, check: () => T | Promise<T>): Promise<T> {
  if (!knownRules.has(ruleId)) throw new Error(`no rule ${ruleId} in the contracts`);
  try {
    return await check();
  } catch (error) {
    if (error instanceof Error && !error.message.includes('[violates ')) error.message = `[violates ${ruleId}] ${error.message}`;
    throw error;
  }
}

/** The target of this run: from the runner, or the reference server started by the conformance project's setup. */
export function currentTarget(): Target {
  const fromEnv = targetFromEnv();
  if (fromEnv) return fromEnv;
  return JSON.parse(inject('sessionKitTarget')) as Target;
}

/** An HTTP client for one API of the current target. */
export async function kitHttp(api: ApiName): Promise<KitHttp> {
  return new KitHttp(currentTarget(), api, await ContractValidator.load(api));
}

/** A short random tag, so runs against a shared deployment never collide on references. */
export const runTag = `ck${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
