// After a run: leave the target as the kit found it, as far as the APIs allow. Objects the run created (every
// reference carries the run tag) are deleted; a clock the run moved is put back by a reset, where the target has one.
import type { Target } from './target.js';
import { adminHeaders, call } from './target-http.js';

const basic = (t: NonNullable<Target['loudvoice']>) => `Basic ${Buffer.from(`${t.publicKey}:${t.privateKey}`).toString('base64')}`;

/** Every entry of a LoudVoice list whose reference starts with the run tag, page after page. */
async function taggedEntries(target: Target, path: string, plural: string, refField: string, runTag: string, auth: string): Promise<any[]> {
  const found: any[] = [];
  for (let page = 1; page <= 200; page++) {
    const { status, json: body } = await call(target, 'GET', `${path}?page=${page}&entries_per_page=500`, { authorization: auth });
    const node = body?.response?.result?.data?.[plural];
    if (status !== 200 || !Array.isArray(node?.entries)) break;
    found.push(...node.entries.filter((e: any) => typeof e?.[refField] === 'string' && e[refField].startsWith(runTag)));
    if (node.entries.length === 0 || page >= (node.pagination?.total_pages ?? 0)) break;
  }
  return found;
}

/** True when the target's clock stands ahead of the real time: the run moved it. */
async function clockWasMoved(target: Target): Promise<boolean> {
  if (!target.capabilities.clock) return false;
  const { json: clock } = await call(target, 'GET', '/__admin/clock', adminHeaders(target));
  return typeof clock?.epochMs === 'number' && clock.epochMs - Date.now() > 1000;
}

/** Removes what the run created and resets a clock it moved; returns one line per thing done (for the report). */
export async function cleanUp(target: Target, runTag: string): Promise<string[]> {
  const done: string[] = [];
  try {
    if (target.capabilities.reset && (await clockWasMoved(target))) {
      const { status } = await call(target, 'POST', '/__admin/reset', adminHeaders(target));
      done.push(status < 300 ? 'the clock had been moved: POST /__admin/reset put the target back to its fixtures and the real time' : `POST /__admin/reset answered ${status}`);
      return done;
    }
    if (target.apis.includes('loudvoice') && target.loudvoice) {
      const auth = basic(target.loudvoice);
      const discussions = await taggedEntries(target, '/loudvoice/discussions.json', 'discussions', 'discussion_reference', runTag, auth);
      for (const d of discussions) await call(target, 'DELETE', `/loudvoice/discussions/${d.discussion_token}.json?confirm_deletion=true`, { authorization: auth });
      const authors = await taggedEntries(target, '/loudvoice/authors.json', 'authors', 'author_reference', runTag, auth);
      for (const a of authors) await call(target, 'DELETE', `/loudvoice/authors/${a.author_token}.json?confirm_deletion=true`, { authorization: auth });
      done.push(`deleted the run's own LoudVoice data: ${discussions.length} discussion(s) with their comments and ${authors.length} author(s) whose reference starts with ${runTag}`);
    }
  } catch (error) {
    done.push(`clean-up stopped early: ${(error as Error).message}`);
  }
  return done;
}
