/** Which APIs a server answers. */
export type ApiSelection = 'livevox' | 'loudvoice' | 'both';

/** Paths of the LoudVoice API; on a server that answers both APIs, every other path is LiveVox's. */
export const isLoudVoicePath = (url: string): boolean =>
  url.startsWith('/loudvoice/') || url.startsWith('/tools/') || url === '/loudvoice' || url.startsWith('/loudvoice?');

/**
 * Which API answers a path on this server: its errors take that API's shape. A LoudVoice-only server owns every
 * path (a OneAll site domain serves nothing else), so credentials are checked there first too.
 */
export function apiOfPath(url: string, api: ApiSelection): 'livevox' | 'loudvoice' {
  if (api !== 'both') return api;
  return isLoudVoicePath(url) ? 'loudvoice' : 'livevox';
}

/** The admin controls and the test identity provider: neither API's, whatever the selection. */
export const isAdminPath = (url: string): boolean => url.startsWith('/__admin') || url.startsWith('/__idp');
