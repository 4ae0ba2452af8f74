import { MAX_DELAY_MS, type ChaosActionTaken, type ChaosApi, type ChaosRuleSpec } from './chaos-rule.js';
import { pathPattern } from './path-pattern.js';
import { seededRandom, type SeededRandom } from './seeded-random.js';

/** What chaos knows of a request to one of the APIs (never an admin request: those never reach it). */
export interface ChaosCall {
  api: ChaosApi;
  /** The HTTP method, upper case. */
  method: string;
  /** The path, without the query. */
  path: string;
  /** The contract operation the request's route belongs to, if any. */
  operationId: string | undefined;
}

/** A rule as the admin API shows it: the rule, how many times it may still fire, and how many times it has. */
export interface ChaosRuleView extends ChaosRuleSpec {
  id: string;
  /** How many more times it fires (null: no limit); at 0 it stays listed but never fires again. */
  remaining: number | null;
  fired: number;
}

/** The global delay of every API request (`--latency MS` or `MIN-MAX`), in ms. */
export interface LatencyRange {
  minMs: number;
  maxMs: number;
}

/** What chaos does to one request: wait `delayMs` (0: not at all), then apply the rule that fired, if one did. */
export interface ChaosDecision {
  delayMs: number;
  fired: FiredRule | undefined;
}

/** The rule that fired on a request and what it did (a delay with the ms actually drawn). */
export interface FiredRule {
  ruleId: string;
  action: ChaosActionTaken;
}

interface HeldRule {
  view: ChaosRuleView;
  matchesPath: (path: string) => boolean;
  random: SeededRandom;
}

/** The most rules a server holds: every API request consults them in turn, so their number stays bounded. */
export const MAX_CHAOS_RULES = 1000;

/** The seed of the global latency's own random sequence: fixed, so `--latency 50-80` repeats its delays exactly. */
const LATENCY_SEED = 1;

/**
 * The chaos rules of one server and the decisions they make. Pure: no timers, no clock, no Math.random(). Each rule
 * draws from its own sequence seeded by its `seed`, so the same rules and the same requests in the same order
 * decide the same way on any server, run after run.
 *
 * Rules are consulted in the order they were added; the first one that matches a request and fires (its
 * probability drawn from its own sequence) acts on it, and the rules after it are not consulted (nor do they draw).
 * So one request meets at most one rule. The global latency applies to every API request on top, before the rule.
 */
export class ChaosRules {
  private readonly rules: HeldRule[] = [];
  private nextId = 1;
  private readonly latencyRandom: SeededRandom;

  /** Rules start empty; `latency` (from the command line) is fixed for the server's life. */
  constructor(readonly latency: LatencyRange | null = null) {
    this.latencyRandom = seededRandom(LATENCY_SEED);
  }

  /** Whether anything can happen to a request: a rule that can still fire, or a global latency. */
  get active(): boolean {
    return this.latency !== null || this.rules.some((r) => r.view.remaining !== 0);
  }

  /** Whether no rule can be added until one is removed (MAX_CHAOS_RULES). */
  get full(): boolean {
    return this.rules.length >= MAX_CHAOS_RULES;
  }

  /** Adds a rule after the others; ids (`chaos-1`, `chaos-2`, ...) are never reused, not even after a clear. */
  add(spec: ChaosRuleSpec): ChaosRuleView {
    if (this.full) throw new RangeError(`at most ${MAX_CHAOS_RULES} chaos rules`);
    const view: ChaosRuleView = { id: `chaos-${this.nextId++}`, ...spec, remaining: spec.times, fired: 0 };
    this.rules.push({ view, matchesPath: spec.path === undefined ? () => true : pathPattern(spec.path), random: seededRandom(spec.seed) });
    return { ...view };
  }

  /** Every rule, in the order they are consulted. */
  list(): ChaosRuleView[] {
    return this.rules.map((r) => ({ ...r.view }));
  }

  /** Removes one rule; false when there is none with that id. */
  remove(id: string): boolean {
    const index = this.rules.findIndex((r) => r.view.id === id);
    if (index < 0) return false;
    this.rules.splice(index, 1);
    return true;
  }

  /** Removes every rule (the global latency stays: it is the server's configuration). */
  clear(): void {
    this.rules.length = 0;
  }

  /** What happens to this request; draws from the sequences of the latency and of the rules it consults. */
  decide(call: ChaosCall): ChaosDecision {
    let delayMs = this.latency ? this.latency.minMs + Math.floor(this.latencyRandom.next() * (this.latency.maxMs - this.latency.minMs + 1)) : 0;
    for (const rule of this.rules) {
      const view = rule.view;
      if (view.remaining === 0 || !matches(rule, call)) continue;
      // Drawn even at probability 1, so a rule's sequence depends only on the requests it matches.
      if (!(rule.random.next() < view.probability)) continue;
      if (view.remaining !== null) view.remaining--;
      view.fired++;
      const action: ChaosActionTaken =
        view.action.type === 'delay' ? { type: 'delay', ms: view.action.ms + Math.floor(rule.random.next() * (view.action.jitterMs + 1)) } : view.action;
      if (action.type === 'delay') delayMs += action.ms;
      return { delayMs, fired: { ruleId: view.id, action } };
    }
    return { delayMs, fired: undefined };
  }
}

/** Whether a request is one the rule aims at: every matcher it has must agree. */
function matches(rule: HeldRule, call: ChaosCall): boolean {
  const { api, method, operationId } = rule.view;
  if (api !== undefined && api !== call.api) return false;
  if (method !== undefined && method !== call.method) return false;
  if (operationId !== undefined && operationId !== call.operationId) return false;
  return rule.matchesPath(call.path);
}

/**
 * Reads `--latency`: `MS` (always that long) or `MIN-MAX` (drawn from a fixed seed in that range, both included).
 * Null when the text is neither.
 */
export function parseLatency(text: string): LatencyRange | null {
  const match = /^(\d{1,6})(?:-(\d{1,6}))?$/.exec(text.trim());
  if (!match) return null;
  const minMs = Number(match[1]);
  const maxMs = match[2] === undefined ? minMs : Number(match[2]);
  return maxMs >= minMs && maxMs <= MAX_DELAY_MS ? { minMs, maxMs } : null;
}
