/** Something that can sit in an ExpiryHeap: the heap keeps its own position in `heapIndex` (-1 when outside). */
export interface HeapItem {
  expiresAt: number;
  heapIndex: number;
}

/**
 * A binary min-heap on `expiresAt` that knows where each item sits, so a refreshed or deleted session is moved or
 * removed in O(log n) instead of leaving a stale entry behind. Sessions carry different `expires_in`, so creation or
 * activity order is not expiry order; the heap is what lets `expire()` cost O(expired · log n), never a scan.
 */
export class ExpiryHeap<T extends HeapItem> {
  private readonly items: T[] = [];

  /** How many items the heap holds. */
  get size(): number {
    return this.items.length;
  }

  /** The item that expires first, if any. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds an item that is not in the heap yet. */
  push(item: T): void {
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.up(item.heapIndex);
  }

  /** Restores the order after the item's `expiresAt` changed. */
  update(item: T): void {
    if (item.heapIndex < 0) return this.push(item);
    this.up(item.heapIndex);
    this.down(item.heapIndex);
  }

  /** Takes an item out of the heap, wherever it sits. */
  remove(item: T): void {
    const i = item.heapIndex;
    if (i < 0 || this.items[i] !== item) return;
    const last = this.items.pop()!;
    item.heapIndex = -1;
    if (last === item) return;
    this.items[i] = last;
    last.heapIndex = i;
    this.up(i);
    this.down(i);
  }

  private up(i: number): void {
    const items = this.items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]!.expiresAt <= items[i]!.expiresAt) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const items = this.items;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && items[left]!.expiresAt < items[smallest]!.expiresAt) smallest = left;
      if (right < items.length && items[right]!.expiresAt < items[smallest]!.expiresAt) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private swap(a: number, b: number): void {
    const items = this.items;
    const x = items[a]!;
    const y = items[b]!;
    items[a] = y;
    items[b] = x;
    x.heapIndex = b;
    y.heapIndex = a;
  }
}
