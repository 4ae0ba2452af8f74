// After a run: leave the target as the kit found it, as far as the APIs allow. Objects the run created (every
// reference carries the run tag) are deleted; a clock the run moved is put back by a reset, where the target has one.
// Each API may live on its own deployment (its own base URL): each deployment is cleaned where it is.
import { apiBaseUrl, type Target } from './target.js';
import { adminHeaders, call } from './target-http.js';

const basic = (t: NonNullable<Target['loudvoice']>) => `Basic ${Buffer.from(`${t.publicKey}:${t.privateKey}`).toString('base64')}`;

/** Every entry of a LoudVoice list whose reference starts with the run tag, page after page. */
async function taggedEntries(url: string, path: string, plural: string, refField: string, runTag: string, auth: string): Promise<any[]> {
  const found: any[] = [];
  for (let page = 1; page <= 200; page++) {
    const { status, json: body } = await call(url, 'GET', `${path}?page=${page}&entries_per_page=500`, { authorization: auth });
    const node = body?.response?.result?.data?.[plural];
    if (status !== 200 || !Array.isArray(node?.entries)) break;
    found.push(...node.entries.filter((e: any) => typeof e?.[refField] === 'string' && e[refField].startsWith(runTag)));
    if (node.entries.length === 0 || page >= (node.pagination?.total_pages ?? 0)) break;
  }
  return found;
}

/** True when the clock of the deployment at `url` stands ahead of the real time: the run moved it. */
async function clockWasMoved(target: Target, url: string): Promise<boolean> {
  if (!target.capabilities.clock) return false;
  const { json: clock } = await call(url, 'GET', '/__admin/clock', adminHeaders(target));
  return typeof clock?.epochMs === 'number' && clock.epochMs - Date.now() > 1000;
}

/** Removes what the run created and resets a clock it moved; returns one line per thing done (for the report). */
export async function cleanUp(target: Target, runTag: string): Promise<string[]> {
  const done: string[] = [];
  try {
    const urls = [...new Set(target.apis.map((api) => apiBaseUrl(target, api)))];
    const reset = new Set<string>();
    for (const url of urls) {
      if (!target.capabilities.reset || !(await clockWasMoved(target, url))) continue;
      const { status } = await call(url, 'POST', '/__admin/reset', adminHeaders(target), {});
      const at = urls.length > 1 ? ` at ${url}` : '';
      done.push(status < 300 ? `the clock had been moved: POST /__admin/reset put the target${at} back to its fixtures and the real time` : `POST /__admin/reset${at} answered ${status}`);
      // A reset puts back everything on that deployment, the run's data included.
      reset.add(url);
    }
    const loudvoiceUrl = apiBaseUrl(target, 'loudvoice');
    if (target.apis.includes('loudvoice') && target.loudvoice && !reset.has(loudvoiceUrl)) {
      const auth = basic(target.loudvoice);
      const discussions = await taggedEntries(loudvoiceUrl, '/loudvoice/discussions.json', 'discussions', 'discussion_reference', runTag, auth);
      for (const d of discussions) await call(loudvoiceUrl, 'DELETE', `/loudvoice/discussions/${d.discussion_token}.json?confirm_deletion=true`, { authorization: auth });
      const authors = await taggedEntries(loudvoiceUrl, '/loudvoice/authors.json', 'authors', 'author_reference', runTag, auth);
      for (const a of authors) await call(loudvoiceUrl, 'DELETE', `/loudvoice/authors/${a.author_token}.json?confirm_deletion=true`, { authorization: auth });
      done.push(`deleted the run's own LoudVoice data: ${discussions.length} discussion(s) with their comments and ${authors.length} author(s) whose reference starts with ${runTag}`);
    }
  } catch (error) {
    done.push(`clean-up stopped early: ${(error as Error).message}`);
  }
  return done;
}
