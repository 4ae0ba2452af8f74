// Every method on every path of both contracts (issue 12, item 3).
//
// Rules checked, and where they come from:
// - a path the contract defines, called with any method Node's HTTP parser accepts that the path does not define
//   (extension methods such as TRACE, QUERY, PROPFIND, LINK and CONNECT included), answers 405 with an Allow header
//   listing exactly the methods the contract defines there (HEAD with GET), in the API's own error shape:
//   LVX-METHOD-NOT-ALLOWED (observed 405, assumed code 10014), LDV-METHOD-NOT-ALLOWED (assumed); RFC 9110 15.5.6;
// - LoudVoice credentials still come first (LDV-ERROR-PRECEDENCE, assumed), and the method is refused before a body
//   is read (405 before 413);
// - on a real socket, CONNECT (which Node hands to a separate listener) gets the same 405, and a method Node's parser
//   refuses gets Node's own 400 and a closed connection, never a crash: the server keeps serving.
//
// The paths and their methods are read from the contracts, so a new path is covered without an edit here; each 405
// body validates against the contract's components.responses.MethodNotAllowed.
import SwaggerParser from '@apidevtools/swagger-parser';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { METHODS } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errors as livevoxErrors } from '../../src/generated/livevox-session-catalogue.js';
import { contractAjv } from '../helpers/contract-schemas.js';
import { DEMO, LOUDVOICE_AUTH, testApp } from '../helpers/test-app.js';
import { CONTRACTS, loadOperations, type OperationSpec } from './operations.js';
import { errorShapeProblems, shapeOfPath } from './oracle.js';
import { exchange, listen, rawRequest } from './raw-http.js';

/** A concrete path for a path template, from the example of each path parameter. */
function concrete(template: string, operations: OperationSpec[]): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const spec = operations.flatMap((o) => o.parameters).find((p) => p.in === 'path' && p.name === name);
    return encodeURIComponent(String(spec?.example ?? spec?.schema.enum?.[0] ?? 'x'));
  });
}

describe('405 with Allow for every method a path does not define', () => {
  let app: FastifyInstance;
  let paths: { api: 'livevox' | 'loudvoice'; template: string; path: string; defined: Set<string> }[];
  /** Each contract's components.responses.MethodNotAllowed body schema. */
  const declared = new Map<string, ValidateFunction>();

  beforeAll(async () => {
    ({ app } = await testApp());
    const ajv = contractAjv();
    for (const { api, file } of CONTRACTS) {
      const doc = (await SwaggerParser.dereference(file)) as unknown as { components: { responses: Record<string, { headers?: Record<string, { required?: boolean }>; content: Record<string, { schema: object }> }> } };
      const response = doc.components.responses['MethodNotAllowed']!;
      expect(response.headers?.['Allow']?.required).toBe(true);
      declared.set(api, ajv.compile(response.content['application/json']!.schema));
    }
    const operations = await loadOperations();
    const byTemplate = new Map<string, (typeof paths)[number]>();
    for (const op of operations) {
      const entry = byTemplate.get(op.template) ?? { api: op.api, template: op.template, path: concrete(op.template, operations), defined: new Set<string>() };
      entry.defined.add(op.method);
      // HEAD is served wherever GET is (RFC 9110 9.3.2).
      if (op.method === 'GET') entry.defined.add('HEAD');
      byTemplate.set(op.template, entry);
    }
    paths = [...byTemplate.values()];
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers every other method Node accepts with 405, the contract’s methods in Allow, in the API’s shape', async () => {
    let refused = 0;
    for (const { api, path, defined } of paths) {
      const headers = api === 'loudvoice' ? { authorization: LOUDVOICE_AUTH } : {};
      for (const method of METHODS.filter((m) => !defined.has(m))) {
        const res = await app.inject({ method: method as 'GET', url: path, headers });
        const where = `${method} ${path} -> ${res.statusCode} ${res.body.slice(0, 200)}`;
        expect(res.statusCode, where).toBe(405);
        expect(new Set(String(res.headers['allow']).split(', ')), where).toEqual(defined);
        // HEAD has no body (RFC 9110 section 9.3.2), not even on a 405.
        if (method === 'HEAD') expect(res.body, where).toBe('');
        else {
          const json = res.json();
          expect(errorShapeProblems(shapeOfPath(path), 405, json), where).toEqual([]);
          expect(declared.get(api)!(json), `${where}: not the contract's MethodNotAllowed`).toBe(true);
          if (api === 'livevox') expect(json.code, where).toBe(livevoxErrors.METHOD_NOT_ALLOWED.code);
          else expect(json.response.request.status.info, where).toContain(`[${method}]`);
        }
        refused++;
      }
    }
    // 28 paths, most defining one or two of Node's 34 methods: a regression to fastify's seven shows at once.
    expect(refused).toBeGreaterThan(paths.length * 30);
  });

  it('answers an unknown LiveVox version segment as an unknown route whatever the method (LVX-VERSION-SEGMENT)', async () => {
    for (const method of ['GET', 'TRACE', 'QUERY', 'DELETE'] as const) {
      const res = await app.inject({ method: method as 'GET', url: '/session/v9.9/login' });
      expect([res.statusCode, res.json().code, res.headers['allow']], method).toEqual([404, 10013, undefined]);
    }
    const known = await app.inject({ method: 'TRACE' as 'GET', url: '/session/v6.0/login' });
    expect([known.statusCode, known.headers['allow']]).toEqual([405, 'POST']);
  });

  it('answers a method no route uses on an unknown path as an unknown route in the API\'s shape (a body too large: 413)', async () => {
    for (const method of ['PROPFIND', 'LOCK', 'TRACE', 'MKCOL']) {
      const lv = await app.inject({ method: method as 'GET', url: '/session/nope', headers: { 'content-type': 'application/json' }, payload: '{not json' });
      expect([lv.statusCode, lv.json().code, lv.headers['allow']], method).toEqual([404, livevoxErrors.ROUTE_NOT_FOUND.code, undefined]);
      const ldv = await app.inject({ method: method as 'GET', url: '/loudvoice/nope.json?x=1', headers: { authorization: LOUDVOICE_AUTH } });
      expect([ldv.statusCode, ldv.json().response.request.status.code, ldv.headers['allow']], method).toEqual([404, 404, undefined]);
      const admin = await app.inject({ method: method as 'GET', url: '/__admin/nope' });
      expect([admin.statusCode, admin.json().code], method).toEqual([404, 'ROUTE_NOT_FOUND']);
    }
    // A defined path with its parameters, a query and a trailing slash (not the same path in fastify's router).
    const param = await app.inject({ method: 'PROPFIND' as 'GET', url: '/loudvoice/authors/abc.json?limit=2', headers: { authorization: LOUDVOICE_AUTH } });
    expect([param.statusCode, param.headers['allow']]).toEqual([405, 'GET, HEAD, PUT, DELETE']);
    const slash = await app.inject({ method: 'PROPFIND' as 'GET', url: '/session/login/' });
    expect(slash.statusCode).toBe(404);
    // Those methods are one catch-all route each, not one route per path and method (start-up time, issue 20).
    expect([app.hasRoute({ method: 'PROPFIND', url: '/session/login' }), app.hasRoute({ method: 'PROPFIND', url: '/*' })]).toEqual([false, true]);
    // As for any method on an unknown path, the body is read first: one over the limit is 413.
    for (const method of ['POST', 'PROPFIND']) {
      const huge = await app.inject({ method: method as 'GET', url: '/session/nope', headers: { 'content-type': 'application/json' }, payload: 'x'.repeat(2 * 1024 * 1024) });
      expect([huge.statusCode, huge.json().code], method).toEqual([413, livevoxErrors.PAYLOAD_TOO_LARGE.code]);
    }
  });

  it('checks LoudVoice credentials before the method, and refuses the method before reading the body', async () => {
    const noCredentials = await app.inject({ method: 'TRACE' as 'GET', url: '/loudvoice/authors.json' });
    expect(noCredentials.statusCode).toBe(401);
    const huge = await app.inject({
      method: 'QUERY' as 'GET',
      url: '/loudvoice/authors.json',
      headers: { authorization: LOUDVOICE_AUTH, 'content-type': 'application/json' },
      payload: 'x'.repeat(2 * 1024 * 1024),
    });
    expect(huge.statusCode).toBe(405);
    const hugeLiveVox = await app.inject({ method: 'PUT', url: '/session/login', headers: { 'content-type': 'application/json' }, payload: 'x'.repeat(2 * 1024 * 1024) });
    expect([hugeLiveVox.statusCode, hugeLiveVox.json().code]).toEqual([405, 10014]);
  });
});

describe('methods on a real socket', () => {
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    ({ app } = await testApp());
    port = await listen(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  const servesBoth = async () => {
    const ping = await exchange(port, [rawRequest('GET', '/tools/ping.json', { Authorization: LOUDVOICE_AUTH })]);
    const login = await exchange(port, [rawRequest('POST', '/session/login', { 'LV-Access': DEMO.token1, 'Content-Type': 'application/json' }, JSON.stringify(DEMO.user))]);
    return [ping.status, login.status];
  };

  it('answers CONNECT (Node’s separate connect event) and TRACE with 405 and Allow, then closes', async () => {
    for (const method of ['CONNECT', 'TRACE', 'QUERY']) {
      const lv = await exchange(port, [rawRequest(method, '/session/login')]);
      expect([lv.status, lv.headers['allow'], JSON.parse(lv.body).code, lv.ended], method).toEqual([405, 'POST', 10014, 'closed']);
      const ldv = await exchange(port, [rawRequest(method, '/tools/ping.json', { Authorization: LOUDVOICE_AUTH })]);
      expect([ldv.status, ldv.headers['allow'], ldv.ended], method).toEqual([405, 'GET, HEAD', 'closed']);
    }
    // CONNECT in its usual authority form names no path of ours: an unknown route.
    const authority = await exchange(port, ['CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n']);
    expect([authority.status, JSON.parse(authority.body).code, authority.ended]).toEqual([404, 10013, 'closed']);
    expect(await servesBoth()).toEqual([200, 200]);
  });

  it('leaves a method Node’s parser refuses to Node: 400 and a closed connection, and keeps serving', async () => {
    for (const method of ['FOO', 'get', 'BREW', 'PRI']) {
      const answer = await exchange(port, [rawRequest(method, '/session/login')]);
      expect(answer.ended, method).toBe('closed');
      expect(answer.status, method).toBe(400);
    }
    expect(await servesBoth()).toEqual([200, 200]);
  });
});
