// Several session-kit instances on one real Redis store, each on its own loopback port: the fleet the store suites
// spread their requests over.
import { loadFixtures } from '../../src/config/fixtures.js';
import { buildApp, DEFAULT_CONFIG } from '../../src/http/app.js';
import type { ControlledClock } from '../../src/runtime/clock.js';
import { cryptoIds } from '../../src/runtime/ids.js';
import { TestIdentityProvider } from '../../src/sso/test-identity-provider.js';
import { startRedis, type TestRedis } from './redis-server.js';

/** A running fleet: its Redis server and its instances. */
export interface TestFleet {
  redis: TestRedis;
  servers: { app: Awaited<ReturnType<typeof buildApp>>; base: string }[];
  /** Closes every instance, then stops and removes the Redis server. */
  close(): Promise<void>;
}

/** Starts a Redis server and `instances` servers on it (default 2), each with its own clock from `clock()`. */
export async function startFleet(options: { prefix: string; clock: () => ControlledClock; instances?: number; timeoutMs?: number; idp?: boolean }): Promise<TestFleet> {
  const redis = await startRedis();
  const fixtures = loadFixtures();
  const servers: TestFleet['servers'] = [];
  for (let i = 0; i < (options.instances ?? 2); i++) {
    const app = await buildApp(
      { ...DEFAULT_CONFIG, fixtures, sweepIntervalMs: 0, redis: { url: redis.url, prefix: options.prefix, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) } },
      { clock: options.clock(), ids: cryptoIds, ...(options.idp ? { idp: await TestIdentityProvider.create() } : {}) },
    );
    servers.push({ app, base: await app.listen({ port: 0, host: '127.0.0.1' }) });
  }
  return {
    redis,
    servers,
    async close() {
      for (const s of servers) await s.app.close();
      await redis.remove();
    },
  };
}
