// The contracts' links followed against the reference server, in process: for every link, an answer that carries it
// (from a fixed seed request on fresh state) is taken, the link's runtime expressions are evaluated on that real
// answer, and the request the link describes is sent. It must get a 2xx the target operation declares. What the link
// leaves open is filled as a stateful tester would: the target's documented example body and required parameters.
// The static checks (targets, parameters, pointers, coverage) are in links.test.ts.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantiate, loadLinkedContract, parameterKey, targetParameter, valuesIn, type Json, type LinkedContract, type LinkSite, type Operation } from '../helpers/openapi-links.js';
import { DEMO, LOUDVOICE_AUTH, testApp } from '../helpers/test-app.js';

interface Request {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** A request that answers with links: which operation it is, and how to send it. */
interface Seed {
  operationId: string;
  request: Request;
}

const json = { 'content-type': 'application/json' };
const loudvoice = { authorization: LOUDVOICE_AUTH, ...json };
const FIXTURE = {
  discussion: '4f1c2a7e-2b7d-4c57-9a63-7f0d2d9b1c10',
  author: '875b8930-eff8-4c2d-a594-3f4cc4ed4d0d',
  identity: 'd86196e7-969d-48ad-8fe1-63a1f074f9b0',
  comment: '9b2e6f1a-4c3d-4e8f-a1b2-c3d4e5f60718',
  reply: '0c9d8e7f-6a5b-4c3d-8e1f-2a3b4c5d6e7f',
};
const put = (url: string, body: unknown): Request => ({ method: 'PUT', url, headers: loudvoice, payload: JSON.stringify(body) });

/** Requests on the default fixtures whose answers carry every link with values (a reference, an identity, a parent). */
const SEEDS: Record<string, Seed[]> = {
  'openapi/livevox-session.yaml': [
    { operationId: 'login', request: { method: 'POST', url: '/session/login', headers: { 'lv-access': DEMO.token1, ...json }, payload: JSON.stringify(DEMO.user) } },
    { operationId: 'loginVersioned', request: { method: 'POST', url: '/session/v5.0/login', headers: { 'lv-access': DEMO.token1, ...json }, payload: JSON.stringify(DEMO.user) } },
  ],
  'openapi/loudvoice.yaml': [
    { operationId: 'getDiscussion', request: { method: 'GET', url: `/loudvoice/discussions/${FIXTURE.discussion}.json`, headers: loudvoice } },
    { operationId: 'getAuthor', request: { method: 'GET', url: `/loudvoice/authors/${FIXTURE.author}.json`, headers: loudvoice } },
    { operationId: 'createAuthor', request: { method: 'POST', url: '/loudvoice/authors.json', headers: loudvoice, payload: JSON.stringify({ request: { author: { identity_token: FIXTURE.identity } } }) } },
    { operationId: 'startAuthorSession', request: put('/loudvoice/authors/sessions.json', { request: { author_session: { author: { author_token: FIXTURE.author } } } }) },
    { operationId: 'startAuthorSession', request: put('/loudvoice/authors/sessions.json', { request: { author_session: { author: { identity_token: FIXTURE.identity } } } }) },
    { operationId: 'getComment', request: { method: 'GET', url: `/loudvoice/comments/${FIXTURE.comment}.json`, headers: loudvoice } },
    { operationId: 'getComment', request: { method: 'GET', url: `/loudvoice/comments/${FIXTURE.reply}.json`, headers: loudvoice } },
  ],
};

/** The first documented example of a parameter or a request body. */
function exampleOf(node: Json | undefined): unknown {
  if (!node) return undefined;
  if (node.example !== undefined) return node.example;
  const first = Object.values((node.examples ?? {}) as Json)[0] as Json | undefined;
  return first?.value ?? node.schema?.default ?? node.schema?.enum?.[0];
}

/** The request a link describes, evaluated on one real answer; what it leaves open comes from the contract's examples. */
function followRequest(target: Operation, link: Json, values: Map<string, unknown>, api: 'livevox' | 'loudvoice'): Request {
  const given = new Map<string, { in: string; name: string; value: string }>();
  for (const [key, value] of Object.entries((link.parameters ?? {}) as Json)) {
    const param = targetParameter(target, key)!;
    given.set(`${param.in}:${param.name.toLowerCase()}`, { in: param.in, name: param.name, value: String(instantiate(value, values)) });
  }
  const valueOf = (p: Json) => given.get(`${p.in}:${String(p.name).toLowerCase()}`)?.value ?? (p.required ? String(exampleOf(p)) : undefined);
  const url = target.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(valueOf(target.parameters.find((p) => p.in === 'path' && p.name === name)!)!));
  const query = target.parameters
    .filter((p) => p.in === 'query')
    .flatMap((p) => {
      const v = valueOf(p);
      return v === undefined ? [] : [`${encodeURIComponent(p.name)}=${encodeURIComponent(v)}`];
    });
  const headers: Record<string, string> = api === 'loudvoice' ? { ...loudvoice } : { ...json };
  for (const g of given.values()) if (g.in === 'header') headers[g.name] = g.value;
  const body = link.requestBody !== undefined ? instantiate(link.requestBody, values) : target.op.requestBody ? exampleOf(target.op.requestBody.content['application/json']) : undefined;
  return { method: target.method, url: query.length > 0 ? `${url}?${query.join('&')}` : url, headers, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) };
}

describe.each(Object.keys(SEEDS))('the links of %s, followed against the reference', (file) => {
  const api = file.includes('livevox') ? 'livevox' : 'loudvoice';
  let app: FastifyInstance;
  let contract: LinkedContract;
  beforeAll(async () => {
    ({ app } = await testApp());
    contract = await loadLinkedContract(file);
  });
  afterAll(() => app.close());

  const send = (r: Request) => app.inject({ method: r.method as 'GET', url: r.url, headers: r.headers, ...(r.payload === undefined ? {} : { payload: r.payload }) });
  const reset = async () => expect((await app.inject({ method: 'POST', url: '/__admin/reset', payload: {} })).statusCode).toBe(204);

  it('every link, followed from a real answer, gets a 2xx its target declares', async () => {
    // Which seed answers carry which link with every value present (values differ per seed: a guest has no author).
    await reset();
    const seedBodies: unknown[] = [];
    for (const seed of SEEDS[file]!) {
      const res = await send(seed.request);
      expect(res.statusCode, `seed ${seed.operationId} ${seed.request.url}`).toBeLessThan(300);
      seedBodies.push(res.json());
    }
    const names = [...new Set(contract.sites.map((s) => s.name))];
    const problems: string[] = [];
    let followed = 0;
    for (const name of names) {
      const candidates = SEEDS[file]!.flatMap((seed, i) => {
        const site = contract.sites.find((s: LinkSite) => s.name === name && s.source.id === seed.operationId);
        if (!site) return [];
        const values = valuesIn(site.link, seedBodies[i]);
        return [...values.values()].every((v) => v !== undefined && v !== null) ? [{ seed, site }] : [];
      });
      if (candidates.length === 0) {
        problems.push(`${name}: no seed answer carries it with values, so it was never followed`);
        continue;
      }
      const { seed, site } = candidates[0]!;
      // Each link on fresh state, so a delete or an update followed before cannot decide this one's answer.
      await reset();
      const source = await send(seed.request);
      const values = valuesIn(site.link, source.json());
      const target = contract.operations.get(site.link.operationId)!;
      const request = followRequest(target, site.link, values, api);
      const res = await send(request);
      followed++;
      const declared = Object.keys(target.op.responses as Json).filter((s) => s.startsWith('2'));
      if (!declared.includes(String(res.statusCode))) problems.push(`${name} (${seed.operationId} -> ${target.id}): ${request.method} ${request.url} answered ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    expect(problems).toEqual([]);
    expect(followed).toBe(names.length);
  });

  it('a followed link passes on the value of the answer it came from', async () => {
    await reset();
    const seed = SEEDS[file]![0]!;
    const body = (await send(seed.request)).json();
    const site = contract.sites.find((s) => s.source.id === seed.operationId && Object.keys(s.link.parameters ?? {}).some((k) => parameterKey(k).in === 'header' || targetParameter(contract.operations.get(s.link.operationId)!, k)?.in === 'path'))!;
    const request = followRequest(contract.operations.get(site.link.operationId)!, site.link, valuesIn(site.link, body), api);
    const token = api === 'livevox' ? body.sessionId : body.response.result.data.discussion.discussion_token;
    expect(`${request.url} ${JSON.stringify(request.headers)}`).toContain(token);
  });
});
