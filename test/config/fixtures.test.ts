// Fixture files: the default one loads; a broken one is refused with every problem named, by path.
import { describe, expect, it } from 'vitest';
import { checkFixtures, FixtureError, loadFixtures } from '../../src/config/fixtures.js';

const problemsOf = (data: unknown): string[] => {
  try {
    checkFixtures(data);
  } catch (error) {
    if (error instanceof FixtureError) return error.problems;
    throw error;
  }
  return [];
};

const client = (over: object = {}) => ({ clientName: 'A', clientId: 1, apiTokens: ['token-0001'], users: [], ...over });

describe('fixtures', () => {
  it('loads the default fixture file', () => {
    const fixtures = loadFixtures();
    expect(fixtures.livevox.clients.map((c) => c.clientName)).toEqual(['DEMO', 'OTHER']);
    expect(fixtures.loudvoice.sites[0]!.subdomain).toBe('demo');
  });

  it.each([
    ['six API tokens', { livevox: { clients: [client({ apiTokens: ['t-000001', 't-000002', 't-000003', 't-000004', 't-000005', 't-000006'] })] } }, /livevox\.clients\.0\.apiTokens: a client has at most 5 API tokens/],
    ['a duplicate clientName', { livevox: { clients: [client(), client({ clientId: 2, apiTokens: ['token-0002'] })] } }, /clientName "A" is used twice/],
    ['an API token shared by two clients', { livevox: { clients: [client(), client({ clientName: 'B', clientId: 2 })] } }, /API token "token-0001" is used twice/],
    ['two agents differing only by case', { livevox: { clients: [client({ users: [
      { userName: 'Ag', password: 'p', userId: 1, agent: true },
      { userName: 'ag', password: 'p', userId: 2, agent: true },
    ] })] } }, /userName "agent:ag" is used twice/],
    ['an unknown field', { livevox: { clients: [client({ colour: 'red' })] } }, /unknown field "colour"/],
    ['a comment by an unknown author', { loudvoice: { sites: [{ subdomain: 's', publicKey: 'pppppppp', privateKey: 'qqqqqqqq', discussions: [
      { discussionToken: '4f1c2a7e-2b7d-4c57-9a63-7f0d2d9b1c10', title: 't', comments: [{ commentToken: '9b2e6f1a-4c3d-4e8f-a1b2-c3d4e5f60718', authorToken: '875b8930-eff8-4c2d-a594-3f4cc4ed4d0d', text: 'x' }] },
    ] }] } }, /authorToken names no author of this site/],
    ['a reply to a later comment', { loudvoice: { sites: [{ subdomain: 's', publicKey: 'pppppppp', privateKey: 'qqqqqqqq', discussions: [
      { discussionToken: '4f1c2a7e-2b7d-4c57-9a63-7f0d2d9b1c10', title: 't', comments: [{ commentToken: '9b2e6f1a-4c3d-4e8f-a1b2-c3d4e5f60718', parentCommentToken: '0c9d8e7f-6a5b-4c3d-8e1f-2a3b4c5d6e7f', guest: { name: 'g' }, text: 'x' }] },
    ] }] } }, /parentCommentToken must name an earlier comment/],
  ])('refuses %s', (_name, data, expected) => {
    expect(problemsOf(data).join('\n')).toMatch(expected);
  });
});
