// LoudVoice author sessions and authors, as a model-based test (fc.commands + fc.asyncModelRun).
// - PUT /loudvoice/authors/sessions.json answers 201 when it created the author and 200 when it used an existing
//   one (vendor docs: the seed), for the details variant (author_reference, allow_create_new and its older spelling
//   allow_create_author_reference) and the author_token variant (observed: OneAll's plugin; assumed statuses for errors).
// - allow_create_new: false with an unknown reference creates nothing (vendor docs: the seed; 404 assumed).
// - A new author needs a name (vendor docs: the seed "Required for new authors").
// - One live session per author; refreshing keeps its token; tokens are never shared (assumed, from the docs'
//   "create a new or update the existing session").
// - Authors: create 201, duplicate reference 409, read by reference, delete needs confirm_deletion=true, and deleting
//   an author ends its sessions (vendor docs O5 for confirm_deletion; the rest assumed).
// The model is independent of the implementation; every run works in its own namespace of references, so the
// suite runs against a shared deployment without reset.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { checking, kitHttp, rule, runTag } from '../harness/context.js';
import { everyResponseMatchesTheContract } from '../harness/contract-check.js';
import type { KitHttp } from '../harness/http.js';
import { assertProperty } from '../harness/property.js';
import { dataOf, LoudVoiceCalls, loudvoiceOf, statusOf } from './loudvoice-client.js';

let http: KitHttp;
let ldv: LoudVoiceCalls;
beforeAll(async () => {
  http = await kitHttp('loudvoice');
  ldv = new LoudVoiceCalls(http);
});

/** What the model knows of one reference of this run. */
interface ModelAuthor {
  token: string;
  name: string;
  sessionToken?: string;
}

/** The model: which references exist (with their tokens), and every session token ever handed out. */
interface Model {
  authors: Map<string, ModelAuthor>;
  sessionTokens: Map<string, string>;
}

/** The system under test: the HTTP client and the namespace of this run. */
interface Real {
  ldv: LoudVoiceCalls;
  prefix: string;
}

type Cmd = fc.AsyncCommand<Model, Real>;

const refOf = (real: Real, n: number) => `${real.prefix}-user-${n}`;

/** Checks that a session answer carries a session for the expected author, and records its token in the model. */
async function expectSession(model: Model, ref: string, body: unknown, expectedAuthorToken?: string): Promise<string> {
  const session = dataOf({ body } as never)?.author_session;
  await checking('LDV-TOKEN-UUID-V4', () =>
    expect(session?.author_session_token, 'author_session_token').toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
  );
  if (expectedAuthorToken) await checking('LDV-SESSION-200-EXISTING-AUTHOR', () => expect(session.author.author_token).toBe(expectedAuthorToken));
  const author = model.authors.get(ref)!;
  if (author.sessionToken) {
    await checking('LDV-SESSION-TOKEN-KEPT-ON-REFRESH', () => expect(session.author_session_token, 'a refresh keeps the session token').toBe(author.sessionToken));
  }
  const owner = model.sessionTokens.get(session.author_session_token);
  await checking('LDV-TOKEN-UUID-V4', () =>
    expect(owner === undefined || owner === ref, `session token ${session.author_session_token} belongs to ${owner}, handed to ${ref}`).toBe(true),
  );
  author.sessionToken = session.author_session_token;
  model.sessionTokens.set(session.author_session_token, ref);
  return session.author_session_token;
}

/** A session PUT with author details and an author_reference. */
class PutDetails implements Cmd {
  constructor(
    readonly n: number,
    readonly allowCreate: boolean | undefined,
    readonly legacyFlag: boolean,
    readonly withName: boolean,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const ref = refOf(real, this.n);
    const author: Record<string, unknown> = { author_reference: ref, email: `${ref}@example.com` };
    if (this.withName) author.name = `Name ${this.n}`;
    if (this.allowCreate !== undefined) author[this.legacyFlag ? 'allow_create_author_reference' : 'allow_create_new'] = this.allowCreate;
    const res = await real.ldv.startSession(author);
    const known = model.authors.get(ref);
    if (known) {
      await checking('LDV-SESSION-200-EXISTING-AUTHOR', () => expect(res.status, 'existing author: 200').toBe(200));
      await expectSession(model, ref, res.body, known.token);
    } else if (this.allowCreate === false) {
      await checking('LDV-SESSION-ALLOW-CREATE-NEW-FALSE', async () => {
        expect(res.status, 'allow_create_new false and unknown reference: 404, nothing created').toBe(404);
        expect((await real.ldv.authorByReference(ref)).status).toBe(404);
      });
    } else if (!this.withName) {
      await checking('LDV-SESSION-NAME-REQUIRED', () => {
        expect(res.status, 'a new author without a name: 400').toBe(400);
        expect(statusOf(res).info).toContain('request->author_session->author->name');
      });
    } else {
      await checking('LDV-SESSION-201-NEW-AUTHOR', () => expect(res.status, 'new author: 201').toBe(201));
      const token = dataOf(res).author_session.author.author_token as string;
      model.authors.set(ref, { token, name: `Name ${this.n}` });
      await expectSession(model, ref, res.body, token);
    }
  }
  toString = () =>
    `PUT session {author_reference: user-${this.n}${this.withName ? ', name' : ''}${this.allowCreate === undefined ? '' : `, ${this.legacyFlag ? 'allow_create_author_reference' : 'allow_create_new'}: ${this.allowCreate}`}}`;
}

/** A session PUT with the author_token of a known author (or a made-up one). */
class PutAuthorToken implements Cmd {
  constructor(
    readonly n: number,
    readonly unknownToken: string,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const ref = refOf(real, this.n);
    const known = model.authors.get(ref);
    const res = await real.ldv.startSession({ author_token: known?.token ?? this.unknownToken });
    if (known) {
      await checking('LDV-SESSION-AUTHOR-TOKEN-200', () => expect(res.status, 'author_token of an existing author: 200').toBe(200));
      await expectSession(model, ref, res.body, known.token);
    } else {
      await checking('LDV-SESSION-AUTHOR-TOKEN-UNKNOWN-404', () => expect(res.status, 'unknown author_token: 404').toBe(404));
    }
  }
  toString = () => `PUT session {author_token: <token of user-${this.n}, or unknown>}`;
}

/** POST /loudvoice/authors.json. */
class CreateAuthor implements Cmd {
  constructor(readonly n: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const ref = refOf(real, this.n);
    const res = await real.ldv.createAuthor({ author_reference: ref, name: `Name ${this.n}` });
    if (model.authors.has(ref)) {
      await checking('LDV-AUTHOR-REFERENCE-UNIQUE', () => expect(res.status, 'duplicate author_reference: 409').toBe(409));
    } else {
      await checking('LDV-AUTHOR-CREATE-201', () => expect(res.status, 'create author: 201').toBe(201));
      model.authors.set(ref, { token: dataOf(res).author.author_token, name: `Name ${this.n}` });
    }
  }
  toString = () => `POST author {author_reference: user-${this.n}}`;
}

/** DELETE an author, with or without confirm_deletion=true. */
class DeleteAuthor implements Cmd {
  constructor(
    readonly n: number,
    readonly confirm: boolean,
  ) {}
  check = (model: Readonly<Model>) => model.authors.size > 0;
  async run(model: Model, real: Real) {
    const ref = refOf(real, this.n);
    const known = model.authors.get(ref);
    if (!known) return;
    const res = await real.ldv.deleteAuthor(known.token, this.confirm);
    if (!this.confirm) {
      await checking('LDV-DELETE-CONFIRM', async () => {
        expect(res.status, 'delete without confirm_deletion: 400').toBe(400);
        expect((await real.ldv.author(known.token)).status, 'nothing deleted').toBe(200);
      });
      return;
    }
    await checking('LDV-AUTHOR-DELETE-200', () => expect(res.status, 'delete author: 200').toBe(200));
    model.authors.delete(ref);
    if (known.sessionToken) {
      const sessionToken = known.sessionToken;
      await checking('LDV-AUTHOR-DELETE-ENDS-SESSIONS', async () =>
        expect((await real.ldv.deleteSession(sessionToken)).status, "the deleted author's session has ended").toBe(404),
      );
    }
  }
  toString = () => `DELETE author user-${this.n}${this.confirm ? '?confirm_deletion=true' : ' (no confirm_deletion)'}`;
}

/** Reads an author back by reference: read-your-writes. */
class ReadAuthor implements Cmd {
  constructor(readonly n: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const ref = refOf(real, this.n);
    const res = await real.ldv.authorByReference(ref);
    const known = model.authors.get(ref);
    await checking('LDV-AUTHOR-READ-BY-REFERENCE', () => {
      if (!known) return void expect(res.status).toBe(404);
      expect(res.status).toBe(200);
      expect(dataOf(res).author).toMatchObject({ author_token: known.token, author_reference: ref, name: known.name });
    });
  }
  toString = () => `GET author by reference user-${this.n}`;
}

const N = fc.integer({ min: 0, max: 3 });
const commands = [
  fc.tuple(N, fc.option(fc.boolean(), { nil: undefined }), fc.boolean(), fc.boolean()).map(([n, a, legacy, name]) => new PutDetails(n, a, legacy, name)),
  fc.tuple(N, fc.uuid({ version: 4 })).map(([n, t]) => new PutAuthorToken(n, t)),
  N.map((n) => new CreateAuthor(n)),
  fc.tuple(N, fc.boolean()).map(([n, c]) => new DeleteAuthor(n, c)),
  N.map((n) => new ReadAuthor(n)),
];

let runs = 0;

describe('author sessions and authors against a model', () => {
  it(
    rule(
      [
        'LDV-SESSION-201-NEW-AUTHOR',
        'LDV-SESSION-200-EXISTING-AUTHOR',
        'LDV-SESSION-ALLOW-CREATE-NEW-FALSE',
        'LDV-SESSION-ALLOW-CREATE-LEGACY-FLAG',
        'LDV-SESSION-NAME-REQUIRED',
        'LDV-SESSION-AUTHOR-TOKEN-200',
        'LDV-SESSION-AUTHOR-TOKEN-UNKNOWN-404',
        'LDV-SESSION-ONE-PER-AUTHOR',
        'LDV-SESSION-TOKEN-KEPT-ON-REFRESH',
        'LDV-TOKEN-UUID-V4',
        'LDV-AUTHOR-CREATE-201',
        'LDV-AUTHOR-REFERENCE-UNIQUE',
        'LDV-AUTHOR-READ-BY-REFERENCE',
        'LDV-AUTHOR-DELETE-200',
        'LDV-AUTHOR-DELETE-ENDS-SESSIONS',
        'LDV-DELETE-CONFIRM',
      ],
      'any sequence of session PUTs and author writes answers 201/200/404/409 exactly as the model says',
    ),
    async () => {
      await assertProperty(
        http,
        fc.asyncProperty(fc.commands(commands, { maxCommands: 14 }), async (cmds) => {
          // A fresh namespace per run (and per shrink attempt): the model starts empty, whatever the deployment holds.
          const real: Real = { ldv, prefix: `${runTag}-${++runs}` };
          await fc.asyncModelRun(() => ({ model: { authors: new Map(), sessionTokens: new Map() }, real }), cmds);
        }),
      );
    },
    120_000,
  );

  it(rule('LDV-SESSION-ALLOW-CREATE-NEW-FALSE-NOTHING-CREATED', 'allow_create_new: false (or its older spelling) with an unknown reference creates nothing, even with full details'), async () => {
    for (const flag of ['allow_create_new', 'allow_create_author_reference']) {
      const ref = `${runTag}-no-create-${flag}`;
      const res = await ldv.startSession({ author_reference: ref, name: 'Should Not Exist', email: 'nobody@example.com', [flag]: false });
      expect(res.status, `${flag}: false must not create (status ${res.status})`).toBeGreaterThanOrEqual(400);
      expect((await ldv.authorByReference(ref)).status, 'no author was created').toBe(404);
    }
  });

  it(rule(['LDV-SESSION-IDENTITY-FIRST-USE-201', 'LDV-SESSION-IDENTITY-UNKNOWN-404'], 'an identity_token creates its author once (201), then reuses it (200); an unknown one is 404'), async (ctx) => {
    const identity = loudvoiceOf(http.target).identityToken;
    if (!identity) return ctx.skip('the target file names no Social Login identity token');
    const first = await ldv.startSession({ identity_token: identity });
    expect([200, 201]).toContain(first.status);
    const author = dataOf(first).author_session.author.author_token;
    for (let i = 0; i < 3; i++) {
      const again = await ldv.startSession({ identity_token: identity });
      expect(again.status, 'the identity has an author now: 200').toBe(200);
      expect(dataOf(again).author_session.author.author_token).toBe(author);
    }
    const unknown = await ldv.startSession({ identity_token: '00000000-0000-4000-8000-00000000dead' });
    expect(unknown.status).toBe(404);
  });
});

everyResponseMatchesTheContract('loudvoice', () => http);
