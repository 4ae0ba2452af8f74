import { afterEach } from 'vitest';
import { loadFixtures, type Fixtures } from '../../src/config/fixtures.js';
import type { IdSource } from '../../src/core/ports.js';
import { buildApp, DEFAULT_CONFIG, type AppConfig } from '../../src/http/app.js';
import { ControlledClock } from '../../src/runtime/clock.js';
import { TestIdentityProvider } from '../../src/sso/test-identity-provider.js';

/** The instant every test clock starts at, so dates in assertions are stable. */
export const T0 = Date.parse('2026-01-05T09:00:00.000Z');

/** UUID v4-shaped ids from a counter: deterministic, distinct, and valid for every UUID check. */
export function counterIds(): IdSource {
  let n = 0;
  return {
    uuid: () => {
      const hex = (++n).toString(16).padStart(12, '0');
      return `00000000-0000-4000-8000-${hex}`;
    },
  };
}

let fixtures: Fixtures | undefined;

/** An in-process server on the default fixtures with a fixed, movable clock at T0. */
export async function testApp(overrides: Partial<AppConfig> = {}) {
  fixtures ??= loadFixtures();
  const clock = new ControlledClock('fixed', T0);
  const idp = await TestIdentityProvider.create();
  const app = await buildApp({ ...DEFAULT_CONFIG, fixtures, sweepIntervalMs: 0, ...overrides }, { clock, ids: counterIds(), idp });
  return { app, clock, idp };
}

/**
 * For a test file that opens several apps: `open(overrides)` is testApp, and every app it opened is closed after
 * each test.
 */
export function appsClosedAfterEach(): (overrides?: Partial<AppConfig>) => ReturnType<typeof testApp> {
  const apps: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });
  return async (overrides = {}) => {
    const made = await testApp(overrides);
    apps.push(made.app);
    return made;
  };
}

/** The default fixtures' LiveVox credentials. */
export const DEMO = {
  token1: '11111111-1111-4111-8111-111111111111',
  token2: '22222222-2222-4222-8222-222222222222',
  otherToken: '33333333-3333-4333-8333-333333333333',
  user: { clientName: 'DEMO', userName: 'demo.user', password: 'Demo-Pass-1' },
  agent: { clientName: 'DEMO', userName: 'demo.agent', password: 'Agent-Pass-1', agent: true },
  other: { clientName: 'OTHER', userName: 'other.user', password: 'Other-Pass-1' },
} as const;

/** The default fixtures' LoudVoice site keys as a Basic authorization header. */
export const LOUDVOICE_AUTH = `Basic ${Buffer.from('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa:bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb').toString('base64')}`;
