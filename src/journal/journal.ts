// The request journal: a ring of the last N exchanges, newest first when read. An exchange is recorded as bytes in
// one preallocated buffer outside the JS heap, with its numbers in typed arrays: recording leaves no object behind
// for the garbage collector. (Keeping each exchange's objects alive for a thousand requests made V8 copy them through
// every young-generation collection and grow its heap: a busy server lost up to a third of its requests/s.) Nothing
// is parsed, redacted or judged on the request's path: an entry is decoded, judged and redacted the first time it is
// read, and the result kept. Knows nothing of HTTP servers: the edge hands it exchanges and a judge.
import { pathOf, presentExchange, type ChaosNote, type Exchange, type JournalEntry, type Judge } from './entry.js';
import { redactPath } from './redaction.js';

/** What a read of the journal may select on. Every field is optional; all given must hold. */
export interface JournalFilter {
  api?: 'livevox' | 'loudvoice';
  method?: string;
  /** A prefix of the path as shown (redacted), e.g. `/session/login` or `/loudvoice/authors`. */
  pathPrefix?: string;
  status?: number;
  /** Only exchanges that arrived at or after this real time (ms since the epoch). */
  sinceWallTime?: number;
  /** Only entries with a greater id (recorded after that one): what a CI gate reads after noting the newest id. */
  afterId?: number;
  /** Only entries with a smaller id: the cursor for reading a ring larger than one read's limit, page by page. */
  beforeId?: number;
}

/** How full the journal is: entries held, its capacity, and how many were pushed out since start or the last clear. */
export interface JournalMeta {
  total: number;
  capacity: number;
  dropped: number;
}

/** The largest `limit` one read may ask for. */
export const MAX_READ_LIMIT = 1000;

/** Bytes of the shared buffer per entry of capacity (at least {@link MIN_ARENA_BYTES} in all). */
const ARENA_BYTES_PER_ENTRY = 4096;
/** The buffer holds at least this much, so one exchange with both bodies at the cap always fits. */
const MIN_ARENA_BYTES = 4 * 1024 * 1024;

/** The text fields of an exchange, in the order they are written. */
const TEXT_FIELDS = ['method', 'url', 'requestHeaders', 'body', 'route', 'responseHeaders', 'responseBody'] as const;
const FIELDS = TEXT_FIELDS.length;
/** The length kept for a null field (a real field is never this long). */
const NULL_FIELD = -1;

const API_CODES = [null, 'livevox', 'loudvoice'] as const;
const FLAG_BODY_TRUNCATED = 1;
const FLAG_RESPONSE_TRUNCATED = 2;
const FLAG_RESPONSE_BYTES = 4;

/**
 * A bounded, newest-first journal of exchanges. Capacity 0 records nothing (the journal is off). An entry is held
 * until `capacity` newer ones were recorded, or until its bytes in the shared buffer (4 KiB per entry of capacity,
 * at least 4 MiB) are written over by newer ones, whichever comes first; both count in `meta.dropped`.
 */
export class RequestJournal {
  private readonly arena: Buffer;
  /** Bytes written since start, ever increasing: an entry's bytes are intact while its start is within the buffer's size of it. */
  private written = 0;
  private readonly start: Float64Array;
  /** Each entry's bytes in the buffer. */
  private readonly byteLengths: Int32Array;
  /** Each text field's length in UTF-16 units, or NULL_FIELD. */
  private readonly lengths: Int32Array;
  private readonly seqs: Float64Array;
  private readonly serverTimes: Float64Array;
  private readonly wallTimes: Float64Array;
  private readonly durations: Float64Array;
  private readonly statuses: Int32Array;
  private readonly apis: Uint8Array;
  private readonly flags: Uint8Array;
  private readonly bodyBytes: Float64Array;
  /** Chaos notes by sequence number: rare, so kept as objects. */
  private readonly chaos = new Map<number, ChaosNote>();
  /** Entries already read, by slot. */
  private readonly entries: (JournalEntry | null)[];
  private nextSeq = 1;
  /** The oldest sequence number still held. */
  private oldestSeq = 1;
  private evicted = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError('journal capacity must be a non-negative integer');
    this.arena = Buffer.allocUnsafe(capacity === 0 ? 0 : Math.max(MIN_ARENA_BYTES, capacity * ARENA_BYTES_PER_ENTRY));
    this.start = new Float64Array(capacity);
    this.byteLengths = new Int32Array(capacity);
    this.lengths = new Int32Array(capacity * FIELDS);
    this.seqs = new Float64Array(capacity);
    this.serverTimes = new Float64Array(capacity);
    this.wallTimes = new Float64Array(capacity);
    this.durations = new Float64Array(capacity);
    this.statuses = new Int32Array(capacity);
    this.apis = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.bodyBytes = new Float64Array(capacity);
    this.entries = new Array<JournalEntry | null>(capacity).fill(null);
  }

  /**
   * Keeps an exchange (as bytes), pushing out what it no longer has room for, and returns its id. Holds no reference
   * to it. With capacity 0 nothing is kept, but the id is still given: the journal file numbers its lines with it.
   */
  record(x: Exchange): number {
    if (this.capacity === 0) {
      this.oldestSeq = this.nextSeq + 1;
      return this.nextSeq++;
    }
    const seq = this.nextSeq++;
    const slot = (seq - 1) % this.capacity;
    // One string, one write: each write into a Buffer is a call into C++. Each field's length is kept in UTF-16
    // units, which a UTF-8 round trip preserves (a lone surrogate becomes one U+FFFD), so the fields can be cut apart
    // again after one decode.
    let text = '';
    for (let f = 0; f < FIELDS; f++) {
      const raw = x[TEXT_FIELDS[f]!];
      const value = raw === null ? null : typeof raw === 'string' ? raw : raw.toString('utf8');
      this.lengths[slot * FIELDS + f] = value === null ? NULL_FIELD : value.length;
      if (value !== null) text += value;
    }
    // At most 3 bytes per UTF-16 unit: when that might not fit before the end, start at 0.
    let offset = this.written % this.arena.length;
    if (offset + text.length * 3 > this.arena.length) {
      this.written += this.arena.length - offset;
      offset = 0;
    }
    const entryStart = this.written;
    const bytes = this.arena.write(text, offset, 'utf8');
    this.byteLengths[slot] = bytes;
    this.written = entryStart + bytes;
    // Count-bounded, then byte-bounded: older entries whose bytes were just written over are gone.
    while (seq - this.oldestSeq >= this.capacity) this.evictOldest();
    while (this.oldestSeq < seq && this.start[(this.oldestSeq - 1) % this.capacity]! < this.written - this.arena.length) this.evictOldest();
    this.start[slot] = entryStart;
    this.seqs[slot] = seq;
    this.serverTimes[slot] = x.serverTime;
    this.wallTimes[slot] = x.wallTime;
    this.durations[slot] = x.durationMs;
    this.statuses[slot] = x.status;
    this.apis[slot] = x.api === 'livevox' ? 1 : x.api === 'loudvoice' ? 2 : 0;
    this.flags[slot] = (x.bodyTruncated ? FLAG_BODY_TRUNCATED : 0) | (x.responseBodyTruncated ? FLAG_RESPONSE_TRUNCATED : 0) | (x.responseBodyBytes !== null ? FLAG_RESPONSE_BYTES : 0);
    this.bodyBytes[slot] = x.responseBodyBytes ?? 0;
    this.entries[slot] = null;
    if (x.chaos) this.chaos.set(seq, x.chaos);
    return seq;
  }

  private evictOldest(): void {
    const seq = this.oldestSeq++;
    const slot = (seq - 1) % this.capacity;
    if (this.seqs[slot] === seq) {
      this.evicted++;
      this.entries[slot] = null;
      this.chaos.delete(seq);
    }
  }

  /** Entries held, capacity, and entries pushed out since start or the last clear. */
  meta(): JournalMeta {
    return { total: this.nextSeq - this.oldestSeq, capacity: this.capacity, dropped: this.evicted };
  }

  /** Forgets every entry, wiping their bytes; ids keep counting up, so an id never names two exchanges. */
  clear(): void {
    this.arena.fill(0);
    this.oldestSeq = this.nextSeq;
    this.evicted = 0;
    this.entries.fill(null);
    this.chaos.clear();
  }

  /** The APIs of the entries a read would present, so the caller can load just those contracts first. */
  apisToJudge(filter: JournalFilter, limit: number): Set<'livevox' | 'loudvoice'> {
    const apis = new Set<'livevox' | 'loudvoice'>();
    for (const slot of this.matching(filter, limit)) {
      const api = API_CODES[this.apis[slot]!];
      if (this.entries[slot] === null && api) apis.add(api);
    }
    return apis;
  }

  /** Up to `limit` entries that match, newest first, each redacted and judged on first read. */
  list(filter: JournalFilter, limit: number, judge: Judge): JournalEntry[] {
    return this.matching(filter, limit).map((slot) => this.present(slot, judge));
  }

  /** The API of an entry (to load its contract), or undefined when no entry has that id. */
  apiOf(id: string): Exchange['api'] | undefined {
    const slot = this.slotOf(id);
    return slot === undefined ? undefined : API_CODES[this.apis[slot]!];
  }

  /** The entry with this id, if it is still held. */
  get(id: string, judge: Judge): JournalEntry | undefined {
    const slot = this.slotOf(id);
    return slot === undefined ? undefined : this.present(slot, judge);
  }

  private slotOf(id: string): number | undefined {
    if (!/^[1-9]\d{0,15}$/.test(id) || this.capacity === 0) return undefined;
    const seq = Number(id);
    const slot = (seq - 1) % this.capacity;
    return this.seqs[slot] === seq && seq >= this.oldestSeq && seq < this.nextSeq ? slot : undefined;
  }

  /** The text fields of a held entry. */
  private fields(slot: number): (string | null)[] {
    const begin = this.start[slot]! % this.arena.length;
    const text = this.arena.toString('utf8', begin, begin + this.byteLengths[slot]!);
    const fields: (string | null)[] = [];
    let at = 0;
    for (let f = 0; f < FIELDS; f++) {
      const length = this.lengths[slot * FIELDS + f]!;
      fields.push(length === NULL_FIELD ? null : text.slice(at, at + length));
      if (length > 0) at += length;
    }
    return fields;
  }

  /** One text field of a held entry. */
  private text(slot: number, field: number): string | null {
    return this.fields(slot)[field]!;
  }

  private matching(filter: JournalFilter, limit: number): number[] {
    const found: number[] = [];
    if (this.capacity === 0 || limit <= 0) return found;
    const newest = filter.beforeId === undefined ? this.nextSeq - 1 : Math.min(this.nextSeq - 1, filter.beforeId - 1);
    const oldest = filter.afterId === undefined ? this.oldestSeq : Math.max(this.oldestSeq, filter.afterId + 1);
    for (let seq = newest; seq >= oldest && found.length < limit; seq--) {
      const slot = (seq - 1) % this.capacity;
      // Not a break: entries are kept in the order they finished, so a slow one can follow younger ones.
      if (filter.sinceWallTime !== undefined && this.wallTimes[slot]! < filter.sinceWallTime) continue;
      if (filter.api !== undefined && API_CODES[this.apis[slot]!] !== filter.api) continue;
      if (filter.status !== undefined && this.statuses[slot] !== filter.status) continue;
      const entry = this.entries[slot];
      if (filter.method !== undefined && (entry ? entry.request.method : this.text(slot, 0)) !== filter.method) continue;
      // The path as the entry shows it (redacted), so a filter never matches on a secret the entry does not show.
      if (filter.pathPrefix !== undefined && !(entry ? entry.request.path : redactPath(pathOf(this.text(slot, 1)!))).startsWith(filter.pathPrefix)) continue;
      found.push(slot);
    }
    return found;
  }

  /** The exchange of a held entry, decoded from its bytes. */
  private exchangeAt(slot: number): Exchange {
    const seq = this.seqs[slot]!;
    const flags = this.flags[slot]!;
    const [method, url, requestHeaders, body, route, responseHeaders, responseBody] = this.fields(slot);
    return {
      serverTime: this.serverTimes[slot]!,
      wallTime: this.wallTimes[slot]!,
      durationMs: this.durations[slot]!,
      api: API_CODES[this.apis[slot]!]!,
      chaos: this.chaos.get(seq) ?? null,
      method: method!,
      url: url!,
      requestHeaders: requestHeaders!,
      body: body ?? null,
      bodyTruncated: (flags & FLAG_BODY_TRUNCATED) !== 0,
      route: route ?? null,
      status: this.statuses[slot]!,
      responseHeaders: responseHeaders!,
      responseBody: responseBody ?? null,
      responseBodyTruncated: (flags & FLAG_RESPONSE_TRUNCATED) !== 0,
      responseBodyBytes: (flags & FLAG_RESPONSE_BYTES) !== 0 ? this.bodyBytes[slot]! : null,
    };
  }

  private present(slot: number, judge: Judge): JournalEntry {
    let entry = this.entries[slot];
    if (!entry) {
      entry = presentExchange(String(this.seqs[slot]), this.exchangeAt(slot), judge);
      this.entries[slot] = entry;
      // From here on only the redacted entry is kept: the raw bytes, secrets and all, are wiped.
      const begin = this.start[slot]! % this.arena.length;
      this.arena.fill(0, begin, begin + this.byteLengths[slot]!);
    }
    return entry;
  }
}
