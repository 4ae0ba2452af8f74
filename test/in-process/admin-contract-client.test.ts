// A client of the admin API written from its contract alone (issue 22, item 2): it reads openapi/admin.yaml as the
// server serves it (GET /__admin/openapi.yaml), finds each call by operationId, takes its method, path, parameters
// (the X-Session-Kit header of bodiless state changes included), request media type and example bodies from the
// contract, and checks every answer against the responses the contract declares (status and schema). Nothing of
// session-kit's code is used but to start a server: if the contract stopped describing the server, this client
// would break as a third party's would. It drives the clock, reset and the journal (filters and paging with `before`).
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startMock, type Mock } from '../../src/admin/http/start-mock.js';

type Operation = { operationId: string; parameters?: Param[]; requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> }; responses: Record<string, { content?: Record<string, { schema?: object }> }> };
type Param = { name: string; in: 'path' | 'query' | 'header'; schema: { const?: string } };

/** The contract-driven client: every call by operationId, every answer checked against the contract. */
async function contractClient(base: string) {
  const served = await fetch(`${base}/__admin/openapi.yaml`);
  expect(served.headers.get('content-type')).toMatch(/^application\/yaml/);
  const doc = (await SwaggerParser.dereference(parse(await served.text()))) as unknown as { paths: Record<string, Record<string, Operation>> };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const find = (operationId: string) => {
    for (const [template, item] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(item)) if (op.operationId === operationId) return { template, method: method.toUpperCase(), op };
    throw new Error(`the contract has no operation ${operationId}`);
  };
  return {
    /** An example body of an operation, by its name in the contract. */
    example: (operationId: string, name: string) => Object.values(find(operationId).op.requestBody!.content)[0]!.examples![name]!.value,
    async call(operationId: string, args: { path?: Record<string, string>; query?: Record<string, string>; body?: unknown } = {}) {
      const { template, method, op } = find(operationId);
      const headers: Record<string, string> = {};
      for (const p of op.parameters ?? []) if (p.in === 'header' && p.schema.const !== undefined && args.body === undefined) headers[p.name] = p.schema.const;
      if (args.body !== undefined) headers['content-type'] = Object.keys(op.requestBody!.content)[0]!;
      const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(args.path![name]!));
      const query = new URLSearchParams(args.query ?? {}).toString();
      const res = await fetch(`${base}${path}${query ? `?${query}` : ''}`, { method, headers, ...(args.body !== undefined ? { body: JSON.stringify(args.body) } : {}) });
      const text = await res.text();
      const declared = op.responses[String(res.status)];
      if (!declared) throw new Error(`${operationId}: ${res.status} is not declared by the contract: ${text}`);
      const schema = declared.content?.['application/json']?.schema;
      const body = schema ? JSON.parse(text) : text;
      if (schema && !ajv.validate(schema, body)) throw new Error(`${operationId}: the ${res.status} body breaks the contract: ${ajv.errorsText()}`);
      return { status: res.status, body };
    },
  };
}

describe('an admin client written from openapi/admin.yaml alone', () => {
  let mock: Mock;
  let client: Awaited<ReturnType<typeof contractClient>>;
  beforeAll(async () => {
    mock = await startMock({ clock: 'fixed', clockStart: '2026-01-05T09:00:00Z' });
    client = await contractClient(mock.url);
  });
  afterAll(() => mock?.close());

  it('moves the clock with the contract’s own examples, and a move back is the declared 409', async () => {
    const before = (await client.call('getClock')).body;
    const advanced = await client.call('changeClock', { body: client.example('changeClock', 'advance') });
    expect(advanced.status).toBe(200);
    expect(advanced.body.epochMs - before.epochMs).toBe((client.example('changeClock', 'advance') as { advanceMs: number }).advanceMs);
    expect((await client.call('changeClock', { body: client.example('changeClock', 'freeze') })).body.mode).toBe('fixed');
    // The 'set' example is 11:00 on 5 January: reached from 09:00 by the 2-hour advance, passed by a second one.
    expect((await client.call('changeClock', { body: client.example('changeClock', 'set') })).status).toBe(200);
    await client.call('changeClock', { body: client.example('changeClock', 'advance') });
    const back = await client.call('changeClock', { body: client.example('changeClock', 'set') });
    expect([back.status, back.body.code]).toEqual([409, 'CLOCK_BACKWARDS']);
  });

  it('resets with the header the contract names, and reads and pages the journal, then clears it', async () => {
    expect((await client.call('reset')).status).toBe(204);
    for (let i = 0; i < 3; i++) await fetch(`${mock.livevoxUrl}/session/validate/00000000-0000-4000-8000-00000000000${i}`);
    const newest = await client.call('listRequests', { query: { limit: '1', api: 'livevox' } });
    expect(newest.body.requests).toHaveLength(1);
    const next = await client.call('listRequests', { query: { limit: '5', before: newest.body.requests[0].id } });
    expect(next.body.requests.map((e: { id: string }) => Number(e.id))).toEqual([Number(newest.body.requests[0].id) - 1, Number(newest.body.requests[0].id) - 2]);
    const one = await client.call('getRequest', { path: { id: newest.body.requests[0].id } });
    expect(one.body.response.status).toBe(404);
    expect((await client.call('listRequests', { query: { status: '999' } })).body.code).toBe('JOURNAL_FILTER_INVALID');
    expect((await client.call('clearRequests')).status).toBe(204);
    expect((await client.call('listRequests')).body.meta.total).toBe(0);
    expect((await client.call('getRequest', { path: { id: '1' } })).status).toBe(404);
  });
});
