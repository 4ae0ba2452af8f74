import type { Entry, Message, RequestsView, RuleView, Violation } from './api.js';
import { describeAction } from './chaos.js';
import { fmtTimeOfDay, h, prettyBody, table } from './dom.js';

/** What the journal panel needs from the rest of the console. */
export interface JournalHooks {
  select: (id: string) => void;
  /** The rule a violation names, looked up in the contracts (undefined for SCHEMA and other non-rule checks). */
  rule: (id: string) => { api: 'livevox' | 'loudvoice'; rule: RuleView } | undefined;
  showRule: (api: 'livevox' | 'loudvoice', id: string) => void;
}

const violationCount = (e: Entry) => (e.verdict ? e.verdict.request.length + e.verdict.response.length : 0);

/** Whether the exchange was judged at all: one no operation of a contract covers has nothing to conform to. */
const judged = (e: Entry) => e.verdict !== null && (e.operation !== null || !e.verdict.ok);

/** The status of an entry; 0 means no response was sent. */
const statusText = (e: Entry) => (e.response.status === 0 ? 'dropped' : String(e.response.status));

/** The verdict of an entry in a few characters: conforms, how many violations, or not judged. */
function verdictBadge(e: Entry): HTMLElement {
  if (!judged(e)) return h('span', { class: 'verdict none', title: e.verdict?.unchecked?.join('; ') || 'No contract operation to judge this exchange by' }, '—');
  if (e.verdict!.ok) return h('span', { class: 'verdict ok' }, '✓ conforms');
  const n = violationCount(e);
  return h('span', { class: 'verdict bad' }, `✗ ${n} violation${n === 1 ? '' : 's'}`);
}

/** The journal, newest first; a row opens the exchange. */
export function renderJournal(view: RequestsView, selected: string | null, el: HTMLElement, metaEl: HTMLElement, hooks: JournalHooks): void {
  const { total, capacity, dropped } = view.meta;
  metaEl.textContent = `${total} held of ${capacity}${dropped ? `, ${dropped} dropped` : ''}`;
  el.replaceChildren(
    table(
      ['time', 'api', 'method', 'path', 'status', 'ms', 'verdict'],
      view.requests.map((e) =>
        h(
          'tr',
          {
            class: `entry${e.id === selected ? ' selected' : ''}${e.response.status >= 400 || e.response.status === 0 ? ' failed' : ''}`,
            'data-id': e.id,
            tabindex: 0,
            onclick: () => hooks.select(e.id),
            onkeydown: (ev) => {
              if ((ev as KeyboardEvent).key === 'Enter') hooks.select(e.id);
            },
          },
          h('td', { class: 'mono' }, fmtTimeOfDay(e.serverTime)),
          h('td', null, e.api ?? '—'),
          h('td', null, e.request.method),
          h('td', { class: 'mono path' }, e.request.path + (e.request.query ? `?${e.request.query}` : '')),
          h('td', { class: 'status' }, statusText(e)),
          h('td', { class: 'num' }, Math.round(e.durationMs)),
          h('td', null, verdictBadge(e), e.chaos ? h('span', { class: 'badge chaos', title: `chaos rule ${e.chaos.ruleId}` }, describeAction(e.chaos.action)) : null),
        ),
      ),
      'No request yet. Requests to /__admin are not journaled.',
    ),
  );
}

const headerLines = (headers: Message['headers']) =>
  Object.entries(headers)
    .flatMap(([name, value]) => (Array.isArray(value) ? value.map((v) => `${name}: ${v}`) : [`${name}: ${value}`]))
    .join('\n');

function message(title: string, firstLine: string, m: Message): HTMLElement {
  return h(
    'div',
    { class: 'message' },
    h('h4', null, title),
    h('pre', { class: 'headers' }, `${firstLine}\n${headerLines(m.headers)}`),
    m.body ? h('pre', { class: 'body' }, prettyBody(m.body)) : h('p', { class: 'empty' }, 'no body'),
    m.bodyTruncated ? h('p', { class: 'note' }, 'Body cut at the journal’s cap.') : null,
  );
}

function violationRows(side: 'request' | 'response', list: Violation[], hooks: JournalHooks): HTMLTableRowElement[] {
  return list.map((v) => {
    const known = hooks.rule(v.rule);
    return h(
      'tr',
      { class: 'violation' },
      h('td', null, side),
      h(
        'td',
        null,
        known
          ? h('button', { type: 'button', class: 'link mono', title: 'Show the rule in the contract', onclick: () => hooks.showRule(known.api, v.rule) }, v.rule)
          : h('span', { class: 'mono' }, v.rule),
        known ? h('span', { class: `grade ${known.rule.grade}` }, known.rule.grade) : null,
        known ? h('p', { class: 'rule-text' }, known.rule.text) : null,
      ),
      h('td', { class: 'mono' }, v.where),
      h('td', null, v.message),
    );
  });
}

/** One exchange: request, response, the operation it matched and its contract verdict. */
export function renderDetail(e: Entry, el: HTMLElement, close: () => void, hooks: JournalHooks): void {
  const v = judged(e) ? e.verdict : null;
  const unchecked = e.verdict?.unchecked ?? [];
  const target = e.request.path + (e.request.query ? `?${e.request.query}` : '');
  el.hidden = false;
  el.replaceChildren(
    h(
      'div',
      { class: 'detail-head' },
      h('h3', null, `${e.request.method} ${target} → ${statusText(e)}`),
      h('button', { type: 'button', onclick: close, 'aria-label': 'Close' }, 'Close'),
    ),
    h(
      'p',
      { class: 'meta' },
      e.operation ? `${e.operation.operationId} (${e.operation.method} ${e.operation.path})` : 'no operation of the contract',
      ` · ${e.api ?? 'no API'} · server time ${e.serverTime} · wall time ${e.wallTime} · ${Math.round(e.durationMs)} ms`,
      e.chaos ? ` · chaos rule ${e.chaos.ruleId}: ${describeAction(e.chaos.action)}` : '',
    ),
    h('h4', null, 'Contract verdict'),
    !v
      ? h('p', { class: 'verdict none' }, 'Not judged: the exchange matched no operation of a contract.')
      : v.ok
        ? h('p', { class: 'verdict ok' }, '✓ Request and response conform to the contract.')
        : table(['side', 'rule', 'where', 'problem'], [...violationRows('request', v.request, hooks), ...violationRows('response', v.response, hooks)], ''),
    unchecked.length > 0 ? h('p', { class: 'note' }, `Not checked: ${unchecked.join('; ')}.`) : '',
    // What the client probably meant: the closest operations of the contract, as text (never HTML).
    e.nearMisses && e.nearMisses.length > 0
      ? h('div', { class: 'near-misses' }, h('h4', null, 'Did you mean'), table(['operation', 'what differs'], e.nearMisses.map((m) => h('tr', null, h('td', null, `${m.method} ${m.path} (${m.operationId})`), h('td', null, m.differences.join('; ')))), ''))
      : '',
    h('div', { class: 'exchange' }, message('Request', `${e.request.method} ${target}`, e.request), message('Response', statusText(e), e.response)),
  );
}
