// A few DOM helpers. The console only ever sets text (textContent, attributes), never HTML: the journal shows
// whatever clients sent, and none of it may run as markup.

/** What `h` accepts as children: nodes, text, nothing, or lists of these. */
export type Child = Node | string | number | null | undefined | false | Child[];

/** Attributes, with `on…` functions as event handlers and booleans as present/absent attributes. */
export type Props = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

/** Builds an element with attributes, handlers and children (text children become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/** The element with this id; a missing one is a bug in index.html, so it throws. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no #${id}`);
  return el as T;
}

/** A server-clock instant, readable and unambiguous: "2026-01-05 09:00:00Z". */
export const fmtInstant = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');

/** The time of day of an ISO instant with milliseconds, for journal rows: "09:00:00.123". */
export const fmtTimeOfDay = (iso: string): string => iso.slice(11, 23);

/** A duration as h:mm:ss (or m:ss under an hour), rounded down to the second. */
export function fmtLeft(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  const pad = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** The last 4 characters of a secret (a session id or token), the only part the console ever shows. */
export const lastFour = (secret: string): string => `…${secret.slice(-4)}`;

/** A body pretty-printed when it is JSON, as it came otherwise. */
export function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** A table with a header row; `empty` is shown instead when there are no rows. */
export function table(headers: string[], rows: HTMLTableRowElement[], empty: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h('table', null, h('thead', null, h('tr', null, headers.map((t) => h('th', null, t)))), h('tbody', null, rows));
}
