import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LiveVoxSeed } from '../core/livevox/model.js';
import type { LoudVoiceSeed } from '../core/loudvoice/model.js';
import { validate as validateFixtureSchema } from '../generated/fixtures-validator.js';

/** What a server starts with and returns to on reset. */
export interface Fixtures {
  livevox: LiveVoxSeed;
  loudvoice: LoudVoiceSeed;
}

/** The fixture file loaded when no `--fixtures` is given. */
export const DEFAULT_FIXTURES_PATH = fileURLToPath(new URL('../../fixtures/default.json', import.meta.url));

/** The fixture schema's validator, compiled ahead of time by `npm run gen` (no ajv compilation at start-up). */
const validateSchema = validateFixtureSchema as ((data: unknown) => boolean) & { errors?: { instancePath: string; keyword: string; message?: string; params: unknown }[] | null };

/** A fixture file that cannot be used, with every problem found in it. */
export class FixtureError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length === 1 ? 'a problem' : `${problems.length} problems`} in the fixture file:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'FixtureError';
  }
}

/** Reads and checks a fixture file; throws a FixtureError that lists everything wrong with it. */
export function loadFixtures(file: string = DEFAULT_FIXTURES_PATH): Fixtures {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new FixtureError(file, [`cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  // An empty file is a server with nothing in it (the CLI warns), not a JSON syntax error.
  if (text.trim() === '') return checkFixtures({}, file);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new FixtureError(file, [`is not valid JSON: ${(error as Error).message}`]);
  }
  return checkFixtures(data, file);
}

/** The APIs of a fixture set with nothing to log in with: no LiveVox client, no LoudVoice site. */
export function emptyApis(fixtures: Fixtures): ('livevox' | 'loudvoice')[] {
  return [...(fixtures.livevox.clients.length === 0 ? (['livevox'] as const) : []), ...(fixtures.loudvoice.sites.length === 0 ? (['loudvoice'] as const) : [])];
}

/** Checks fixture data against the fixture schema and the rules a schema cannot say (uniqueness, references). */
export function checkFixtures(data: unknown, file = '(fixtures)'): Fixtures {
  const validate = validateSchema;
  if (!validate(data)) {
    throw new FixtureError(
      file,
      (validate.errors ?? []).map((e) => {
        const where = e.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(root)';
        if (e.keyword === 'maxItems' && where.endsWith('apiTokens')) return `${where}: a client has at most 5 API tokens`;
        if (e.keyword === 'additionalProperties') return `${where}: unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
        return `${where}: ${e.message}`;
      }),
    );
  }
  const fixtures = data as Partial<Fixtures>;
  const result: Fixtures = { livevox: fixtures.livevox ?? { clients: [] }, loudvoice: fixtures.loudvoice ?? { sites: [] } };
  const problems = [...livevoxProblems(result.livevox), ...loudvoiceProblems(result.loudvoice)];
  if (problems.length > 0) throw new FixtureError(file, problems);
  return result;
}

/** Records a value and reports it when it was seen before. */
function uniqueness(problems: string[]) {
  return (what: string) => {
    const seen = new Set<string>();
    return (value: string | number | undefined, where: string) => {
      if (value === undefined) return;
      const key = String(value);
      if (seen.has(key)) problems.push(`${where}: ${what} "${key}" is used twice`);
      seen.add(key);
    };
  };
}

function livevoxProblems(seed: LiveVoxSeed): string[] {
  const problems: string[] = [];
  const unique = uniqueness(problems);
  const clientName = unique('clientName');
  const clientId = unique('clientId');
  const apiToken = unique('API token');
  seed.clients.forEach((client, c) => {
    const at = `livevox.clients.${c}`;
    clientName(client.clientName, at);
    clientId(client.clientId, at);
    client.apiTokens.forEach((token, t) => apiToken(token, `${at}.apiTokens.${t}`));
    const userId = unique('userId');
    const userName = unique('userName');
    client.users.forEach((user, u) => {
      userId(user.userId, `${at}.users.${u}`);
      // Agents' names are case-insensitive, so two agents may not differ only by case.
      userName(`${user.agent ? 'agent' : 'user'}:${user.agent ? user.userName.toLowerCase() : user.userName}`, `${at}.users.${u}`);
    });
  });
  return problems;
}

function loudvoiceProblems(seed: LoudVoiceSeed): string[] {
  const problems: string[] = [];
  const unique = uniqueness(problems);
  const subdomain = unique('subdomain');
  const publicKey = unique('publicKey');
  seed.sites.forEach((site, s) => {
    const at = `loudvoice.sites.${s}`;
    subdomain(site.subdomain, at);
    publicKey(site.publicKey, at);
    const token = unique('token');
    const authorReference = unique('authorReference');
    const discussionReference = unique('discussionReference');
    const identities = new Set((site.identities ?? []).map((i) => i.identityToken));
    (site.identities ?? []).forEach((identity, i) => token(identity.identityToken, `${at}.identities.${i}`));
    const authors = new Set<string>();
    (site.authors ?? []).forEach((author, a) => {
      token(author.authorToken, `${at}.authors.${a}`);
      authorReference(author.authorReference, `${at}.authors.${a}`);
      if (author.identityToken !== undefined && !identities.has(author.identityToken)) {
        problems.push(`${at}.authors.${a}: identityToken names no identity of this site`);
      }
      authors.add(author.authorToken);
    });
    (site.discussions ?? []).forEach((discussion, d) => {
      const dAt = `${at}.discussions.${d}`;
      token(discussion.discussionToken, dAt);
      discussionReference(discussion.discussionReference, dAt);
      const earlier = new Set<string>();
      (discussion.comments ?? []).forEach((comment, k) => {
        const cAt = `${dAt}.comments.${k}`;
        token(comment.commentToken, cAt);
        if ((comment.authorToken === undefined) === (comment.guest === undefined)) problems.push(`${cAt}: give exactly one of authorToken and guest`);
        if (comment.authorToken !== undefined && !authors.has(comment.authorToken)) problems.push(`${cAt}: authorToken names no author of this site`);
        if (comment.parentCommentToken !== undefined && !earlier.has(comment.parentCommentToken)) {
          problems.push(`${cAt}: parentCommentToken must name an earlier comment of the same discussion`);
        }
        earlier.add(comment.commentToken);
      });
    });
  });
  return problems;
}
