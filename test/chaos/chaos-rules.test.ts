// The pure chaos core (src/chaos/): path patterns, rule checking, and seeded decisions that repeat exactly: the same
// rules and the same requests decide the same way; `times` counts down; probability and jitter come from each
// rule's own seed; the first rule that fires is the only one that acts.
import { describe, expect, it } from 'vitest';
import { readChaosRule, type ChaosRuleSpec } from '../../src/chaos/chaos-rule.js';
import { ChaosRules, MAX_CHAOS_RULES, parseLatency, type ChaosCall } from '../../src/chaos/chaos-rules.js';
import { pathPattern } from '../../src/chaos/path-pattern.js';
import { seededRandom } from '../../src/chaos/seeded-random.js';
import { OPERATIONS } from '../../src/contract/operation-of-route.js';

const context = { operations: OPERATIONS };
const login: ChaosCall = { api: 'livevox', method: 'POST', path: '/session/login', operationId: 'login' };
const ping: ChaosCall = { api: 'loudvoice', method: 'GET', path: '/tools/ping.json', operationId: 'ping' };

/** A checked rule from a body, failing the test when it is refused. */
function rule(body: Record<string, unknown>): ChaosRuleSpec {
  const read = readChaosRule(body, context);
  if (!read.ok) throw new Error(`refused: ${read.detail?.reason}`);
  return read.value;
}

describe('path patterns', () => {
  it.each([
    ['/session/login', '/session/login', true],
    ['/session/login', '/session/logins', false],
    ['/session/*', '/session/login', true],
    ['/session/*', '/session/v6.0/login', false],
    ['/session/**', '/session', true],
    ['/session/**', '/session/login', true],
    ['/session/**', '/session/v6.0/login', true],
    ['/session/**', '/sessions/login', false],
    ['/session/*/login', '/session/v6.0/login', true],
    ['/session/*/login', '/session/login', false],
    ['/session/**/login', '/session/login', true],
    ['/session/**/login', '/session/v6.0/login', true],
    ['/loudvoice/*.json', '/loudvoice/comments.json', true],
    ['/loudvoice/*.json', '/loudvoice/authors/sessions.json', false],
    ['/loudvoice/**/*.json', '/loudvoice/authors/sessions.json', true],
    ['/**', '/anything/at/all', true],
    ['/session/v6.0/login', '/session/v6x0/login', false],
  ])('%s against %s: %s', (pattern, path, expected) => {
    expect(pathPattern(pattern)(path)).toBe(expected);
  });

  it('stays fast on a hostile pattern and a long path (no regular expression backtracking)', () => {
    const hostile = pathPattern(`/${'*a'.repeat(100)}/**/${'*a'.repeat(100)}`);
    const path = `/${'a'.repeat(4000)}b/${'x/'.repeat(2000)}${'a'.repeat(4000)}b`;
    const started = performance.now();
    expect(hostile(path)).toBe(false);
    // Generous: a backtracking regular expression would take minutes here.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('seeded sequences', () => {
  it('repeat for a seed and differ between seeds', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 20 }, () => random.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(1)).not.toEqual(draw(2 ** 32 + 1));
    for (const x of draw(7)) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe('decisions', () => {
  it('fires `times` times, then never again, and counts in the rule view', () => {
    const chaos = new ChaosRules();
    const added = chaos.add(rule({ operationId: 'login', action: { type: 'error', status: 503 }, times: 3 }));
    expect(added).toMatchObject({ id: 'chaos-1', remaining: 3, fired: 0, probability: 1, seed: 1 });
    const fired = Array.from({ length: 5 }, () => chaos.decide(login).fired?.action);
    expect(fired).toEqual([...Array(3).fill({ type: 'error', status: 503, retryAfterSeconds: 1 }), undefined, undefined]);
    expect(chaos.list()[0]).toMatchObject({ remaining: 0, fired: 3 });
    expect(chaos.active).toBe(false);
  });

  it('with a probability, fires on the same requests for the same seed, and on others for another seed', () => {
    const pattern = (seed: number) => {
      const chaos = new ChaosRules();
      chaos.add(rule({ api: 'livevox', action: { type: 'drop' }, probability: 0.5, seed }));
      return Array.from({ length: 40 }, () => (chaos.decide(login).fired ? 'x' : '.')).join('');
    };
    expect(pattern(42)).toBe(pattern(42));
    expect(pattern(42)).not.toBe(pattern(7));
    expect(pattern(42)).toMatch(/x/);
    expect(pattern(42)).toMatch(/\./);
  });

  it('never fires at probability 0; matches only what every matcher agrees on', () => {
    const chaos = new ChaosRules();
    chaos.add(rule({ action: { type: 'drop' }, probability: 0 }));
    chaos.add(rule({ api: 'loudvoice', method: 'get', path: '/tools/*', action: { type: 'end-session' } }));
    expect(chaos.decide(login).fired).toBeUndefined();
    expect(chaos.decide(ping).fired).toEqual({ ruleId: 'chaos-2', action: { type: 'end-session' } });
    expect(chaos.decide({ ...ping, method: 'POST' }).fired).toBeUndefined();
    expect(chaos.decide({ ...ping, path: '/tools/x/ping.json' }).fired).toBeUndefined();
  });

  it('lets only the first rule that fires act, and the later ones do not draw', () => {
    const chaos = new ChaosRules();
    chaos.add(rule({ action: { type: 'error', status: 500 }, times: 1 }));
    chaos.add(rule({ action: { type: 'error', status: 502 }, probability: 0.5, seed: 9 }));
    expect(chaos.decide(login).fired?.ruleId).toBe('chaos-1');
    // The second rule's sequence starts only now: as if the first request had never happened.
    const alone = new ChaosRules();
    alone.add(rule({ action: { type: 'error', status: 502 }, probability: 0.5, seed: 9 }));
    const rest = Array.from({ length: 20 }, () => chaos.decide(login).fired?.ruleId ?? null);
    const expected = Array.from({ length: 20 }, () => (alone.decide(login).fired ? 'chaos-2' : null));
    expect(rest).toEqual(expected);
  });

  it('draws a jittered delay within [ms, ms + jitterMs], the same for the same seed', () => {
    const delays = (seed: number) => {
      const chaos = new ChaosRules();
      chaos.add(rule({ action: { type: 'delay', ms: 100, jitterMs: 50 }, seed }));
      return Array.from({ length: 50 }, () => chaos.decide(login).delayMs);
    };
    const drawn = delays(3);
    expect(drawn).toEqual(delays(3));
    for (const ms of drawn) expect(ms >= 100 && ms <= 150).toBe(true);
    expect(new Set(drawn).size).toBeGreaterThan(5);
  });

  it('adds the global latency to every decision, drawn from a fixed seed, and keeps it after a clear', () => {
    const chaos = new ChaosRules({ minMs: 20, maxMs: 30 });
    const first = Array.from({ length: 30 }, () => chaos.decide(ping).delayMs);
    for (const ms of first) expect(ms >= 20 && ms <= 30).toBe(true);
    const again = new ChaosRules({ minMs: 20, maxMs: 30 });
    expect(Array.from({ length: 30 }, () => again.decide(ping).delayMs)).toEqual(first);
    chaos.add(rule({ action: { type: 'delay', ms: 1000 } }));
    expect(chaos.decide(ping).delayMs).toBeGreaterThanOrEqual(1020);
    chaos.clear();
    expect(chaos.list()).toEqual([]);
    expect(chaos.active).toBe(true);
    expect(chaos.latency).toEqual({ minMs: 20, maxMs: 30 });
  });

  it('holds at most MAX_CHAOS_RULES rules', () => {
    const chaos = new ChaosRules();
    for (let i = 0; i < MAX_CHAOS_RULES; i++) chaos.add(rule({ action: { type: 'drop' }, probability: 0 }));
    expect(chaos.full).toBe(true);
    expect(() => chaos.add(rule({ action: { type: 'drop' } }))).toThrow(RangeError);
    chaos.remove('chaos-1');
    expect(chaos.full).toBe(false);
  });

  it('never reuses an id, not even after a clear; removes one rule by id', () => {
    const chaos = new ChaosRules();
    chaos.add(rule({ action: { type: 'drop' } }));
    chaos.add(rule({ action: { type: 'drop' } }));
    expect(chaos.remove('chaos-1')).toBe(true);
    expect(chaos.remove('chaos-1')).toBe(false);
    expect(chaos.list().map((r) => r.id)).toEqual(['chaos-2']);
    chaos.clear();
    expect(chaos.add(rule({ action: { type: 'drop' } })).id).toBe('chaos-3');
  });
});

describe('reading a rule', () => {
  it('fills in the defaults', () => {
    expect(rule({ action: { type: 'error', status: 429 } })).toEqual({ action: { type: 'error', status: 429, retryAfterSeconds: 1 }, probability: 1, times: null, seed: 1 });
    expect(rule({ method: 'put', action: { type: 'delay', ms: 5 } })).toEqual({ method: 'PUT', action: { type: 'delay', ms: 5, jitterMs: 0 }, probability: 1, times: null, seed: 1 });
  });

  it.each([
    [[], 'JSON object'],
    [{ action: { type: 'drop' }, probabilty: 0.5 }, 'unknown field "probabilty"'],
    [{}, 'action must be an object'],
    [{ action: { type: 'teleport' } }, 'action.type must be'],
    [{ action: { type: 'delay' } }, 'delay ms'],
    [{ action: { type: 'delay', ms: -1 } }, 'delay ms'],
    [{ action: { type: 'delay', ms: 1.5 } }, 'delay ms'],
    [{ action: { type: 'delay', ms: 600_001 } }, 'delay ms'],
    [{ action: { type: 'delay', ms: 600_000, jitterMs: 1 } }, 'jitterMs'],
    [{ action: { type: 'delay', ms: 5, status: 500 } }, 'takes ms, jitterMs'],
    [{ action: { type: 'error', status: 404 } }, 'error status must be one of 429, 500, 502, 503'],
    [{ action: { type: 'error', status: '503' } }, 'error status'],
    [{ action: { type: 'error', status: 500, retryAfterSeconds: 3 } }, 'retryAfterSeconds goes with status 429 or 503'],
    [{ action: { type: 'error', status: 429, retryAfterSeconds: -1 } }, 'retryAfterSeconds must be'],
    [{ action: { type: 'drop', ms: 3 } }, 'takes no other field'],
    [{ api: 'soap', action: { type: 'drop' } }, 'api must be'],
    [{ method: 'FETCH', action: { type: 'drop' } }, 'method must be'],
    [{ path: 'session/login', action: { type: 'drop' } }, 'path must be'],
    [{ path: '/__admin/**', action: { type: 'drop' } }, 'never touches /__admin'],
    [{ path: '/__idp/token', action: { type: 'drop' } }, 'never touches /__admin'],
    [{ operationId: 'launchRocket', action: { type: 'drop' } }, 'no operation "launchRocket"'],
    [{ api: 'loudvoice', operationId: 'login', action: { type: 'drop' } }, 'belongs to the livevox API'],
    [{ action: { type: 'drop' }, probability: 1.5 }, 'probability'],
    [{ action: { type: 'drop' }, probability: '0.5' }, 'probability'],
    [{ action: { type: 'drop' }, times: 0 }, 'times must be'],
    [{ action: { type: 'drop' }, seed: 'abc' }, 'seed must be'],
  ])('refuses %j (%s)', (body, reason) => {
    const read = readChaosRule(body, context);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.detail?.reason).toContain(reason);
  });

  it('refuses an API the server does not answer', () => {
    const livevoxOnly = { operations: OPERATIONS.filter((op) => op.api === 'livevox') };
    const read = readChaosRule({ api: 'loudvoice', action: { type: 'drop' } }, livevoxOnly);
    expect(read.ok || read.detail?.reason).toBe('this server does not answer the loudvoice API');
    expect(readChaosRule({ operationId: 'ping', action: { type: 'drop' } }, livevoxOnly).ok).toBe(false);
  });
});

describe('--latency', () => {
  it.each([
    ['50', { minMs: 50, maxMs: 50 }],
    ['50-80', { minMs: 50, maxMs: 80 }],
    ['0', { minMs: 0, maxMs: 0 }],
    ['80-50', null],
    ['-5', null],
    ['fast', null],
    ['1.5', null],
    ['700000', null],
  ])('%s reads as %j', (text, expected) => {
    expect(parseLatency(text)).toEqual(expected);
  });
});
