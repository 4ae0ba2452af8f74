import { createHash, randomUUID } from 'node:crypto';
import { redactRedisUrl } from './redis-url.js';
export { redactRedisUrl };
import { createClient, type RedisClientType } from '@redis/client';
import type { CoreDeps, IdSource } from '../core/ports.js';
import type { ClockChangeError, ControlledClock } from '../runtime/clock.js';
import { CLOCK, COMMIT, INIT, LOAD, RESET, SNAPSHOT, SYNC } from './redis-scripts.js';
import { ReplayClock, SeededIds } from './replay-ports.js';
import { readSnapshot, SnapshotFormatUnknown, writeSnapshot, type SavedSnapshot } from './redis-snapshot.js';
import { StoreUnavailable, type Applier, type ClockChange, type StateCommand, type Store, type StoreHealth } from './store.js';

/** How to reach and use a Redis (or Valkey) store. */
export interface RedisStoreOptions {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** Keys are `{prefix}:meta`, `{prefix}:log`, `{prefix}:snap`: one hash slot, so a cluster keeps them together. */
  prefix?: string;
  /** How often an instance considers writing a snapshot and trimming the log (ms). */
  snapshotIntervalMs?: number;
  /** Log entries kept behind the snapshot, so an instance a little behind catches up without loading it. */
  keepEntries?: number;
  /** How long a request waits for Redis before it is answered 503 (ms). */
  timeoutMs?: number;
}

/** What the store needs from the server: the clock the edge reads (which follows the shared one) and the ids. */
export interface RedisStoreDeps {
  /** The edge's clock: it follows the shared clock (admin views, envelope dates). */
  clock: ControlledClock;
  /** Where the seed of each new command comes from (the platform CSPRNG, or a test's counter). */
  ids: IdSource;
  /** What every instance on one store must share (stateFingerprint). */
  fingerprint: string;
  /**
   * The fingerprint the release before domain commands computed for this same configuration (log format 1): a store
   * that holds it is refused with what to do, not with the generic "other fixtures" reason.
   */
  previousFormatFingerprint?: string;
}

/** The parts of a script's reply before the entries. */
const HEAD = 7;

/** Commands that create nothing need no seed (LiveVox's checks, logouts and password changes). */
const needsSeed = (command: StateCommand): boolean =>
  command.k !== 'lvx' || (command as { op?: string }).op === 'login' || (command as { op?: string }).op === 'sso';

/** A script and its SHA-1, sent by EVALSHA (and loaded again when Redis has forgotten it, after a restart). */
class Script {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

const SCRIPTS = { INIT, COMMIT, SYNC, CLOCK, RESET, LOAD, SNAPSHOT } as const;


/**
 * Creates a Redis store and the server state it feeds: the state's cores read the time and ids of the command being
 * applied (ReplayClock, SeededIds), never the local ones. Nothing connects until `open()`.
 */
export function createRedisStore<S extends Applier>(
  options: RedisStoreOptions,
  deps: RedisStoreDeps,
  makeState: (ports: Pick<CoreDeps, 'clock' | 'ids'>) => S,
): { state: S; store: RedisStore } {
  const clock = new ReplayClock();
  const ids = new SeededIds();
  const state = makeState({ clock, ids });
  return { state, store: new RedisStore(options, deps, state, clock, ids) };
}

type Reply = string[];
type Waiter = { resolve: (value: unknown) => void; reject: (error: unknown) => void };
/** A request waiting for the next script call: a command's payload ("seed json"), or null for a read's sync. */
type Pending = Waiter & { payload: string | null };

/** Script calls of the request queue in flight at once: one, so that what arrives meanwhile goes in the next. */
const MAX_IN_FLIGHT = 1;
/** Requests in one script call at most (Lua's unpack and a reply's size stay small). */
const MAX_BATCH = 128;

/**
 * The shared store on Redis: a replicated command log. A command is appended by one script that stamps it with the
 * shared clock's time and returns every entry this instance has not applied yet, the call's own last; the instance applies
 * them in log order to its own cores, so every instance runs the same commands, at the same times, in the same
 * order (exactly one 201 out of 100 concurrent PUTs, wherever they land). A read first fetches what it misses. Requests
 * that arrive while a script call is in flight share the next one (enqueue: group commit). One
 * instance at a time writes a snapshot of the state (its own compact writing: src/store/redis-snapshot.ts) and trims
 * the log behind it.
 */
export class RedisStore implements Store {
  readonly kind = 'redis';
  private readonly client: RedisClientType;
  private readonly keys: [string, string, string];
  private readonly lease: string;
  private readonly timeoutMs: number;
  private readonly keepEntries: number;
  private readonly snapshotIntervalMs: number;
  /** The last log entry applied here, and the store generation it belongs to. */
  private applied = 0;
  private gen = '';
  private snapSeq = 0;
  private epoch = '';
  /** Requests waiting for their own entry to be applied, by seq. */
  private readonly waiters = new Map<number, Waiter>();
  /** Requests waiting for the next script call, in arrival order (see enqueue). */
  private readonly queue: Pending[] = [];
  /** Script calls of the queue on their way to Redis and back. */
  private inFlight = 0;
  /** Set while the snapshot is being loaded; replies wait for it, then skip what it covered. */
  private reloading: Promise<void> | null = null;
  /** True when this instance may have missed entries (Redis was unreachable while it was behind). */
  private lost = true;
  private timer: NodeJS.Timeout | undefined;
  private lastSnapshot = { at: 0, seq: -1, live: -1 };
  private connected = false;
  private lastError: string | undefined;
  /** This process's name in the store: what its connection was already sent is kept under it. */
  private readonly instance = randomUUID();

  constructor(
    private readonly options: RedisStoreOptions,
    private readonly deps: RedisStoreDeps,
    private readonly applier: Applier,
    private readonly replayClock: ReplayClock,
    private readonly seededIds: SeededIds,
  ) {
    const prefix = `{${options.prefix ?? 'session-kit'}}`;
    this.keys = [`${prefix}:meta`, `${prefix}:log`, `${prefix}:snap`];
    this.lease = `${prefix}:snapshot-lease`;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.keepEntries = options.keepEntries ?? 1000;
    this.snapshotIntervalMs = options.snapshotIntervalMs ?? 1000;
    this.client = createClient({
      url: options.url,
      // While Redis is down a request fails at once (503) instead of queueing until it is back.
      disableOfflineQueue: true,
      socket: { connectTimeout: this.timeoutMs, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 500) },
    }) as RedisClientType;
    this.client.on('error', (error: Error) => {
      this.lastError = error.message;
    });
    this.client.on('ready', () => {
      this.connected = true;
      this.lastError = undefined;
    });
    this.client.on('end', () => (this.connected = false));
    this.client.on('reconnecting', () => (this.connected = false));
  }

  /** Connects and creates the store if it is new, refusing one made for other fixtures (before routes are built). */
  async connect(): Promise<void> {
    await withTimeout(this.client.connect(), this.timeoutMs * 5, `cannot connect to ${redactRedisUrl(this.options.url)}`);
    await this.init();
  }

  /** Creates the store's keys when there are none; refuses a store made for servers started differently. */
  private async init(): Promise<void> {
    const clock = this.deps.clock;
    const fingerprint = (await this.run('INIT', [this.deps.fingerprint, clock.mode, String(clock.now()), this.deps.ids.uuid()])) as unknown as string;
    if (fingerprint !== this.deps.fingerprint && fingerprint === this.deps.previousFormatFingerprint) {
      await this.client.close().catch(() => undefined);
      throw new StoreMismatch(
        `the Redis store at ${redactRedisUrl(this.options.url)} was written by an earlier session-kit release, whose log holds LoudVoice ` +
          'writes as HTTP requests; this release logs domain commands and does not replay requests. Stop every instance of the store, ' +
          'empty it (FLUSHDB on its DB, or use another DB number), and start again: the state starts from the fixtures',
      );
    }
    if (fingerprint !== this.deps.fingerprint) {
      await this.client.close().catch(() => undefined);
      throw new StoreMismatch(
        `the Redis store at ${redactRedisUrl(this.options.url)} holds the state of servers with other fixtures, APIs, faults or variants; ` +
          'start every instance of one store with the same ones, or use another store (another DB number)',
      );
    }
  }

  /**
   * A value every instance must share, set by whichever instance comes first (the test identity provider's key):
   * returns the value the store holds, `value` when this instance was first.
   */
  async shareOnce(name: string, value: string): Promise<string> {
    const key = this.keys[0].replace(/:meta$/, `:${name}`);
    try {
      const held = (await this.client.sendCommand(['SET', key, value, 'NX', 'GET'], { timeout: this.timeoutMs })) as unknown as string | null;
      return held ?? value;
    } catch (error) {
      throw new StoreUnavailable(`the Redis store cannot be reached: ${(error as Error).message}`);
    }
  }

  /** Loads the shared state into the cores (once every applier is registered) and starts the snapshots. */
  async open(): Promise<void> {
    try {
      await this.reload();
    } catch (error) {
      await this.client.close().catch(() => this.client.destroy());
      throw error;
    }
    this.timer = setInterval(() => void this.compactIfLeased().catch(() => undefined), this.snapshotIntervalMs);
    this.timer.unref();
  }

  async commit(command: StateCommand): Promise<unknown> {
    const payload = `${needsSeed(command) ? this.deps.ids.uuid() : '-'} ${JSON.stringify(command)}`;
    return new Promise((resolve, reject) => this.enqueue({ payload, resolve, reject }));
  }

  async sync(): Promise<void> {
    const reply = await new Promise<Reply>((resolve, reject) => this.enqueue({ payload: null, resolve: resolve as (value: unknown) => void, reject }));
    if (this.reloading) await this.reloading;
    // A read decides at the store's time of the script call it waited for (never before what it applied).
    const now = Number(reply[2]);
    if (reply[0] === 'ok' && now > this.replayClock.now()) this.replayClock.pin(now);
  }

  async changeClock(change: ClockChange): Promise<ClockChangeError | null> {
    if (this.lost) await this.recover();
    const [op, value] = 'mode' in change ? ['mode', change.mode] : 'advanceMs' in change ? ['advance', String(change.advanceMs)] : ['set', String(change.at)];
    const reply = await this.run('CLOCK', [this.gen, String(this.applied), this.instance, op, value]);
    this.absorb(reply);
    if (this.reloading) await this.reloading;
    return reply[0] === 'CLOCK_BACKWARDS' || reply[0] === 'CLOCK_INVALID' ? reply[0] : null;
  }

  async reset(): Promise<void> {
    if (this.lost) await this.recover();
    const reply = await this.run('RESET', [this.gen, String(this.applied), this.instance]);
    const own = Number(reply[1]);
    const done = new Promise((resolve, reject) => this.waiters.set(own, { resolve, reject }));
    this.absorb(reply);
    await done;
  }

  async health(): Promise<StoreHealth> {
    const base = { store: 'redis' as const, url: redactRedisUrl(this.options.url), appliedSeq: this.applied };
    try {
      await this.client.sendCommand(['PING'], { timeout: this.timeoutMs });
      return { ...base, status: 'up' };
    } catch (error) {
      return { ...base, status: 'down', reason: this.lastError ?? (error as Error).message };
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const waiter of [...this.waiters.values(), ...this.queue]) waiter.reject(new StoreUnavailable('the server is closing'));
    this.waiters.clear();
    this.queue.length = 0;
    // This process's cursor goes with it (best effort: a store that is down keeps one small field).
    await this.client.sendCommand(['HDEL', this.keys[0], `c:${this.instance}`], { timeout: this.timeoutMs }).catch(() => undefined);
    await this.client.close().catch(() => this.client.destroy());
  }

  /** The number of log entries applied here (tests and benchmarks). */
  get appliedSeq(): number {
    return this.applied;
  }

  /**
   * Group commit. A request waits for the next script call: when none of the queue's is in flight it is sent at once;
   * otherwise the requests that arrive meanwhile go together in the one call sent when it returns. Commands go in one
   * COMMIT, in arrival order, each at its own position in the log and answered from its own entry, so there is still
   * one order for every instance; a read shares the call too, which is sent after the read began, so it sees every
   * write acknowledged before it. Under load this is fewer, larger script calls; one request alone waits for nothing.
   */
  private enqueue(pending: Pending): void {
    this.queue.push(pending);
    if (this.inFlight < MAX_IN_FLIGHT) void this.flush();
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    this.inFlight++;
    try {
      await this.send(batch);
    } finally {
      this.inFlight--;
      if (this.queue.length > 0) void this.flush();
    }
  }

  /** One script call for a batch: COMMIT of its commands (a SYNC when it has none); each request gets its answer. */
  private async send(batch: Pending[]): Promise<void> {
    const payloads = batch.flatMap((p) => (p.payload === null ? [] : [p.payload]));
    let reply: Reply;
    try {
      if (this.lost) await this.recover();
      const call = () => (payloads.length > 0 ? this.run('COMMIT', [this.gen, String(this.applied), this.instance, ...payloads]) : this.run('SYNC', [this.gen, String(this.applied), this.instance]));
      reply = await call();
      if (payloads.length > 0 && reply[0] === 'reload' && reply[2] === '0') {
        // Another generation of the store (it was flushed and made again): nothing was appended; load it and retry.
        await this.startReload();
        reply = await call();
        if (reply[0] === 'reload' && reply[2] === '0') throw new StoreUnavailable('the Redis store was made again twice in a row');
      }
    } catch (error) {
      // Every request of the call fails alike (503): none is acknowledged, whether or not Redis ran the call.
      for (const p of batch) p.reject(error);
      return;
    }
    // The batch's entries are the last ones of the reply's seq, in the batch's order.
    let seq = Number(reply[1]) - payloads.length;
    for (const p of batch) if (p.payload !== null) this.waiters.set(++seq, p);
    this.absorb(reply);
    for (const p of batch) if (p.payload === null) p.resolve(reply);
  }

  /**
   * Runs a script by its SHA (loading it first when Redis does not know it, as after a restart). Any failure to reach
   * Redis is StoreUnavailable: the request is answered 503, and this instance reloads before it answers again.
   */
  private async run(name: keyof typeof SCRIPTS, args: string[]): Promise<Reply> {
    const script = SCRIPTS_BY_NAME[name];
    const nkeys = name === 'INIT' ? 1 : name === 'LOAD' || name === 'SNAPSHOT' ? 3 : 2;
    const command = ['EVALSHA', script.sha, String(nkeys), ...this.keys.slice(0, nkeys), ...args];
    try {
      try {
        return await this.client.sendCommand<Reply>(command, { timeout: this.timeoutMs });
      } catch (error) {
        if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
        await this.client.sendCommand(['SCRIPT', 'LOAD', script.source], { timeout: this.timeoutMs });
        return await this.client.sendCommand<Reply>(command, { timeout: this.timeoutMs });
      }
    } catch (error) {
      // What this instance has may be behind what was committed meanwhile: catch up (reload) before the next answer.
      if (name !== 'SNAPSHOT' && name !== 'INIT') this.lost = true;
      this.lastError = (error as Error).message;
      throw new StoreUnavailable(`the Redis store cannot be reached: ${(error as Error).message}`);
    }
  }

  /** After a failure: load the state again before answering, since entries may have been committed unseen. */
  private async recover(): Promise<void> {
    await this.startReload();
  }

  /** Applies what a reply brings, in order; starts a reload when the reply says this instance cannot follow. */
  private absorb(reply: Reply): void {
    if (this.reloading) {
      // Entries applied by the reload are skipped by seq; a reply's own entry is found through its waiter.
      void this.reloading.then(() => this.absorb(reply), () => undefined);
      return;
    }
    this.follow(reply);
    if (reply[0] === 'reload') {
      void this.startReload().catch(() => undefined);
      return;
    }
    const first = Number(reply[6]);
    for (let i = HEAD; i < reply.length; i++) {
      const seq = first + i - HEAD;
      if (seq <= this.applied) continue;
      if (seq !== this.applied + 1) {
        void this.startReload().catch(() => undefined);
        return;
      }
      this.applyEntry(seq, reply[i]!);
    }
  }

  /** The edge's clock follows the shared clock's reading and mode. */
  private follow(reply: Reply): void {
    const now = Number(reply[2]);
    const epoch = reply[4]!;
    if (now > 0) this.deps.clock.follow(now, reply[3] as 'system' | 'fixed', Number(epoch));
    if (epoch !== this.epoch) this.epoch = epoch;
    this.snapSeq = Number(reply[5]);
  }

  /** Applies one log entry "time seed json" at its time with its seed; settles the request that committed it. */
  private applyEntry(seq: number, raw: string): void {
    const space1 = raw.indexOf(' ');
    const space2 = raw.indexOf(' ', space1 + 1);
    const seed = raw.slice(space1 + 1, space2);
    this.replayClock.pin(Number(raw.slice(0, space1)));
    this.seededIds.begin(seed === '-' ? undefined : seed);
    let result: unknown;
    let failure: unknown;
    try {
      const command = JSON.parse(raw.slice(space2 + 1)) as StateCommand;
      result = command.k === 'reset' ? this.applier.reset() : this.applier.apply(command);
    } catch (error) {
      failure = error;
    }
    this.seededIds.begin(undefined);
    this.applied = seq;
    const waiter = this.waiters.get(seq);
    if (!waiter) return;
    this.waiters.delete(seq);
    if (failure === undefined) waiter.resolve(result);
    else waiter.reject(failure);
  }

  private startReload(): Promise<void> {
    this.reloading ??= this.reload().finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  /**
   * Loads the snapshot and the log after it: at start, and whenever this instance may have missed entries. Requests
   * whose entries the snapshot already covers cannot know their answer: they fail as 503 (their effect stands).
   */
  private async reload(): Promise<void> {
    let reply = await this.run('LOAD', ['-', '-', this.instance]);
    if (reply[0] === 'reload') {
      // The store is gone (Redis lost its data): made again, with the fixtures' state.
      await this.init();
      reply = await this.run('LOAD', ['-', '-', this.instance]);
    }
    const [gen, , now, mode, epoch, snapSeq, snapshot] = reply as [string, string, string, string, string, string, string];
    this.gen = gen;
    this.deps.clock.follow(Number(now), mode as 'system' | 'fixed', Number(epoch));
    this.epoch = epoch;
    this.snapSeq = Number(snapSeq);
    let saved: SavedSnapshot | undefined;
    try {
      saved = readSnapshot(snapshot);
    } catch (error) {
      if (!(error instanceof SnapshotFormatUnknown)) throw error;
      // At start the server stops with the reason; once serving, requests are answered 503 and health says why.
      const reason = `${redactRedisUrl(this.options.url)}: ${error.message}`;
      this.lastError = reason;
      throw this.timer === undefined ? new StoreMismatch(reason) : new StoreUnavailable(reason);
    }
    this.replayClock.pin(saved?.time ?? Number(now));
    this.seededIds.begin(undefined);
    this.applier.load(saved?.state);
    this.applied = saved?.seq ?? 0;
    for (const [seq, waiter] of this.waiters) {
      if (seq > this.applied) continue;
      this.waiters.delete(seq);
      waiter.reject(new StoreUnavailable('the outcome of this request was taken into a snapshot before this instance saw it'));
    }
    for (let i = 7; i < reply.length; i++) this.applyEntry(this.applied + 1, reply[i]!);
    this.lost = false;
  }

  /** Every interval, one instance (whoever takes the lease) compacts the store; the others skip. */
  private async compactIfLeased(): Promise<void> {
    if (this.lost || this.reloading || !this.connected) return;
    const got = (await this.client.sendCommand(['SET', this.lease, this.instance, 'NX', 'PX', String(this.snapshotIntervalMs * 2)], { timeout: this.timeoutMs })) as unknown;
    if (got === 'OK') await this.compact();
  }

  /**
   * Writes a snapshot of the state, when the log grew or state expired since the last one, and trims the log behind
   * it: Redis memory follows the live state, with the movable clock (what expired at the store's time is left out).
   */
  async compact(): Promise<void> {
    await this.sync();
    this.applier.expire();
    const live = liveCount(this.applier);
    if (this.applied === this.snapSeq && this.applied === this.lastSnapshot.seq && live === this.lastSnapshot.live) return;
    const seq = this.applied;
    const data = writeSnapshot({ seq, time: this.replayClock.now(), state: this.applier.snapshot() });
    await this.run('SNAPSHOT', [this.gen, String(seq), data, String(this.keepEntries)]);
    this.lastSnapshot = { at: Date.now(), seq, live };
  }
}

/** Live sessions of both APIs when the applier can count them: a change means a snapshot would shrink. */
function liveCount(applier: Applier): number {
  const state = applier as unknown as { livevox?: { liveSessionCount(): number }; loudvoice?: { liveSessionCount(): number } };
  return (state.livevox?.liveSessionCount() ?? 0) + (state.loudvoice?.liveSessionCount() ?? 0);
}

const SCRIPTS_BY_NAME = Object.fromEntries(Object.entries(SCRIPTS).map(([name, source]) => [name, new Script(source)])) as Record<keyof typeof SCRIPTS, Script>;

/** The Redis store belongs to servers started differently: start-up stops with the reason. */
export class StoreMismatch extends Error {
  override name = 'StoreMismatch';
}

/** Rejects with StoreUnavailable when `promise` takes longer than `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailable(`${what} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
