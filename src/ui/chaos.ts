import type { ChaosAction, ChaosRule, ChaosRuleInput, ChaosView } from './api.js';
import { h, table } from './dom.js';

/** A rule's match in words: "livevox POST /session/login", or "every request". */
const describeMatch = (r: ChaosRule) => [r.api, r.method, r.path, r.operationId ? `op ${r.operationId}` : undefined].filter(Boolean).join(' ') || 'every request';

/** A chaos action in words (a rule's, or the one taken on a journaled request). */
export function describeAction(a: ChaosAction): string {
  switch (a.type) {
    case 'error':
      return a.status === 429 || a.status === 503 ? `${a.status} (Retry-After ${a.retryAfterSeconds ?? 1} s)` : String(a.status);
    case 'delay':
      return `delay ${a.ms} ms${a.jitterMs ? ` ±${a.jitterMs}` : ''}`;
    case 'drop':
      return 'drop the connection';
    case 'end-session':
      return 'end the session';
    default:
      // An action this console does not know yet (a newer server): shown as sent.
      return JSON.stringify(a);
  }
}

/** The chaos rules in force, each with a button that removes it, and the global latency if one is set. */
export function renderChaos(view: ChaosView, el: HTMLElement, remove: (id: string | null) => void): void {
  el.replaceChildren(
    view.latency ? h('p', { class: 'note' }, `Global latency (--latency): ${view.latency.minMs}–${view.latency.maxMs} ms on every API request.`) : '',
    table(
      ['id', 'matches', 'does', 'probability', 'left', 'fired', ''],
      view.rules.map((r) =>
        h(
          'tr',
          { 'data-rule': r.id },
          h('td', { class: 'mono' }, r.id),
          h('td', { class: 'mono' }, describeMatch(r)),
          h('td', null, describeAction(r.action)),
          h('td', { class: 'num' }, r.probability ?? 1),
          h('td', { class: 'num' }, r.remaining ?? '∞'),
          h('td', { class: 'num fired' }, r.fired),
          h('td', null, h('button', { type: 'button', onclick: () => remove(r.id) }, 'Remove')),
        ),
      ),
      'No chaos rule: every request is answered normally.',
    ),
    view.rules.length > 1 ? h('button', { type: 'button', onclick: () => remove(null) }, 'Remove all') : '',
  );
}

/** Shows only the fields of the chosen action. */
export function showActionFields(form: HTMLFormElement): void {
  const type = (form.elements.namedItem('type') as HTMLSelectElement).value;
  for (const label of form.querySelectorAll<HTMLElement>('[data-for]')) label.hidden = label.dataset.for !== type;
}

/** The form as a rule: empty fields are left out, so the server's defaults apply (and it judges what is invalid). */
export function ruleFromForm(form: HTMLFormElement): ChaosRuleInput {
  const data = new FormData(form);
  const text = (name: string) => {
    const v = String(data.get(name) ?? '').trim();
    return v === '' ? undefined : v;
  };
  const num = (name: string) => {
    const v = text(name);
    return v === undefined ? undefined : Number(v);
  };
  const type = text('type');
  let action: ChaosAction;
  if (type === 'delay') action = { type, ms: num('ms') ?? 0, ...(num('jitterMs') !== undefined ? { jitterMs: num('jitterMs')! } : {}) };
  else if (type === 'drop' || type === 'end-session') action = { type };
  else action = { type: 'error', status: num('status') ?? 503, ...(num('retryAfterSeconds') !== undefined ? { retryAfterSeconds: num('retryAfterSeconds')! } : {}) };
  const rule: ChaosRuleInput = { action };
  const api = text('api');
  if (api === 'livevox' || api === 'loudvoice') rule.api = api;
  for (const name of ['method', 'path', 'operationId'] as const) {
    const v = text(name);
    if (v !== undefined) rule[name] = v;
  }
  for (const name of ['probability', 'times', 'seed'] as const) {
    const v = num(name);
    if (v !== undefined) rule[name] = v;
  }
  return rule;
}
