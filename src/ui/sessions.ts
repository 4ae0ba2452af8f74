import type { SessionsView } from './api.js';
import { fmtInstant, fmtLeft, h, lastFour, table } from './dom.js';

/**
 * Both APIs' live sessions with the time each has left, measured against the server clock (`now`, the server's
 * time as the console estimates it), never the browser's. Session ids and tokens show their last 4 characters only.
 */
export function renderSessions(view: SessionsView, now: number, livevoxEl: HTMLElement, loudvoiceEl: HTMLElement): void {
  // A session whose time is up is gone from the page at once, even before the next read confirms it.
  const livevox = view.livevox.filter((s) => s.expiresAt > now).sort((a, b) => a.expiresAt - b.expiresAt);
  const loudvoice = view.loudvoice.filter((s) => s.dateExpiration > now).sort((a, b) => a.dateExpiration - b.dateExpiration);
  const left = (expiresAt: number) => h('td', { class: 'left', title: `expires ${fmtInstant(expiresAt)}` }, fmtLeft(expiresAt - now));
  livevoxEl.replaceChildren(
    table(
      ['session', 'client', 'user', 'token', 'last activity', 'time left'],
      livevox.map((s) =>
        h(
          'tr',
          { 'data-session': lastFour(s.sessionId) },
          h('td', { class: 'mono' }, lastFour(s.sessionId)),
          h('td', null, s.clientName),
          h('td', null, s.userName, s.agent ? h('span', { class: 'badge' }, 'agent') : null),
          h('td', { class: 'mono' }, lastFour(s.apiTokenSuffix)),
          h('td', null, fmtInstant(s.lastActivityAt)),
          left(s.expiresAt),
        ),
      ),
      'No live LiveVox session.',
    ),
  );
  loudvoiceEl.replaceChildren(
    table(
      ['session', 'site', 'author', 'last update', 'time left'],
      loudvoice.map((s) =>
        h(
          'tr',
          { 'data-session': lastFour(s.authorSessionToken) },
          h('td', { class: 'mono' }, lastFour(s.authorSessionToken)),
          h('td', null, s.site),
          h('td', null, s.name ?? s.authorReference ?? lastFour(s.authorToken)),
          h('td', null, fmtInstant(s.dateLastUpdate ?? s.dateCreation)),
          left(s.dateExpiration),
        ),
      ),
      'No live LoudVoice author session.',
    ),
  );
}
