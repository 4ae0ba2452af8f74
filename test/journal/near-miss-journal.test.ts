// Near misses in the journal and its gate (issue 22, item 3). Rules checked (our own assumptions, see
// src/contract/near-miss.ts): a request no operation answers carries, in its journal entry, the contract's closest
// operations with what differs; an answered request carries none; `journal check` prints them under the failure.
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src/journal/entry.js';
import { gate, textSummary } from '../../src/journal/gate.js';
import { DEMO, LOUDVOICE_AUTH, appsClosedAfterEach } from '../helpers/test-app.js';

const open = appsClosedAfterEach();

describe('near misses in the journal', () => {
  it('names the nearest served version, the missing .json and the right method; none on a request that matched', async () => {
    const { app } = await open();
    const sent = [
      await app.inject({ method: 'POST', url: '/session/v7.0/login', headers: { 'lv-access': DEMO.token1 }, payload: DEMO.user }),
      await app.inject({ method: 'GET', url: '/loudvoice/authors', headers: { authorization: LOUDVOICE_AUTH } }),
      await app.inject({ method: 'PATCH', url: '/session/login', headers: { 'lv-access': DEMO.token1 }, payload: DEMO.user }),
      await app.inject({ method: 'POST', url: '/session/v6.0/login', headers: { 'lv-access': DEMO.token1 }, payload: DEMO.user }),
    ];
    expect(sent.map((r) => r.statusCode)).toEqual([404, 404, 405, 200]);
    const { requests } = (await app.inject({ method: 'GET', url: '/__admin/requests' })).json() as { requests: JournalEntry[] };
    const [ok, patch, authors, v7] = requests;
    expect(v7!.nearMisses?.[0]).toMatchObject({ method: 'POST', path: '/session/{version}/login' });
    expect(v7!.nearMisses![0]!.differences.join(' ')).toContain('the nearest is v6.0 (/session/v6.0/login)');
    expect(authors!.nearMisses?.[0]).toMatchObject({ method: 'GET', path: '/loudvoice/authors.json', operationId: 'listAuthors' });
    expect(authors!.nearMisses![0]!.differences.join(' ')).toMatch(/missing \.json/);
    expect(patch!.nearMisses?.[0]).toMatchObject({ method: 'POST', path: '/session/login', differences: ['method POST, not PATCH'] });
    expect(ok!.nearMisses).toBeUndefined();

    const text = textSummary(gate(requests, {}, []), { source: 'test', options: '', checkedAt: '', warnings: [] });
    expect(text).toMatch(/FAIL #1 POST \/session\/v7\.0\/login -> 404[^\n]*\n(?: {5}[^\n]*\n)*? {5}near miss: POST \/session\/\{version\}\/login \(loginVersioned\): version v7\.0 is not one the contract serves; the nearest is v6\.0/);
    expect(text).toMatch(/near miss: GET \/loudvoice\/authors\.json \(listAuthors\): missing \.json/);
  });
});
