/** Something a list can be paged from: how many items, and a run of them from either end. */
export interface Pageable<T> {
  readonly size: number;
  /** `count` items starting `start` items from the front (`asc`) or from the back (`desc`). */
  slice(direction: 'asc' | 'desc', start: number, count: number): T[];
}

/**
 * Items in the order they were added (creation order, which is date_creation order since the clock never goes back),
 * paged in O(start + count) from either end. Removals leave holes that are compacted once they outnumber the
 * items, so a page never walks more holes than items and removal stays O(1) amortised.
 */
export class CreationOrder<T extends object> implements Pageable<T> {
  private items: (T | undefined)[] = [];
  private readonly position = new Map<T, number>();
  private holes = 0;

  get size(): number {
    return this.position.size;
  }

  /** Appends an item (a no-op for one already present). */
  add(item: T): void {
    if (this.position.has(item)) return;
    this.position.set(item, this.items.length);
    this.items.push(item);
  }

  /** Removes an item (a no-op for one not present). */
  remove(item: T): void {
    const at = this.position.get(item);
    if (at === undefined) return;
    this.position.delete(item);
    this.items[at] = undefined;
    if (++this.holes > this.position.size) this.compact();
  }

  slice(direction: 'asc' | 'desc', start: number, count: number): T[] {
    const out: T[] = [];
    if (count <= 0 || start >= this.size) return out;
    let skipped = 0;
    const n = this.items.length;
    for (let k = 0; k < n && out.length < count; k++) {
      const item = this.items[direction === 'asc' ? k : n - 1 - k];
      if (item === undefined) continue;
      if (skipped < start) skipped++;
      else out.push(item);
    }
    return out;
  }

  /** Every item, in creation order. */
  values(): T[] {
    return this.items.filter((i): i is T => i !== undefined);
  }

  private compact(): void {
    this.items = this.values();
    this.items.forEach((item, i) => this.position.set(item!, i));
    this.holes = 0;
  }
}

/** An array as a Pageable (for short, already filtered lists). */
export function pageableArray<T>(items: readonly T[]): Pageable<T> {
  return {
    size: items.length,
    slice: (direction, start, count) => {
      if (count <= 0 || start >= items.length) return [];
      if (direction === 'asc') return items.slice(start, start + count);
      return items.slice(Math.max(0, items.length - start - count), items.length - start).reverse();
    },
  };
}
