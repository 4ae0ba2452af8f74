// The console's controller: reads the admin API once a second (sessions with the clock, journal, chaos rules),
// renders each panel, and turns clicks into admin calls. The admin token, when the server wants one, is asked for
// once and kept in sessionStorage; without it the page holds nothing but its own shell.
import { admin, AdminError, adminToken, type ChaosView, type ClockView, type ContractsView, type Entry, type RequestsView, type SessionsView } from './api.js';
import { renderChaos, ruleFromForm, showActionFields } from './chaos.js';
import { renderContract, ruleIndex, ruleRowId } from './contracts.js';
import { byId, fmtInstant, h } from './dom.js';
import { renderDetail, renderJournal, type JournalHooks } from './journal.js';
import { renderSessions } from './sessions.js';

const POLL_MS = 1000;

/** The last clock read and when (performance.now()), so the page can tell the server's time between reads. */
let clock: { view: ClockView; readAt: number } | undefined;
let sessions: SessionsView | undefined;
let contracts: ContractsView | undefined;
let rules: ReturnType<typeof ruleIndex> = new Map();
let contractApi: 'livevox' | 'loudvoice' = 'livevox';
let selected: string | null = null;
let journalSignature = '';
let chaosSignature = '';
let waitingForToken = false;

/** The server's time now: the last read, plus the time since if the server clock follows real time. */
const serverNow = (): number => (clock ? clock.view.epochMs + (clock.view.mode === 'system' ? performance.now() - clock.readAt : 0) : Date.now());

// Two kinds of trouble share the banner: the server not answering (cleared by the next good read) and an action
// refused (kept for a few seconds, so it is not wiped by the next poll before anyone could read it).
let connectionProblem: string | null = null;
let actionProblem: string | null = null;
let actionProblemTimer: ReturnType<typeof setTimeout> | undefined;

function showBanner(): void {
  const text = connectionProblem ?? actionProblem;
  const el = byId('banner');
  el.hidden = text === null;
  el.textContent = text ?? '';
}

function reportActionProblem(text: string): void {
  actionProblem = text;
  clearTimeout(actionProblemTimer);
  actionProblemTimer = setTimeout(() => {
    actionProblem = null;
    showBanner();
  }, 8000);
  showBanner();
}

// ---- Token -------------------------------------------------------------------------------------------------------

/** Asks for the admin token (the server answered 401); polling waits until one is given. */
function askForToken(refused: boolean): void {
  const had = adminToken.get() !== null;
  adminToken.clear();
  byId('forget-token').hidden = true;
  if (waitingForToken) return;
  waitingForToken = true;
  clearData();
  byId('token-error').textContent = refused && had ? 'That token was refused.' : '';
  const dialog = byId<HTMLDialogElement>('token-dialog');
  if (!dialog.open) dialog.showModal();
  byId<HTMLInputElement>('token-input').focus();
}

byId<HTMLFormElement>('token-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = byId<HTMLInputElement>('token-input');
  const token = input.value.trim();
  if (token === '') return;
  adminToken.set(token);
  input.value = '';
  byId<HTMLDialogElement>('token-dialog').close();
  byId('forget-token').hidden = false;
  waitingForToken = false;
  void start();
});

byId('forget-token').addEventListener('click', () => askForToken(false));

/** Nothing read with a token stays on the page once the token is gone. */
function clearData(): void {
  for (const id of ['sessions-livevox', 'sessions-loudvoice', 'journal-list', 'chaos-list', 'contract-body', 'operation-ids']) byId(id).replaceChildren();
  byId('journal-detail').hidden = true;
  byId('journal-meta').textContent = '';
  clock = sessions = contracts = undefined;
  rules = new Map();
  journalSignature = chaosSignature = '';
}

/** Runs an admin call; a 401 asks for the token, any other failure shows in the banner. Undefined on failure. */
async function call<T>(method: string, path: string, body?: unknown): Promise<T | undefined> {
  try {
    return await admin<T>(method, path, body);
  } catch (e) {
    if (e instanceof AdminError && e.status === 401) askForToken(true);
    else reportActionProblem(e instanceof AdminError && e.code !== 'UNREACHABLE' ? `${e.code}: ${e.message}` : String((e as Error).message ?? e));
    return undefined;
  }
}

// ---- Clock -------------------------------------------------------------------------------------------------------

function renderClock(): void {
  if (!clock) return;
  byId('clock-now').textContent = fmtInstant(serverNow());
  const mode = byId('clock-mode');
  mode.textContent = clock.view.mode;
  mode.title = clock.view.mode === 'fixed' ? 'The clock stands still until moved' : 'The clock follows real time (plus what was advanced)';
  byId('clock-mode-switch').textContent = clock.view.mode === 'fixed' ? 'Follow real time' : 'Stand still';
}

async function clockChange(body: { advanceMs: number } | { mode: 'fixed' | 'system' }): Promise<void> {
  const view = await call<ClockView>('POST', '/__admin/clock', body);
  if (view) clock = { view, readAt: performance.now() };
  renderClock();
  refreshNow();
}

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-advance]')) {
  button.addEventListener('click', () => void clockChange({ advanceMs: Number(button.dataset.advance) }));
}
byId<HTMLFormElement>('clock-amount').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const amount = Number(byId<HTMLInputElement>('clock-amount-value').value);
  const unit = Number(byId<HTMLSelectElement>('clock-amount-unit').value);
  void clockChange({ advanceMs: Math.round(amount * unit) });
});
byId('clock-mode-switch').addEventListener('click', () => {
  if (clock) void clockChange({ mode: clock.view.mode === 'fixed' ? 'system' : 'fixed' });
});

// ---- Reset -------------------------------------------------------------------------------------------------------

// Two clicks: the first arms the button for a few seconds, so a stray click never wipes the state.
let resetArmed: ReturnType<typeof setTimeout> | undefined;
byId('reset').addEventListener('click', async () => {
  const button = byId('reset');
  if (resetArmed === undefined) {
    button.textContent = 'Click again to reset';
    button.classList.add('armed');
    resetArmed = setTimeout(() => {
      resetArmed = undefined;
      button.textContent = 'Reset state';
      button.classList.remove('armed');
    }, 4000);
    return;
  }
  clearTimeout(resetArmed);
  resetArmed = undefined;
  button.textContent = 'Reset state';
  button.classList.remove('armed');
  await call('POST', '/__admin/reset');
  refreshNow();
});

// ---- Journal -----------------------------------------------------------------------------------------------------

const journalHooks: JournalHooks = {
  select: (id) => void openEntry(id),
  rule: (id) => rules.get(id),
  showRule: (api, id) => showRule(api, id),
};

function journalQuery(): string {
  const params = new URLSearchParams({ limit: '100' });
  const api = byId<HTMLSelectElement>('journal-api').value;
  const path = byId<HTMLInputElement>('journal-path').value.trim();
  const status = byId<HTMLInputElement>('journal-status').value.trim();
  if (api) params.set('api', api);
  if (path) params.set('path', path);
  if (/^(0|\d{3})$/.test(status)) params.set('status', status);
  return `/__admin/requests?${params}`;
}

function closeEntry(): void {
  selected = null;
  journalSignature = '';
  byId('journal-detail').hidden = true;
  refreshNow();
}

async function openEntry(id: string): Promise<void> {
  selected = id;
  journalSignature = '';
  const entry = await call<Entry>('GET', `/__admin/requests/${encodeURIComponent(id)}`);
  if (entry && selected === id) renderDetail(entry, byId('journal-detail'), closeEntry, journalHooks);
  refreshNow();
}

for (const id of ['journal-api', 'journal-path', 'journal-status']) {
  byId(id).addEventListener('input', () => {
    journalSignature = '';
    refreshNow();
  });
}
byId('journal-filter').addEventListener('submit', (ev) => ev.preventDefault());
byId('journal-clear').addEventListener('click', async () => {
  await call('DELETE', '/__admin/requests');
  closeEntry();
});

/** The journal panel when the server has no journal or it is turned off: say so instead of an error banner. */
function journalUnavailable(e: AdminError): void {
  byId('journal-meta').textContent = '';
  byId('journal-list').replaceChildren(
    h('p', { class: 'empty' }, e.code === 'JOURNAL_DISABLED' ? 'The journal is off on this server (--no-journal).' : `No journal: ${e.message}`),
  );
  journalSignature = '';
}

// ---- Chaos -------------------------------------------------------------------------------------------------------

const chaosForm = byId<HTMLFormElement>('chaos-form');
showActionFields(chaosForm);
(chaosForm.elements.namedItem('type') as HTMLSelectElement).addEventListener('change', () => showActionFields(chaosForm));
chaosForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const error = byId('chaos-error');
  error.textContent = '';
  try {
    await admin('POST', '/__admin/chaos', ruleFromForm(chaosForm));
  } catch (e) {
    if (e instanceof AdminError && e.status === 401) askForToken(true);
    else error.textContent = e instanceof Error ? e.message : String(e);
    return;
  }
  chaosSignature = '';
  refreshNow();
});

async function removeChaos(id: string | null): Promise<void> {
  await call('DELETE', id === null ? '/__admin/chaos' : `/__admin/chaos/${encodeURIComponent(id)}`);
  chaosSignature = '';
  refreshNow();
}

// ---- Contracts ---------------------------------------------------------------------------------------------------

function renderContracts(): void {
  if (!contracts) return;
  for (const tab of document.querySelectorAll<HTMLButtonElement>('#contract-tabs [role=tab]')) {
    tab.setAttribute('aria-selected', String(tab.dataset.api === contractApi));
  }
  renderContract(contracts[contractApi], byId<HTMLInputElement>('contract-filter').value, byId('contract-body'));
}

function showRule(api: 'livevox' | 'loudvoice', id: string): void {
  contractApi = api;
  byId<HTMLInputElement>('contract-filter').value = '';
  renderContracts();
  const row = document.getElementById(ruleRowId(id));
  if (!row) return;
  row.scrollIntoView({ block: 'center' });
  row.classList.add('flash');
  setTimeout(() => row.classList.remove('flash'), 2000);
}

for (const tab of document.querySelectorAll<HTMLButtonElement>('#contract-tabs [role=tab]')) {
  tab.addEventListener('click', () => {
    contractApi = tab.dataset.api === 'loudvoice' ? 'loudvoice' : 'livevox';
    renderContracts();
  });
}
byId('contract-filter').addEventListener('input', renderContracts);

async function loadContracts(): Promise<void> {
  const view = await call<ContractsView>('GET', '/__admin/contracts');
  if (!view) return;
  contracts = view;
  rules = ruleIndex(view);
  byId('operation-ids').replaceChildren(
    ...(['livevox', 'loudvoice'] as const).flatMap((api) => view[api].operations.map((o) => h('option', { value: o.operationId }, `${api}: ${o.method} ${o.path}`))),
  );
  renderContracts();
}

// ---- The loop ----------------------------------------------------------------------------------------------------

let timer: ReturnType<typeof setTimeout> | undefined;
let polling = false;
let again = false;

/** Reads everything the panels show, once. A 401 anywhere stops the loop until a token is given. */
async function poll(): Promise<void> {
  if (waitingForToken) return;
  const [s, j, c] = await Promise.allSettled([
    admin<SessionsView>('GET', '/__admin/sessions'),
    admin<RequestsView>('GET', journalQuery()),
    admin<ChaosView>('GET', '/__admin/chaos'),
  ]);
  const failures = [s, j, c].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.some((e) => e instanceof AdminError && e.status === 401)) return askForToken(true);
  const unreachable = failures.some((e) => e instanceof AdminError && e.status === 0);
  connectionProblem = unreachable ? 'The server does not answer; retrying every second.' : s.status === 'rejected' ? `Sessions: ${String((s.reason as Error).message)}` : null;
  showBanner();

  if (s.status === 'fulfilled') {
    sessions = s.value;
    clock = { view: s.value.clock, readAt: performance.now() };
    renderClock();
    renderSessions(sessions, serverNow(), byId('sessions-livevox'), byId('sessions-loudvoice'));
  }
  if (j.status === 'fulfilled') {
    // Re-rendered only when something changed, so a row under the pointer or the keyboard stays put.
    const signature = `${selected}|${j.value.meta.total}|${j.value.meta.dropped}|${j.value.requests.map((e) => e.id).join(',')}`;
    if (signature !== journalSignature) {
      journalSignature = signature;
      renderJournal(j.value, selected, byId('journal-list'), byId('journal-meta'), journalHooks);
    }
  } else if (j.reason instanceof AdminError && j.reason.status !== 0) journalUnavailable(j.reason);
  if (c.status === 'fulfilled') {
    const signature = JSON.stringify(c.value);
    if (signature !== chaosSignature) {
      chaosSignature = signature;
      renderChaos(c.value, byId('chaos-list'), (id) => void removeChaos(id));
    }
  } else if (c.reason instanceof AdminError && c.reason.status !== 0) {
    byId('chaos-list').replaceChildren(h('p', { class: 'empty' }, `No chaos rules on this server: ${c.reason.message}`));
    chaosSignature = '';
  }
}

/** Polls now (or right after the poll under way), then once a second; paused while the tab is hidden. */
function refreshNow(): void {
  if (polling) {
    again = true;
    return;
  }
  clearTimeout(timer);
  polling = true;
  void poll().finally(() => {
    polling = false;
    if (again) {
      again = false;
      refreshNow();
    } else if (!waitingForToken) schedule();
  });
}

/** The next poll in a second; a hidden tab skips its polls (and polls at once when shown again). */
function schedule(): void {
  clearTimeout(timer);
  timer = setTimeout(() => (document.hidden ? schedule() : refreshNow()), POLL_MS);
}
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && !waitingForToken) refreshNow();
});

async function start(): Promise<void> {
  byId('forget-token').hidden = adminToken.get() === null;
  await loadContracts();
  if (!waitingForToken) refreshNow();
}

void start();
