// The journal gate's decisions and reports (src/journal/gate.ts, har.ts, ndjson.ts) on real entries of an in-process
// mock: a violation fails its exchange, an allowance (by rule, operation, method, path) passes it and an unused one
// is warned about; what the journal could not judge (a status injected by chaos, a body answered before it was read)
// never counts; the filters; the reports' escaping (JUnit XML, Markdown cells, GitHub workflow commands); the
// journal file's lines; HAR 1.2's required fields.
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src/journal/entry.js';
import { gate, GateInputError, githubAnnotations, junitXml, markdownSummary, parseAllowFile, parseAllowFlag, parseSince, textSummary } from '../../src/journal/gate.js';
import { toHar } from '../../src/journal/har.js';
import { entryLine, parseJournalLines } from '../../src/journal/ndjson.js';
import { DEMO, LOUDVOICE_AUTH, appsClosedAfterEach } from '../helpers/test-app.js';
import { assertHar12 } from '../helpers/har.js';

const open = appsClosedAfterEach();
const context = { source: 'target http://127.0.0.1:4010', options: '', checkedAt: '2026-01-05T09:00:00.000Z', warnings: [] };
const json = { 'content-type': 'application/json' };

/** An app that saw: a good login, a login without userName, a LoudVoice PUT whose body is not wrapped, a chaos 503. */
async function journalOfAClientRun(): Promise<JournalEntry[]> {
  const { app } = await open();
  await app.inject({ method: 'POST', url: '/session/login', headers: { ...json, 'lv-access': DEMO.token1 }, payload: JSON.stringify(DEMO.user) });
  await app.inject({ method: 'POST', url: '/session/login', headers: { ...json, 'lv-access': DEMO.token1 }, payload: JSON.stringify({ clientName: 'DEMO', password: DEMO.user.password }) });
  await app.inject({ method: 'PUT', url: '/loudvoice/authors/sessions.json', headers: { ...json, authorization: LOUDVOICE_AUTH }, payload: '{"author_session":{}}' });
  const rule = await app.inject({ method: 'POST', url: '/__admin/chaos', headers: json, payload: JSON.stringify({ operationId: 'login', action: { type: 'error', status: 503 }, times: 1 }) });
  expect(rule.statusCode, rule.body).toBe(201);
  // Answered 503 by chaos before its body was read: the status is the integrator's, the body unknown.
  await app.inject({ method: 'POST', url: '/session/login', headers: { ...json, 'lv-access': DEMO.token1 }, payload: JSON.stringify(DEMO.user) });
  const res = await app.inject({ method: 'GET', url: '/__admin/requests' });
  return (res.json() as { requests: JournalEntry[] }).requests;
}

describe('the gate', () => {
  it('fails exactly the exchanges that broke a contract, naming the rules; chaos-injected and unread parts are not violations', async () => {
    const entries = await journalOfAClientRun();
    const result = gate(entries, {}, []);
    expect(result.exchanges.map((x) => x.label)).toEqual([
      '#1 POST /session/login -> 200 (login)',
      '#2 POST /session/login -> 400 (login)',
      '#3 PUT /loudvoice/authors/sessions.json -> 400 (startAuthorSession)',
      '#4 POST /session/login -> 503 (login)',
    ]);
    expect(result.failed).toBe(2);
    expect(result.exchanges[1]!.failures.map((v) => `${v.side} ${v.rule} ${v.where}`)).toEqual(['request LVX-LOGIN-BODY-INVALID body/userName']);
    expect(result.exchanges[2]!.failures.map((v) => v.rule)).toContain('LDV-BODY-WRAPPED-REQUEST');
    expect(result.exchanges[3]!.failures).toEqual([]);
    expect(result.unchecked.map((u) => u.reason).join('\n')).toMatch(/injected by a chaos rule/);
    const text = textSummary(result, context);
    expect(text).toMatch(/^FAIL #2 POST \/session\/login -> 400 \(login\)\n {5}request LVX-LOGIN-BODY-INVALID at body\/userName: userName is required$/m);
    expect(text).toMatch(/partly judged: 1 exchange\(s\): response status: 503 was injected by a chaos rule, .*\(not counted as violations\)/);
    expect(text).toMatch(/DOES NOT CONFORM: 2 of 4 exchange\(s\) broke the contract$/);
  });

  it('an allowance passes the violations it matches (rule, operation, method, path), and one that matched nothing is warned about', async () => {
    const entries = await journalOfAClientRun();
    const loginOnly = gate(entries, {}, [parseAllowFlag('LVX-LOGIN-BODY-INVALID@login')]);
    expect(loginOnly.failed).toBe(1);
    expect(loginOnly.exchanges[1]!.allowed.map((a) => a.violation.rule)).toEqual(['LVX-LOGIN-BODY-INVALID']);
    const file = parseAllowFile(
      JSON.stringify([
        { rule: 'LVX-LOGIN-BODY-INVALID', method: 'post', path: '/session/login', reason: 'test_login_without_user_name' },
        { rule: 'LDV-BODY-WRAPPED-REQUEST', operationId: 'startAuthorSession' },
        { rule: 'LVX-LOGIN-BODY-INVALID', path: '/session/sso' },
      ]),
      'allow.json',
    );
    const all = gate(entries, {}, file);
    expect(all.failed, textSummary(all, context)).toBe(0);
    expect(all.unusedAllowances.map((a) => a.from)).toEqual(['allow.json[2]']);
    const text = textSummary(all, context);
    expect(text).toMatch(/#2 POST \/session\/login -> 400 \(login\): LVX-LOGIN-BODY-INVALID at body\/userName \(test_login_without_user_name\)/);
    expect(text).toMatch(/warning: allow.json\[2\] allowed LVX-LOGIN-BODY-INVALID, but no exchange broke it/);
    expect(text).toMatch(/^CONFORMS: 4 exchange\(s\) judged/m);
    // An allowance for another operation does not pass this one.
    expect(gate(entries, {}, [parseAllowFlag('LVX-LOGIN-BODY-INVALID@ssoLogin')]).failed).toBe(2);
  });

  it('filters by API, by arrival time and by journal id', async () => {
    const entries = await journalOfAClientRun();
    expect(gate(entries, { api: 'loudvoice' }, []).exchanges.map((x) => x.entry.id)).toEqual(['3']);
    expect(gate(entries, parseSince('2'), []).exchanges.map((x) => x.entry.id)).toEqual(['3', '4']);
    expect(gate(entries, parseSince(new Date(Date.now() + 60_000).toISOString()), []).exchanges).toEqual([]);
    expect(gate(entries, parseSince('2020-01-01T00:00:00Z'), []).exchanges).toHaveLength(4);
  });

  it('refuses bad allowances and --since values with one clear message', () => {
    expect(() => parseAllowFlag('LVX-NO-SUCH-RULE')).toThrow(/no contract has the rule LVX-NO-SUCH-RULE/);
    expect(() => parseAllowFlag('LVX-LOGIN-BODY-INVALID@')).toThrow(GateInputError);
    expect(() => parseAllowFile('{"rule":"SCHEMA"}', 'a.json')).toThrow(/must hold a JSON array/);
    expect(() => parseAllowFile('[{"rule":"SCHEMA","operation":"login"}]', 'a.json')).toThrow(/a.json \[0\]: unknown field "operation"/);
    expect(() => parseAllowFile('[{"operationId":"login"}]', 'a.json')).toThrow(/rule is required/);
    expect(() => parseAllowFile('[{"rule":"SCHEMA","path":"session"}]', 'a.json')).toThrow(/path must be a path prefix/);
    expect(() => parseAllowFile('[', 'a.json')).toThrow(/a.json is not JSON/);
    expect(() => parseSince('yesterday')).toThrow(/--since takes an ISO-8601 date-time .* or a journal entry id/);
  });
});

describe('the reports', () => {
  /** An entry whose texts hold what each report format must escape. */
  function hostile(): JournalEntry {
    return {
      id: '9',
      serverTime: '2026-01-05T09:00:00.000Z',
      wallTime: '2026-01-05T09:00:00.000Z',
      durationMs: 1.5,
      api: 'livevox',
      operation: { operationId: 'login', method: 'POST', path: '/session/login' },
      request: { method: 'POST', path: '/session/a|b<c>&"d"', query: 'x=1,2:3%41', headers: {}, body: null, bodyTruncated: false },
      response: { status: 400, headers: {}, body: null, bodyTruncated: false },
      verdict: { request: [{ rule: 'LVX-LOGIN-BODY-INVALID', where: 'body/a|b', message: 'line one\nline two 100% \u0001 ]]> `code`' }], response: [], ok: false, unchecked: [] },
      chaos: null,
    } as JournalEntry;
  }

  it('JUnit XML escapes markup and drops characters XML cannot hold; counts match', () => {
    const xml = junitXml(gate([hostile()], {}, []), context);
    expect(xml).toContain('name="#9 POST /session/a|b&lt;c&gt;&amp;&quot;d&quot;?x=1,2:3%41 -&gt; 400 (login)"');
    expect(xml).not.toMatch(/[\u0001]/);
    expect(xml).toContain(']]&gt;');
    expect(xml).toMatch(/<testsuites [^>]*tests="1" failures="1" errors="0" skipped="0"/);
    expect(xml).toMatch(/<failure message="LVX-LOGIN-BODY-INVALID: line one\nline two 100% \uFFFD \]\]&gt; `code`" type="LVX-LOGIN-BODY-INVALID">/);
  });

  it('Markdown keeps each finding in its table row', () => {
    const md = markdownSummary(gate([hostile()], {}, []), context);
    const row = md.split('\n').find((l) => l.startsWith('| #9'))!;
    expect(row).toBe('| #9 POST /session/a\\|b<c>&"d"?x=1,2:3%41 -> 400 (login) | request | LVX-LOGIN-BODY-INVALID | body/a\\|b | line one line two 100% \u0001 ]]> \\`code\\` |');
  });

  it('GitHub annotations escape the workflow command (%, line breaks; : and , in the title)', () => {
    const [line, ...rest] = githubAnnotations(gate([hostile()], {}, []));
    expect(rest).toEqual([]);
    expect(line).toBe(
      '::error title=LVX-LOGIN-BODY-INVALID (journal #9)::#9 POST /session/a|b<c>&"d"?x=1,2:3%2541 -> 400 (login)%0Arequest LVX-LOGIN-BODY-INVALID at body/a|b: line one%0Aline two 100%25 \u0001 ]]> `code`',
    );
    const titled = githubAnnotations(gate([{ ...hostile(), verdict: { ...hostile().verdict, request: [{ rule: 'SCHEMA', where: 'w', message: 'm' }, { rule: 'LVX-LOGIN-BODY-INVALID', where: 'w', message: 'm' }] } }], {}, []));
    expect(titled[0]).toMatch(/^::error title=SCHEMA LVX-LOGIN-BODY-INVALID \(journal #9\)::/);
    expect(githubAnnotations(gate([hostile()], {}, [parseAllowFlag('LVX-LOGIN-BODY-INVALID')]))).toEqual([]);
  });
});

describe('the journal file and HAR', () => {
  it('a line per entry reads back as the same entries; a cut last line is a warning, any other bad line an error', async () => {
    const entries = await journalOfAClientRun();
    const text = entries.map(entryLine).join('');
    expect(parseJournalLines(text, 'j.ndjson')).toEqual({ entries, warnings: [] });
    const cut = parseJournalLines(text + text.split('\n')[0]!.slice(0, 40), 'j.ndjson');
    expect(cut.entries).toHaveLength(entries.length);
    expect(cut.warnings).toEqual([expect.stringMatching(/last line is cut short/)]);
    expect(() => parseJournalLines(`{"id":1}\n${text}`, 'j.ndjson')).toThrow(/j.ndjson line 1 is not a journal entry/);
    expect(() => parseJournalLines(`nope\n${text}`, 'j.ndjson')).toThrow(/j.ndjson line 1 is not JSON/);
  });

  it('HAR 1.2 has every required field, oldest first, URLs from the Host header, and the verdict alongside', async () => {
    const entries = await journalOfAClientRun();
    const har = toHar(entries, { name: 'session-kit', version: '0.0.0' }, 'http://127.0.0.1:4010');
    assertHar12(har);
    expect(har.log.entries.map((e) => `${e.request.method} ${e.request.url} ${e.response.status}`)).toEqual([
      'POST http://localhost:80/session/login 200',
      'POST http://localhost:80/session/login 400',
      'PUT http://localhost:80/loudvoice/authors/sessions.json 400',
      'POST http://localhost:80/session/login 503',
    ]);
    expect(har.log.entries[1]!._sessionKit.verdict.request[0]!.rule).toBe('LVX-LOGIN-BODY-INVALID');
    expect(har.log.entries[1]!.request.postData).toEqual({ mimeType: 'application/json', text: '{"clientName":"DEMO","password":"…"}' });
  });
});
