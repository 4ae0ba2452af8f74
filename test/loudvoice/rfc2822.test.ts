// RFC 2822 dates as LoudVoice writes them, including across the cache of recent seconds (same second, next second, earlier, colliding slots).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rfc2822 } from '../../src/http/loudvoice/rfc2822.js';

const reference = (ms: number) => {
  const d = new Date(Math.floor(ms / 1000) * 1000);
  const [day, date, month, year, time] = d.toUTCString().replace(',', '').split(' ');
  return `${day}, ${date} ${month} ${year} ${time} +0000`;
};

describe('rfc2822', () => {
  it('formats the seed example instant', () => {
    expect(rfc2822(Date.parse('2018-03-26T15:35:43.999Z'))).toBe('Mon, 26 Mar 2018 15:35:43 +0000');
  });

  it('agrees with the platform formatter for any sequence of instants', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4_102_444_800_000 }), { minLength: 1, maxLength: 20 }), (times) => {
        // +16 s lands in the same cache slot as t: a stale slot must never answer for another second.
        for (const t of [...times, ...times.map((x) => x + 1), ...times.map((x) => x + 16_000), ...times]) expect(rfc2822(t)).toBe(reference(t));
      }),
    );
  });
});
