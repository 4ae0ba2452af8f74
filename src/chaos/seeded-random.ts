/** A pseudo-random source that a seed fixes: the same seed always gives the same sequence. */
export interface SeededRandom {
  /** The next number of the sequence, in [0, 1). */
  next(): number;
}

/**
 * mulberry32 (Tommy Ettinger, public domain): 32 bits of state, fast, and good enough to decide faults. Not for
 * secrets. Chaos never uses Math.random(), so a run with the same rules and the same requests repeats exactly.
 */
export function seededRandom(seed: number): SeededRandom {
  // A safe integer beyond 32 bits folds its high bits in, so seeds 1 and 2**32 + 1 differ.
  let state = (seed ^ Math.floor(seed / 2 ** 32)) >>> 0;
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    },
  };
}
