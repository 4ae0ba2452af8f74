// The journal file (`serve --journal-file FILE`): every exchange the journal records, appended to FILE as one line of
// NDJSON, in the shape GET /__admin/requests shows an entry (redacted, with its contract verdict). It exists for CI:
// the ring forgets and dies with the process, the file is evidence a job keeps after the mock stopped, and
// `session-kit journal check --file` gates on it. Nothing is judged, redacted or written on the request's path: an
// exchange is queued as captured, and judged, redacted and written in batches a little later, off that path. Close
// drains the queue before it returns, so a graceful stop (SIGTERM, SIGINT) loses nothing.
import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { presentExchange, type Exchange } from '../journal/entry.js';
import { entryLine } from '../journal/ndjson.js';
import { judge, loadJudges } from './journal-judges.js';

/** How long an exchange may wait in the queue before its batch is written (ms): small, so a crash loses little. */
const FLUSH_DELAY_MS = 100;
/** A batch is written at once when this many exchanges wait, so a busy server's queue stays short. */
const FLUSH_AT = 512;
/** Exchanges presented per turn of the event loop, so writing a large batch never stalls requests for long. */
const CHUNK = 128;

/** Why a journal file cannot be used: a start-up error (the caller says which option to change). */
export class JournalFileError extends Error {
  override name = 'JournalFileError';
}

/** An append-only NDJSON journal on disk. Open it with {@link JournalFile.open}. */
export class JournalFile {
  private queue: { id: number; exchange: Exchange }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private closed = false;
  /** Lines written so far. */
  written = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    private readonly onError: (error: Error) => void,
  ) {}

  /**
   * Creates (or empties) FILE, and its folder if missing: one file is one server's run. Fails at start-up, not at
   * the first request, when FILE cannot be written.
   */
  static async open(path: string, onError: (error: Error) => void = () => {}): Promise<JournalFile> {
    try {
      mkdirSync(dirname(path), { recursive: true });
      return new JournalFile(await open(path, 'w'), path, onError);
    } catch (error) {
      throw new JournalFileError(`--journal-file ${path} cannot be written: ${(error as Error).message}`);
    }
  }

  /** Queues an exchange the journal recorded under `id`. Cheap: a push, and a timer when none is pending. */
  add(id: number, exchange: Exchange): void {
    if (this.closed) return;
    this.queue.push({ id, exchange });
    if (this.queue.length >= FLUSH_AT) this.flushSoon(0);
    else if (this.timer === null) this.flushSoon(FLUSH_DELAY_MS);
  }

  private flushSoon(delay: number): void {
    if (this.timer !== null) {
      if (delay > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush().catch(() => {});
    }, delay);
    // A pending batch never keeps the process alive on its own: close() is what writes the last one.
    this.timer.unref();
  }

  /** Writes every queued exchange; resolves when they are on their way to the disk (handed to the OS). */
  async flush(): Promise<void> {
    // One drain at a time, so lines keep their order; a flush while one runs waits for it, then drains the rest.
    while (this.draining) await this.draining;
    if (this.queue.length === 0) return;
    this.draining = this.drain().finally(() => (this.draining = null));
    return this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, CHUNK);
      try {
        await loadJudges(() => new Set(batch.flatMap((b) => (b.exchange.api ? [b.exchange.api] : []))));
        let text = '';
        for (const { id, exchange } of batch) text += entryLine(presentExchange(String(id), exchange, judge));
        await this.handle.write(text);
        this.written += batch.length;
      } catch (error) {
        // The file is evidence: a batch that could not be written is said, not silently skipped.
        const failed = new JournalFileError(`${batch.length} exchange(s) could not be written to ${this.path}: ${(error as Error).message}`);
        this.onError(failed);
        throw failed;
      }
      // Let requests in between chunks.
      if (this.queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Writes what is queued and closes the file; exchanges added afterwards are ignored. Rejects when a write failed. */
  async close(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      await this.handle.close();
    }
  }
}
