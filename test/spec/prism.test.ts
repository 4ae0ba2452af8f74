// Prism reads the contracts as they are: `prism mock` starts on each and answers a documented request with the
// documented example of that operation's response.
import SwaggerParser from '@apidevtools/swagger-parser';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPrismMock } from '../../src/certify/prism-proxy.js';
import { DEMO, LOUDVOICE_AUTH } from '../helpers/test-app.js';

const root = resolve(import.meta.dirname, '../..');
const stops: (() => void)[] = [];
afterAll(() => stops.forEach((stop) => stop()));

async function startPrism(contract: string): Promise<string> {
  const prism = await startPrismMock(resolve(root, contract));
  stops.push(prism.stop);
  return prism.url;
}

/** The first example of a response in the contract: what Prism serves by default. */
async function documentedExample(contract: string, path: string, method: string, status: string): Promise<unknown> {
  const api = (await SwaggerParser.dereference(resolve(root, contract))) as any;
  const examples = api.paths[path][method].responses[status].content['application/json'].examples;
  return Object.values<{ value: unknown }>(examples)[0]!.value;
}

describe.each([
  {
    contract: 'openapi/livevox-session.yaml',
    path: '/session/login',
    method: 'post',
    status: '200',
    request: { method: 'POST', headers: { 'LV-Access': DEMO.token1, 'Content-Type': 'application/json' }, body: JSON.stringify(DEMO.user) },
  },
  {
    contract: 'openapi/loudvoice.yaml',
    path: '/loudvoice/authors.json',
    method: 'get',
    status: '200',
    request: { method: 'GET', headers: { Authorization: LOUDVOICE_AUTH } },
  },
] as { contract: string; path: string; method: string; status: string; request: RequestInit }[])('prism mock $contract', ({ contract, path, method, status, request }) => {
  it(`answers ${method.toUpperCase()} ${path} with the documented ${status} example`, async () => {
    const base = await startPrism(contract);
    const res = await fetch(base + path, request);
    expect(res.status).toBe(Number(status));
    expect(await res.json()).toEqual(await documentedExample(contract, path, method, status));
  }, 60_000);
});
