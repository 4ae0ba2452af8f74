// Near misses (issue 22, item 3): the pure function that names the operations closest to a request none answers, and
// what differs. Rules checked, each our own assumption about what helps an integrator read a 404/405:
// - a version segment the contract does not serve names the nearest it does (LiveVox `/session/v7.0/login` ->
//   `/session/v6.0/login`; the served list is the contract's `version` enum, from LiveVox's own client L5);
// - a LoudVoice path without its `.json` suffix (every LoudVoice resource has one, O2) names the path with it;
// - a wrong method on a real path names the methods the path has; a typo names the segment;
// - nothing farther than two slips is offered, and the closest come first.
import { describe, expect, it } from 'vitest';
import { nearMisses, type NearMissCandidate } from '../../src/contract/near-miss.js';
import { operations as livevoxOperations } from '../../src/generated/livevox-session-catalogue.js';
import { operations as loudvoiceOperations } from '../../src/generated/loudvoice-catalogue.js';

const VERSIONS = ['v3.0', 'v3.1', 'v3.2', 'v3.3', 'v3.4', 'v3.5', 'v5.0', 'v6.0'];
const livevox: NearMissCandidate[] = livevoxOperations.map((op) => ({ operationId: op.operationId, method: op.method, template: op.path, pathEnums: { version: VERSIONS } }));
const loudvoice: NearMissCandidate[] = loudvoiceOperations.map((op) => ({ operationId: op.operationId, method: op.method, template: op.path }));

const TABLE: { name: string; method: string; path: string; candidates: NearMissCandidate[]; first: string; says: RegExp }[] = [
  { name: 'an unserved version names the nearest served one', method: 'POST', path: '/session/v7.0/login', candidates: livevox, first: 'POST /session/{version}/login', says: /version v7\.0 is not one the contract serves; the nearest is v6\.0 \(\/session\/v6\.0\/login\)/ },
  { name: 'an old version is nearest to the lowest', method: 'POST', path: '/session/v2.0/login', candidates: livevox, first: 'POST /session/{version}/login', says: /the nearest is v3\.0/ },
  { name: 'a LoudVoice path without .json', method: 'GET', path: '/loudvoice/authors', candidates: loudvoice, first: 'GET /loudvoice/authors.json', says: /missing \.json: the contract's segment is authors\.json, the request sent authors/ },
  { name: 'a token path without .json', method: 'GET', path: '/loudvoice/comments/8c1f0e8c-0000-4000-8000-000000000001', candidates: loudvoice, first: 'GET /loudvoice/comments/{comment_token}.json', says: /missing \.json/ },
  { name: 'a wrong method names the path’s own', method: 'PATCH', path: '/session/login', candidates: livevox, first: 'POST /session/login', says: /^method POST, not PATCH$/ },
  { name: 'a typo in a segment', method: 'POST', path: '/session/logon', candidates: livevox, first: 'POST /session/login', says: /login instead of logon/ },
  { name: 'letter case', method: 'POST', path: '/Session/login', candidates: livevox, first: 'POST /session/login', says: /letter case/ },
  { name: 'a missing segment', method: 'GET', path: '/session/validate', candidates: livevox, first: 'GET /session/validate/{sessionId}', says: /missing segment \{sessionId\}/ },
  { name: 'an extra segment', method: 'GET', path: '/session/details/now', candidates: livevox, first: 'GET /session/details', says: /extra segment now/ },
];

describe('nearMisses', () => {
  for (const row of TABLE) {
    it(`${row.name}: ${row.method} ${row.path}`, () => {
      const misses = nearMisses({ method: row.method, path: row.path }, row.candidates);
      expect(misses.length).toBeGreaterThan(0);
      expect(`${misses[0]!.method} ${misses[0]!.path}`).toBe(row.first);
      expect(misses[0]!.differences.join('\n')).toMatch(row.says);
      // Closest first, and never a match (distance 0) nor anything past two slips.
      const distances = misses.map((m) => m.distance);
      expect(distances).toEqual([...distances].sort((a, b) => a - b));
      for (const m of misses) expect(m.differences.length > 0 && m.distance <= 2, JSON.stringify(m)).toBe(true);
    });
  }

  it('offers nothing for a path far from every operation', () => {
    expect(nearMisses({ method: 'GET', path: '/wp-admin/install/setup/config.php' }, livevox)).toEqual([]);
  });

  it('never offers an exact match, and keeps to the limit', () => {
    expect(nearMisses({ method: 'POST', path: '/session/login' }, livevox).some((m) => m.path === '/session/login' && m.method === 'POST')).toBe(false);
    expect(nearMisses({ method: 'GET', path: '/loudvoice/authors' }, loudvoice, 2)).toHaveLength(2);
  });
});
