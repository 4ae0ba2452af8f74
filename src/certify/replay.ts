// Replays the exchanges a recorded failure names against a target, in their order (admin calls included, so a moved
// clock or a reset is rebuilt), and pairs each recorded answer with the new one. A bundle holds no credential: each
// marker is filled from the replaying target (`«secret:PLACE»` from the same place of its target file,
// `«from:ID:POINTER»` from the new answer of that earlier exchange), and ids the target handed out in the recorded run
// (session ids, tokens in paths and bodies) are swapped for the ones it hands out now.
import type { HarEntry } from './har.js';
import { secretPlaces } from './exchange-record.js';
import { apiBaseUrl, type Target } from './target.js';

/** One answer: status, the headers a reader looks at, and the body. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One replayed exchange: what was sent now, the recorded answer and the new one (or why none came). */
export interface ReplayStep {
  id: string;
  method: string;
  path: string;
  note?: string;
  recorded: Answer;
  now: Answer | { error: string };
  /** Markers that the replaying target could not fill (sent as "redacted"). */
  unfilled: string[];
}

/** Response headers shown side by side: the ones the rules read. */
export const KEY_HEADERS = ['content-type', 'allow', 'www-authenticate', 'location', 'retry-after'];

// Headers fetch sets itself (or refuses to be given).
const SKIPPED_REQUEST_HEADERS = new Set(['content-length', 'host', 'connection', 'transfer-encoding', 'keep-alive']);

const MARKER = /«(secret|basic|from):([^»]*)»|«redacted(?:…[^»]*)?»/g;

const pointerGet = (json: unknown, pointer: string): unknown => {
  let node = json;
  for (const part of pointer.split('/').slice(1).map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
};

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Pairs of string values at the same place of two JSON documents that differ: an id the target handed out anew. */
function changedValues(before: unknown, after: unknown, out: Map<string, string>): void {
  if (typeof before === 'string' && typeof after === 'string') {
    if (before !== after && before.length >= 8) out.set(before, after);
  } else if (Array.isArray(before) && Array.isArray(after)) before.forEach((b, i) => changedValues(b, after[i], out));
  else if (before && after && typeof before === 'object' && typeof after === 'object') {
    for (const [k, v] of Object.entries(before)) changedValues(v, (after as Record<string, unknown>)[k], out);
  }
}

const originOf = (url: string) => /^https?:\/\/[^/]+/.exec(url)?.[0] ?? '';

const keyHeaders = (headers: { name: string; value: string }[] | Headers): Record<string, string> => {
  const list = headers instanceof Headers ? [...headers].map(([name, value]) => ({ name, value })) : headers;
  return Object.fromEntries(list.filter((h) => KEY_HEADERS.includes(h.name.toLowerCase())).map((h) => [h.name.toLowerCase(), h.value]));
};

/** Replays `entries` in order against `target`; never throws for an HTTP answer, a broken connection is a step's error. */
export async function replayEntries(entries: readonly HarEntry[], target: Target, send: typeof fetch = fetch): Promise<ReplayStep[]> {
  const places = secretPlaces(target);
  const answers = new Map<string, unknown>(); // new answers' JSON, by recorded exchange id
  const recordedById = new Map(entries.map((e) => [e._id, parse(e.response.content.text)]));
  const renamed = new Map<string, string>(); // recorded id value -> the one handed out now
  const steps: ReplayStep[] = [];
  const apiOfOrigin = new Map<string, 'livevox' | 'loudvoice'>();
  for (const e of entries) if (e._api === 'livevox' || e._api === 'loudvoice') apiOfOrigin.set(originOf(e.request.url), e._api);
  for (const entry of entries) {
    const unfilled: string[] = [];
    const fill = (text: string): string => {
      let out = text;
      // Longest first, so an id that contains another is swapped whole.
      for (const [before, after] of [...renamed].sort((a, b) => b[0].length - a[0].length)) out = out.split(before).join(after);
      return out.replace(MARKER, (marker, kind: string | undefined, arg: string | undefined) => {
        const missing = () => {
          unfilled.push(marker);
          return 'redacted';
        };
        if (kind === 'secret') return places.find((p) => p.place === arg)?.value ?? missing();
        if (kind === 'basic') {
          const [a = '?', b = '?'] = arg!.split(':');
          const value = (place: string) => places.find((p) => p.place === place)?.value ?? 'redacted';
          return Buffer.from(`${value(a)}:${value(b)}`).toString('base64');
        }
        if (kind === 'from') {
          const colon = arg!.indexOf(':');
          const id = arg!.slice(0, colon);
          const pointer = arg!.slice(colon + 1);
          const found = answers.has(id) ? pointerGet(answers.get(id), pointer) : pointerGet(recordedById.get(id), pointer);
          return typeof found === 'string' ? found : missing();
        }
        // A value the kit made up to be wrong (an unknown token): any wrong value does.
        return 'redacted';
      });
    };
    const path = entry.request.url.replace(/^https?:\/\/[^/]+/, '');
    // Each API may live on its own deployment: an admin or runner call goes where that origin's API calls went.
    const api = entry._api === 'livevox' || entry._api === 'loudvoice' ? entry._api : apiOfOrigin.get(originOf(entry.request.url));
    const url = (api ? apiBaseUrl(target, api) : target.baseUrl) + fill(path);
    const headers: [string, string][] = entry.request.headers.filter((h) => !SKIPPED_REQUEST_HEADERS.has(h.name.toLowerCase())).map((h) => [h.name, fill(h.value)]);
    const body = entry.request.postData ? fill(entry.request.postData.text) : undefined;
    const recorded: Answer = { status: entry.response.status, headers: keyHeaders(entry.response.headers), body: entry.response.content.text };
    let now: ReplayStep['now'];
    try {
      const res = await send(url, { method: entry.request.method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      now = { status: res.status, headers: keyHeaders(res.headers), body: text };
      const json = parse(text);
      answers.set(entry._id, json);
      changedValues(recordedById.get(entry._id), json, renamed);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      now = { error: cause?.code ?? (error as Error).message };
    }
    steps.push({ id: entry._id, method: entry.request.method, path: fill(path), ...(entry.comment ? { note: entry.comment } : {}), recorded, now, unfilled });
  }
  return steps;
}

const WIDTH = 58;

const cell = (s: string) => (s.length > WIDTH ? `${s.slice(0, WIDTH - 1)}…` : s.padEnd(WIDTH));

/** The lines of an answer: status, key headers, and the body trimmed to a few lines of the column's width. */
function answerLines(a: Answer | { error: string }, bodyLines: number): string[] {
  if ('error' in a) return [`no answer: ${a.error}`];
  const lines = [String(a.status), ...Object.entries(a.headers).map(([n, v]) => `${n}: ${v}`)];
  const body = a.body.replace(/\s+/g, ' ').trim();
  for (let i = 0; i < bodyLines && i * WIDTH < body.length; i++) lines.push(body.slice(i * WIDTH, (i + 1) * WIDTH));
  if (body.length > bodyLines * WIDTH) lines[lines.length - 1] = `${lines[lines.length - 1]!.slice(0, WIDTH - 1)}…`;
  return lines;
}

/** True when the new answer has the recorded status. */
export const sameStatus = (step: ReplayStep): boolean => !('error' in step.now) && step.now.status === step.recorded.status;

/** One replayed exchange as text: the request, then the recorded and the new answer side by side. */
export function sideBySide(step: ReplayStep, bodyLines = 3): string {
  const left = answerLines(step.recorded, bodyLines);
  const right = answerLines(step.now, bodyLines);
  const mark = sameStatus(step) ? '=' : '≠';
  const rows = [`${cell('recorded')} | now`];
  for (let i = 0; i < Math.max(left.length, right.length); i++) rows.push(`${cell(left[i] ?? '')} ${i === 0 ? mark : '|'} ${right[i] ?? ''}`);
  const title = `[${step.id}] ${step.method} ${step.path}${step.note ? `  # ${step.note}` : ''}`;
  const unfilled = step.unfilled.length > 0 ? [`  (not filled by the replay target, sent as "redacted": ${[...new Set(step.unfilled)].join(', ')})`] : [];
  return [title, ...unfilled, ...rows.map((r) => `  ${r}`)].join('\n');
}
