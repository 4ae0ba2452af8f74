// The author-session expiry heap against a naive model: whatever the pushes, updates and removals, the heap hands
// out the soonest expiry first and forgets removed items, which is what lets expire() cost O(expired · log n).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpiryHeap, type HeapItem } from '../../src/core/loudvoice/expiry-heap.js';

describe('ExpiryHeap', () => {
  it('always peeks the smallest expiresAt of the items it holds', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), at: fc.nat(1000) }),
      fc.record({ kind: fc.constant('update' as const), index: fc.nat(), at: fc.nat(1000) }),
      fc.record({ kind: fc.constant('remove' as const), index: fc.nat() }),
      fc.record({ kind: fc.constant('pop' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const heap = new ExpiryHeap<HeapItem>();
        const model = new Set<HeapItem>();
        for (const o of ops) {
          const items = [...model];
          if (o.kind === 'push') {
            const item = { expiresAt: o.at, heapIndex: -1 };
            heap.push(item);
            model.add(item);
          } else if (o.kind === 'update' && items.length > 0) {
            const item = items[o.index % items.length]!;
            item.expiresAt = o.at;
            heap.update(item);
          } else if (o.kind === 'remove' && items.length > 0) {
            const item = items[o.index % items.length]!;
            heap.remove(item);
            model.delete(item);
          } else if (o.kind === 'pop') {
            const top = heap.peek();
            if (top) {
              heap.remove(top);
              model.delete(top);
            }
          }
          expect(heap.size).toBe(model.size);
          const min = Math.min(...[...model].map((i) => i.expiresAt));
          expect(heap.peek()?.expiresAt ?? Infinity).toBe(min);
        }
      }),
      { seed: 4, numRuns: 200 },
    );
  });
});
