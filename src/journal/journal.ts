// The request journal: a ring buffer of the last N exchanges, newest first when read. Recording is a reference
// stored in a slot (nothing copied, parsed, redacted or judged on the request's path); an entry is redacted and
// judged the first time it is read, the result kept, and the raw exchange (which holds the secrets) dropped then.
// Knows nothing of HTTP servers: the edge hands it exchanges and a judge.
import { pathOf, presentExchange, type Exchange, type JournalEntry, type Judge } from './entry.js';
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
}

/** How full the journal is: entries held, its capacity, and how many were pushed out since start or the last clear. */
export interface JournalMeta {
  total: number;
  capacity: number;
  dropped: number;
}

/** The largest `limit` one read may ask for. */
export const MAX_READ_LIMIT = 1000;

/**
 * A bounded, newest-first journal of exchanges. Capacity 0 records nothing (the journal is off). Slots are parallel
 * arrays (sequence numbers in a typed array), so recording allocates nothing beyond the exchange itself.
 */
export class RequestJournal {
  /** The raw exchange of each slot, until its entry is first read. */
  private readonly exchanges: (Exchange | null)[];
  /** The entry of each slot, once read. */
  private readonly entries: (JournalEntry | null)[];
  /** The sequence number (the id) of each slot; 0 for an empty slot. */
  private readonly seqs: Float64Array;
  private nextSeq = 1;
  /** Sequence number of the oldest entry held since the last clear (entries below it are gone). */
  private firstSeq = 1;
  private evicted = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError('journal capacity must be a non-negative integer');
    this.exchanges = new Array<Exchange | null>(capacity).fill(null);
    this.entries = new Array<JournalEntry | null>(capacity).fill(null);
    this.seqs = new Float64Array(capacity);
  }

  /** Keeps an exchange, pushing out the oldest when full. Cheap: two slot writes. */
  record(exchange: Exchange): void {
    if (this.capacity === 0) return;
    const seq = this.nextSeq++;
    const index = (seq - 1) % this.capacity;
    if (this.seqs[index]! >= this.firstSeq) this.evicted++;
    this.seqs[index] = seq;
    this.exchanges[index] = exchange;
    this.entries[index] = null;
  }

  /** Entries held, capacity, and entries pushed out since start or the last clear. */
  meta(): JournalMeta {
    return { total: this.nextSeq - Math.max(this.firstSeq, this.nextSeq - this.capacity), capacity: this.capacity, dropped: this.evicted };
  }

  /** Forgets every entry; ids keep counting up, so an id never names two exchanges. */
  clear(): void {
    this.exchanges.fill(null);
    this.entries.fill(null);
    this.seqs.fill(0);
    this.firstSeq = this.nextSeq;
    this.evicted = 0;
  }

  /** The APIs of the entries a read would present, so the caller can load just those contracts first. */
  apisToJudge(filter: JournalFilter, limit: number): Set<'livevox' | 'loudvoice'> {
    const apis = new Set<'livevox' | 'loudvoice'>();
    for (const index of this.matching(filter, limit)) {
      const api = this.exchanges[index]?.api;
      if (api) apis.add(api);
    }
    return apis;
  }

  /** Up to `limit` entries that match, newest first, each redacted and judged on first read. */
  list(filter: JournalFilter, limit: number, judge: Judge): JournalEntry[] {
    return this.matching(filter, limit).map((index) => this.present(index, judge));
  }

  /** The API of an entry (to load its contract), or undefined when no entry has that id. */
  apiOf(id: string): Exchange['api'] | undefined {
    const index = this.indexOf(id);
    return index === undefined ? undefined : (this.exchanges[index]?.api ?? this.entries[index]!.api);
  }

  /** The entry with this id, if it is still held. */
  get(id: string, judge: Judge): JournalEntry | undefined {
    const index = this.indexOf(id);
    return index === undefined ? undefined : this.present(index, judge);
  }

  private indexOf(id: string): number | undefined {
    if (!/^[1-9]\d{0,15}$/.test(id) || this.capacity === 0) return undefined;
    const seq = Number(id);
    const index = (seq - 1) % this.capacity;
    return this.seqs[index] === seq && seq >= this.firstSeq ? index : undefined;
  }

  private matching(filter: JournalFilter, limit: number): number[] {
    const found: number[] = [];
    if (this.capacity === 0 || limit <= 0) return found;
    const oldest = Math.max(this.firstSeq, this.nextSeq - this.capacity);
    for (let seq = this.nextSeq - 1; seq >= oldest && found.length < limit; seq--) {
      const index = (seq - 1) % this.capacity;
      if (this.seqs[index] !== seq) continue;
      const x = this.exchanges[index];
      const e = this.entries[index];
      const api = x ? x.api : e!.api;
      // Not a break: entries are kept in the order they finished, so a slow one can follow younger ones.
      if (filter.sinceWallTime !== undefined && (x ? x.wallTime : Date.parse(e!.wallTime)) < filter.sinceWallTime) continue;
      if (filter.api !== undefined && api !== filter.api) continue;
      if (filter.method !== undefined && (x ? x.method : e!.request.method) !== filter.method) continue;
      if (filter.status !== undefined && (x ? x.status : e!.response.status) !== filter.status) continue;
      // The path as the entry shows it (redacted), so a filter never matches on a secret the entry does not show.
      if (filter.pathPrefix !== undefined && !(x ? redactPath(pathOf(x.url)) : e!.request.path).startsWith(filter.pathPrefix)) continue;
      found.push(index);
    }
    return found;
  }

  private present(index: number, judge: Judge): JournalEntry {
    let entry = this.entries[index];
    if (!entry) {
      entry = presentExchange(String(this.seqs[index]), this.exchanges[index]!, judge);
      this.entries[index] = entry;
      // From here on only the redacted entry is kept: the secrets of the exchange leave memory with it.
      this.exchanges[index] = null;
    }
    return entry;
  }
}
