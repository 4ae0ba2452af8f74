// The request journal: a ring buffer of the last N exchanges, newest first when read. Recording is a reference
// stored in a slot (nothing copied, parsed, redacted or judged on the request's path); an entry is redacted and
// judged the first time it is read, the result kept, and the raw exchange (which holds the secrets) dropped then.
// Knows nothing of HTTP servers: the edge hands it exchanges and a judge.
import { presentExchange, type Exchange, type JournalEntry, type Judge } from './entry.js';
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

/** One slot: the raw exchange until the entry is first read, then only the entry. */
interface Slot {
  seq: number;
  api: Exchange['api'];
  method: string;
  status: number;
  wallTime: number;
  exchange: Exchange | null;
  entry: JournalEntry | null;
  shownPath: string | null;
}

/** The largest `limit` one read may ask for. */
export const MAX_READ_LIMIT = 1000;

/** A bounded, newest-first journal of exchanges. Capacity 0 records nothing (the journal is off). */
export class RequestJournal {
  private readonly slots: (Slot | undefined)[];
  private nextSeq = 1;
  /** Sequence number of the oldest entry held since the last clear (entries below it are gone). */
  private firstSeq = 1;
  private evicted = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError('journal capacity must be a non-negative integer');
    this.slots = new Array<Slot | undefined>(capacity);
  }

  /** Keeps an exchange, pushing out the oldest when full. Cheap: one object and one slot write. */
  record(exchange: Exchange): void {
    if (this.capacity === 0) return;
    const seq = this.nextSeq++;
    const index = (seq - 1) % this.capacity;
    if (this.slots[index] !== undefined && this.slots[index]!.seq >= this.firstSeq) this.evicted++;
    this.slots[index] = { seq, api: exchange.api, method: exchange.method, status: exchange.status, wallTime: exchange.wallTime, exchange, entry: null, shownPath: null };
  }

  /** Entries held, capacity, and entries pushed out since start or the last clear. */
  meta(): JournalMeta {
    return { total: this.nextSeq - Math.max(this.firstSeq, this.nextSeq - this.capacity), capacity: this.capacity, dropped: this.evicted };
  }

  /** Forgets every entry; ids keep counting up, so an id never names two exchanges. */
  clear(): void {
    this.slots.fill(undefined);
    this.firstSeq = this.nextSeq;
    this.evicted = 0;
  }

  /** The APIs of the entries a read would present, so the caller can load just those contracts first. */
  apisToJudge(filter: JournalFilter, limit: number): Set<'livevox' | 'loudvoice'> {
    const apis = new Set<'livevox' | 'loudvoice'>();
    for (const slot of this.matching(filter, limit)) if (slot.entry === null && slot.api !== null) apis.add(slot.api);
    return apis;
  }

  /** Up to `limit` entries that match, newest first, each redacted and judged on first read. */
  list(filter: JournalFilter, limit: number, judge: Judge): JournalEntry[] {
    return this.matching(filter, limit).map((slot) => this.present(slot, judge));
  }

  /** The API of an entry (to load its contract), or undefined when no entry has that id. */
  apiOf(id: string): Exchange['api'] | undefined {
    return this.slotOf(id)?.api;
  }

  /** The entry with this id, if it is still held. */
  get(id: string, judge: Judge): JournalEntry | undefined {
    const slot = this.slotOf(id);
    return slot ? this.present(slot, judge) : undefined;
  }

  private slotOf(id: string): Slot | undefined {
    if (!/^[1-9]\d{0,15}$/.test(id) || this.capacity === 0) return undefined;
    const seq = Number(id);
    const slot = this.slots[(seq - 1) % this.capacity];
    return slot !== undefined && slot.seq === seq && seq >= this.firstSeq ? slot : undefined;
  }

  private *newestFirst(): Generator<Slot> {
    const oldest = Math.max(this.firstSeq, this.nextSeq - this.capacity);
    for (let seq = this.nextSeq - 1; seq >= oldest; seq--) {
      const slot = this.slots[(seq - 1) % this.capacity];
      if (slot !== undefined && slot.seq === seq) yield slot;
    }
  }

  private matching(filter: JournalFilter, limit: number): Slot[] {
    const found: Slot[] = [];
    if (this.capacity === 0 || limit <= 0) return found;
    for (const slot of this.newestFirst()) {
      // Not a break: entries are kept in the order they finished, so a slow one can follow younger ones.
      if (filter.sinceWallTime !== undefined && slot.wallTime < filter.sinceWallTime) continue;
      if (filter.api !== undefined && slot.api !== filter.api) continue;
      if (filter.method !== undefined && slot.method !== filter.method) continue;
      if (filter.status !== undefined && slot.status !== filter.status) continue;
      if (filter.pathPrefix !== undefined && !this.shownPath(slot).startsWith(filter.pathPrefix)) continue;
      found.push(slot);
      if (found.length >= limit) break;
    }
    return found;
  }

  /** The path as the entry shows it (redacted), so a filter never matches on a secret the entry does not show. */
  private shownPath(slot: Slot): string {
    if (slot.shownPath === null) slot.shownPath = slot.entry ? slot.entry.request.path : redactPath(slot.exchange!.path);
    return slot.shownPath;
  }

  private present(slot: Slot, judge: Judge): JournalEntry {
    if (slot.entry === null) {
      slot.entry = presentExchange(String(slot.seq), slot.exchange!, judge);
      // From here on only the redacted entry is kept: the secrets of the exchange leave memory with it.
      slot.exchange = null;
    }
    return slot.entry;
  }
}
