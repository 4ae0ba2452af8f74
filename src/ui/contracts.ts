import type { ContractView, ContractsView } from './api.js';
import { h, table } from './dom.js';

/** The DOM id of a rule's row, so a violation can point at it. */
export const ruleRowId = (id: string) => `rule-${id}`;

const scroll = (content: HTMLElement) => h('div', { class: 'scroll' }, content);

const matches = (filter: string, ...fields: (string | null)[]) => filter === '' || fields.some((f) => f?.toLowerCase().includes(filter));

/**
 * One contract in readable form: its operations, then its rules with their provenance (grade and source), then
 * the sources the rules cite. `filter` keeps what mentions it (case-insensitive).
 */
export function renderContract(view: ContractView, filter: string, el: HTMLElement): void {
  const f = filter.trim().toLowerCase();
  const rulesPerOperation = new Map<string, number>();
  for (const r of view.rules) if (r.operation) rulesPerOperation.set(r.operation, (rulesPerOperation.get(r.operation) ?? 0) + 1);
  const operations = view.operations.filter((o) => matches(f, o.method, o.path, o.operationId, o.summary));
  const rules = view.rules.filter((r) => matches(f, r.id, r.text, r.source, r.operation, r.grade));
  el.replaceChildren(
    h('p', { class: 'meta' }, `${view.title ?? 'contract'} · version ${view.version ?? '?'} · ${view.operations.length} operations · ${view.rules.length} rules`),
    h('h3', null, `Operations (${operations.length})`),
    scroll(
      table(
        ['method', 'path', 'operationId', 'summary', 'rules'],
        operations.map((o) =>
          h(
            'tr',
            null,
            h('td', { class: `method ${o.method.toLowerCase()}` }, o.method),
            h('td', { class: 'mono' }, o.path),
            h('td', { class: 'mono' }, o.operationId),
            h('td', null, o.summary ?? ''),
            h('td', { class: 'num' }, rulesPerOperation.get(`${o.method} ${o.path}`) ?? 0),
          ),
        ),
        'No operation matches.',
      ),
    ),
    h('h3', null, `Rules (${rules.length})`),
    scroll(
      table(
        ['rule', 'grade', 'what it says', 'applies to', 'source'],
        rules.map((r) =>
          h(
            'tr',
            { id: ruleRowId(r.id) },
            h('td', { class: 'mono' }, r.id),
            h('td', null, h('span', { class: `grade ${r.grade}` }, r.grade)),
            h('td', { class: 'rule-text' }, r.text),
            h('td', { class: 'mono' }, r.operation ?? 'every operation'),
            h('td', { class: 'source' }, r.source),
          ),
        ),
        'No rule matches.',
      ),
    ),
    h(
      'details',
      null,
      h('summary', null, `Sources (${view.sources.length})`),
      h(
        'ul',
        { class: 'sources' },
        view.sources.map((s) =>
          h(
            'li',
            null,
            h('span', { class: 'mono' }, s.id),
            ' ',
            h('span', { class: `grade ${s.grade}` }, s.grade),
            ` ${s.citation}`,
            // A link the user may follow; the console itself never fetches it.
            s.url ? [' ', h('a', { href: s.url, rel: 'noreferrer noopener', target: '_blank' }, s.url)] : null,
          ),
        ),
      ),
    ),
  );
}

/** Every rule id of both contracts, with the API it belongs to. */
export function ruleIndex(view: ContractsView): Map<string, { api: 'livevox' | 'loudvoice'; rule: ContractView['rules'][number] }> {
  const index = new Map<string, { api: 'livevox' | 'loudvoice'; rule: ContractView['rules'][number] }>();
  for (const api of ['livevox', 'loudvoice'] as const) for (const rule of view[api].rules) index.set(rule.id, { api, rule });
  return index;
}
