// The Redis snapshot's own writing (src/store/compact-json.ts, src/store/redis-snapshot.ts), without Redis. Checked:
// any JSON data comes back exactly (a property over arbitrary JSON, nulls and empty arrays included); a real server
// state (LiveVox sessions, changed passwords, LoudVoice authors, sessions, comments) comes back exactly and is smaller
// than the `--state` JSON layout; a snapshot in the earlier layout (format 1: the `--state` JSON object) still reads;
// the compact one is no JSON, so the earlier release fails loudly on it instead of loading an empty state; a snapshot
// of an unknown (newer) format is refused with the reason. Our own design rules (docs/fleet.md), not vendor rules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCompact, encodeCompact } from '../../src/store/compact-json.js';
import { readSnapshot, SNAPSHOT_HEADER, SnapshotFormatUnknown, writeSnapshot } from '../../src/store/redis-snapshot.js';
import { DEMO, LOUDVOICE_AUTH, testApp } from '../helpers/test-app.js';

/** What JSON itself keeps of a value: the standard a lossless writing is held to. */
const viaJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('compact JSON', () => {
  it('gives back exactly what JSON gives back, for any JSON data (fast-check, fixed seed 20: a failure prints the counterexample and reruns the same)', () => {
    // Records of one shape are what the compact writing changes: the arbitrary mixes them with everything else.
    const record = fc.record({ a: fc.option(fc.string()), b: fc.integer(), c: fc.boolean() });
    const json = fc.oneof(fc.jsonValue(), fc.array(record), fc.array(fc.oneof(record, fc.jsonValue())), fc.dictionary(fc.string(), fc.array(record)));
    fc.assert(
      fc.property(json, (value) => {
        expect(decodeCompact(encodeCompact(value))).toEqual(viaJson(value));
      }),
      { seed: 20, numRuns: 500 },
    );
  });

  it('keeps a record key named __proto__ as data, and a record with an undefined value as JSON would', () => {
    const tricky = JSON.parse('[{"__proto__":1,"x":2},{"__proto__":3,"x":4}]') as unknown;
    expect(decodeCompact(encodeCompact(tricky))).toEqual(tricky);
    expect(Object.getPrototypeOf((decodeCompact(encodeCompact(tricky)) as object[])[0])).toBe(Object.prototype);
    const withUndefined = [{ a: 1, b: undefined }, { a: 2, b: 3 }];
    expect(decodeCompact(encodeCompact(withUndefined))).toEqual(viaJson(withUndefined));
  });

  it('writes the keys of records of one shape once', () => {
    const rows = Array.from({ length: 3 }, (_, i) => ({ sessionId: `s${i}`, lastActivityAt: i }));
    expect(encodeCompact(rows)).toBe('[1,["sessionId","lastActivityAt"],"s0",0,"s1",1,"s2",2]');
    expect(encodeCompact([1, [], null])).toBe('[0,1,[0],null]');
  });

  it('refuses arrays it did not write', () => {
    expect(() => decodeCompact('[7,1]')).toThrow(/tag/);
    expect(() => decodeCompact('[1,["a","b"],1,2,3]')).toThrow(/rows of 2/);
  });
});

describe('the Redis snapshot text', () => {
  it('a real state comes back exactly, clock and expiry fields included, smaller than the --state layout', async () => {
    const { app } = await testApp();
    try {
      for (const token of [DEMO.token1, DEMO.token2]) {
        expect((await app.inject({ method: 'POST', url: '/session/login', headers: { 'lv-access': token }, payload: DEMO.user })).statusCode).toBe(200);
      }
      for (let i = 0; i < 20; i++) {
        const r = await app.inject({
          method: 'PUT',
          url: '/loudvoice/authors/sessions.json',
          headers: { authorization: LOUDVOICE_AUTH },
          payload: { request: { author_session: { author: { author_reference: `SNAP-${i}`, name: `Author ${i}`, ...(i % 2 ? { email: `a${i}@example.com` } : {}) }, session: { expires_in: 60 + i } } } },
        });
        expect(r.statusCode).toBe(201);
      }
      // A changed password too: the LiveVox records of the snapshot are not all of one shape (`previous` is optional).
      const changed = await app.inject({ method: 'POST', url: '/session/password', headers: { 'lv-access': DEMO.token1 }, payload: { ...DEMO.user, newPassword: 'Changed-Pass-9' } });
      expect(changed.statusCode).toBeLessThan(300);
      const saved = { seq: 42, time: 1_767_603_600_123, state: viaJson(app.state.snapshot()) };
      expect((saved.state as { livevox: { passwords: unknown[] } }).livevox.passwords).toHaveLength(1);
      expect((saved.state as { loudvoice: { sites: Record<string, { sessions: unknown[] }> } }).loudvoice.sites['demo']!.sessions.length).toBeGreaterThanOrEqual(20);
      const text = writeSnapshot(saved);
      expect(text.startsWith(SNAPSHOT_HEADER)).toBe(true);
      expect(readSnapshot(text)).toEqual(saved);
      expect(text.length).toBeLessThan(JSON.stringify(saved).length * 0.75);
    } finally {
      await app.close();
    }
  });

  it('reads a snapshot in the earlier layout (format 1, the --state JSON object): a store keeps its state across the upgrade', () => {
    const old = { seq: 7, time: 1000, state: { livevox: { passwords: [], sessions: [{ sessionId: 'x', lastActivityAt: 5 }] }, loudvoice: { sites: {} } } };
    expect(readSnapshot(JSON.stringify(old))).toEqual(old);
    expect(readSnapshot('')).toBeUndefined();
  });

  it('is no JSON, so the earlier release (which JSON.parses the snapshot) fails loudly instead of loading the fixtures alone', () => {
    expect(() => JSON.parse(writeSnapshot({ seq: 1, time: 2, state: {} }))).toThrow(SyntaxError);
  });

  it('refuses a snapshot of an unknown format with the reason', () => {
    expect(() => readSnapshot('session-kit snapshot 3\n[]')).toThrow(SnapshotFormatUnknown);
    expect(() => readSnapshot('session-kit snapshot 3\n[]')).toThrow(/format 3, written by a newer session-kit release/);
    expect(() => readSnapshot('garbage')).toThrow(/not one session-kit wrote/);
    expect(() => readSnapshot(`${SNAPSHOT_HEADER}{"seq":1}`)).toThrow(/no seq, time and state/);
  });
});
