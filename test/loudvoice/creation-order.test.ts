// CreationOrder pages like an array in creation order with removals applied, whatever the mix of adds and removes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CreationOrder, pageableArray } from '../../src/core/loudvoice/creation-order.js';

describe('CreationOrder', () => {
  it('slices exactly like the model array, from both ends', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 30 })), { maxLength: 200 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 12 }),
        (ops, start, count) => {
          const items = Array.from({ length: 31 }, (_, id) => ({ id }));
          const order = new CreationOrder<{ id: number }>();
          const model: { id: number }[] = [];
          for (const [add, id] of ops) {
            const item = items[id]!;
            if (add) {
              order.add(item);
              if (!model.includes(item)) model.push(item);
            } else {
              order.remove(item);
              const at = model.indexOf(item);
              if (at >= 0) model.splice(at, 1);
            }
          }
          expect(order.size).toBe(model.length);
          expect(order.values()).toEqual(model);
          expect(order.slice('asc', start, count)).toEqual(model.slice(start, start + count));
          expect(order.slice('desc', start, count)).toEqual([...model].reverse().slice(start, start + count));
          expect(pageableArray(model).slice('desc', start, count)).toEqual([...model].reverse().slice(start, start + count));
        },
      ),
      { numRuns: 300 },
    );
  });
});
