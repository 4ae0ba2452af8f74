// HAR 1.2's required fields and their types, as the spec lists them (http://www.softwareishard.com/blog/har-12-spec/),
// written from the spec rather than from our writer, so a field the writer forgets fails here.
import { expect } from 'vitest';

const isInt = (v: unknown) => Number.isInteger(v);
const pairs = (v: unknown, where: string) => {
  expect(Array.isArray(v), `${where} is an array`).toBe(true);
  for (const p of v as { name: unknown; value: unknown }[]) {
    expect(typeof p.name, `${where}[].name`).toBe('string');
    expect(typeof p.value, `${where}[].value`).toBe('string');
  }
};

/** Fails the test unless `har` has every field HAR 1.2 requires, with the right types. */
export function assertHar12(har: any): void {
  expect(har.log.version).toBe('1.2');
  expect(typeof har.log.creator.name).toBe('string');
  expect(typeof har.log.creator.version).toBe('string');
  expect(Array.isArray(har.log.entries)).toBe(true);
  for (const [i, e] of (har.log.entries as any[]).entries()) {
    const at = `entries[${i}]`;
    expect(Number.isNaN(Date.parse(e.startedDateTime)) || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(e.startedDateTime), `${at}.startedDateTime is ISO 8601`).toBe(false);
    expect(typeof e.time === 'number' && e.time >= 0, `${at}.time`).toBe(true);
    const q = e.request;
    expect(typeof q.method, `${at}.request.method`).toBe('string');
    expect(() => new URL(q.url), `${at}.request.url is absolute`).not.toThrow();
    expect(typeof q.httpVersion).toBe('string');
    pairs(q.cookies, `${at}.request.cookies`);
    pairs(q.headers, `${at}.request.headers`);
    pairs(q.queryString, `${at}.request.queryString`);
    expect(isInt(q.headersSize) && isInt(q.bodySize), `${at}.request sizes`).toBe(true);
    if (q.postData !== undefined) {
      expect(typeof q.postData.mimeType).toBe('string');
      expect(typeof q.postData.text === 'string' || Array.isArray(q.postData.params), `${at}.request.postData has text or params`).toBe(true);
    }
    const r = e.response;
    expect(isInt(r.status), `${at}.response.status`).toBe(true);
    expect(typeof r.statusText).toBe('string');
    expect(typeof r.httpVersion).toBe('string');
    pairs(r.cookies, `${at}.response.cookies`);
    pairs(r.headers, `${at}.response.headers`);
    expect(isInt(r.content.size), `${at}.response.content.size`).toBe(true);
    expect(typeof r.content.mimeType).toBe('string');
    if (r.content.text !== undefined) expect(typeof r.content.text).toBe('string');
    expect(typeof r.redirectURL).toBe('string');
    expect(isInt(r.headersSize) && isInt(r.bodySize), `${at}.response sizes`).toBe(true);
    expect(typeof e.cache, `${at}.cache`).toBe('object');
    for (const phase of ['send', 'wait', 'receive']) expect(typeof e.timings[phase] === 'number' && e.timings[phase] >= 0, `${at}.timings.${phase} (required, >= 0)`).toBe(true);
    for (const phase of ['blocked', 'dns', 'connect', 'ssl']) if (e.timings[phase] !== undefined) expect(e.timings[phase] === -1 || e.timings[phase] >= 0).toBe(true);
    for (const key of Object.keys(e)) expect(['startedDateTime', 'time', 'request', 'response', 'cache', 'timings', 'serverIPAddress', 'connection', 'comment', 'pageref'].includes(key) || key.startsWith('_'), `${at}.${key}: custom fields start with _`).toBe(true);
  }
}
