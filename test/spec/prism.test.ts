// Prism reads the contracts as they are: `prism mock` starts on each and answers a documented request with the
// documented example of that operation's response.
import SwaggerParser from '@apidevtools/swagger-parser';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO, LOUDVOICE_AUTH } from '../helpers/test-app.js';

const root = resolve(import.meta.dirname, '../..');
const prismBin = resolve(root, 'node_modules/.bin/prism');
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGTERM')));

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });

async function startPrism(contract: string): Promise<string> {
  const port = await freePort();
  const child = spawn(prismBin, ['mock', '-h', '127.0.0.1', '-p', String(port), contract], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`prism did not start:\n${out}`)), 40_000);
    const check = () => {
      if (/Prism is listening/.test(out)) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => fail(new Error(`prism exited ${code}:\n${out}`)));
  });
  return `http://127.0.0.1:${port}`;
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
