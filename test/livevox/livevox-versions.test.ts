// Version segments on every LiveVox path (LVX-VERSION-SEGMENT, LVX-CALLCENTERS-VERSIONED): LiveVox's own Java client
// (L5, RestServiceLvAbstract.getURI) puts its one configured version, v5.0 by default, into every path, the
// Configuration API included, and falls back to the unversioned path. So the Configuration read answers on every
// form the session paths answer on, an unknown segment is an unknown route in LiveVox's shape, and the paths the
// server serves are exactly the contract's.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LIVEVOX_VERSIONS } from '../../src/http/livevox/livevox-routes.js';
import { DEMO, testApp } from '../helpers/test-app.js';

let app: FastifyInstance;
beforeEach(async () => ({ app } = await testApp({ api: 'livevox' })));
afterEach(() => app.close());

async function loginAs(creds: object = DEMO.user): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/session/login', headers: { 'lv-access': DEMO.token1, 'content-type': 'application/json' }, payload: JSON.stringify(creds) });
  expect(res.statusCode).toBe(200);
  return res.json().sessionId;
}

const get = (url: string, sessionId?: string) => app.inject({ method: 'GET', url, headers: sessionId === undefined ? {} : { 'lv-session': sessionId } });

describe('the Configuration read under every version segment', () => {
  it('GET /configuration/v5.0/callCenters (L5 default) answers like GET /configuration/callCenters, for every version', async () => {
    const sessionId = await loginAs();
    const plain = await get('/configuration/callCenters', sessionId);
    expect(plain.statusCode).toBe(200);
    expect(plain.json().callCenter).toHaveLength(2);
    for (const version of LIVEVOX_VERSIONS) {
      const res = await get(`/configuration/${version}/callCenters`, sessionId);
      expect(res.statusCode, version).toBe(200);
      expect(res.json(), version).toEqual(plain.json());
    }
  });

  it("takes L5's own query (client, offset, count) and keeps the version segment in the next page's URL", async () => {
    const sessionId = await loginAs();
    // LvCallCenterRestServiceImpl.java sends client, offset and count; client is not a parameter here, so it is ignored.
    const all = await get('/configuration/v5.0/callCenters?client=1001&offset=0&count=1000', sessionId);
    expect(all.statusCode).toBe(200);
    expect(all.json().callCenter.map((c: { callCenterId: number }) => c.callCenterId)).toEqual([3001, 3002]);
    expect((await get('/configuration/v5.0/callCenters?count=1', sessionId)).json().next).toBe('/configuration/v5.0/callCenters?offset=1&count=1');
    expect((await get('/configuration/callCenters?count=1', sessionId)).json().next).toBe('/configuration/callCenters?offset=1&count=1');
    const next = await get('/configuration/v3.2/callCenters?offset=1&count=1', sessionId);
    expect(next.json()).toEqual({ callCenter: [{ callCenterId: 3002, name: 'Demo Call Center West' }], next: null });
  });

  it('applies the same checks on every form: 401 without a session, 403 for an agent, 400 for a bad count', async () => {
    const agent = await loginAs(DEMO.agent);
    const user = await loginAs();
    for (const path of ['/configuration/callCenters', '/configuration/v5.0/callCenters', '/configuration/v6.0/callCenters']) {
      expect((await get(path)).json(), path).toEqual({ code: 10004, message: 'LV-Session header is missing' });
      expect((await get(path, agent)).statusCode, path).toBe(403);
      const bad = await get(`${path}?count=0`, user);
      expect([bad.statusCode, bad.json().code], path).toEqual([400, 10012]);
    }
  });

  it.each(['v9.9', 'v7.0', 'V5.0', '5.0', 'v5', 'session'])('refuses the unknown version segment %s as an unknown route, in LiveVox shape, before the session check', async (version) => {
    const sessionId = await loginAs();
    for (const headers of [{}, { 'lv-session': sessionId }]) {
      const res = await app.inject({ method: 'GET', url: `/configuration/${version}/callCenters`, headers });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toEqual({ code: 10013, message: 'Resource not found' });
    }
  });
});

describe('the served LiveVox paths are the contract paths', () => {
  type PathItem = Record<string, unknown>;
  const contract = parse(readFileSync(new URL('../../openapi/livevox-session.yaml', import.meta.url), 'utf8')) as { paths: Record<string, PathItem> };
  const HTTP = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
  /** `/session/{version}/login` as fastify writes it: `/session/:version/login`. */
  const asRoute = (template: string) => template.replace(/\{([^}]+)\}/g, ':$1');
  const contractMethods = new Map(Object.entries(contract.paths).map(([template, item]) => [asRoute(template), HTTP.filter((m) => m in item).map((m) => m.toUpperCase()).sort()]));

  it('serves every contract path and no other LiveVox path', async () => {
    await app.ready();
    // printRoutes without a common prefix lists a route per line, "├── /session/login (POST, GET, …)", but a route
    // that extends another is nested under it ("│   └── /:id"): each line's depth says which parent it extends.
    const served: string[] = [];
    const parents: string[] = [];
    for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
      const m = /^(.*?)[├└]── (\/\S*) \(/.exec(line);
      if (!m) continue;
      const depth = m[1]!.length / 4;
      parents[depth] = (depth > 0 ? parents[depth - 1]! : '') + m[2]!;
      served.push(parents[depth]!);
    }
    served.splice(0, served.length, ...served.filter((url) => !url.startsWith('/__')));
    expect(served.length).toBeGreaterThan(0);
    expect([...served].sort()).toEqual([...contractMethods.keys()].sort());
    expect(served).toContain('/configuration/:version/callCenters');
    expect(served).toContain('/configuration/callCenters');
  });

  it("answers each path's contract methods and only those (the 405's Allow header, HEAD going with GET)", async () => {
    for (const [route, methods] of contractMethods) {
      const url = route.replace(':version', 'v5.0').replace(/:[A-Za-z]+/g, 'x');
      const other = ['PATCH', 'PUT', 'POST', 'DELETE', 'GET'].find((m) => !methods.includes(m))!;
      const res = await app.inject({ method: other as 'PATCH', url });
      expect(res.statusCode, `${other} ${url}`).toBe(405);
      const allowed = String(res.headers.allow).split(/,\s*/).filter((m) => m !== 'HEAD' || !methods.includes('GET'));
      expect(allowed.sort(), url).toEqual(methods);
    }
  });
});
