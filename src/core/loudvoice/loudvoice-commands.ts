import type { ErrorCode } from '../../generated/loudvoice-catalogue.js';
import type { Result } from '../result.js';
import type {
  AuthorFieldsInput,
  CommentFieldsInput,
  CommentWriteInput,
  DiscussionFieldsInput,
  SessionStartInput,
  Upserted,
} from './inputs.js';
import type { LoudVoiceCore } from './loudvoice-core.js';
import type { Selector } from './loudvoice-site.js';
import type { AuthorSessionView, AuthorView, CommentView, DiscussionView } from './views.js';

/**
 * Every LoudVoice write as a domain operation on one site, in plain JSON: the inputs the edge has already parsed and
 * checked (bodies, queries and paths are the edge's business), never the HTTP request. What is not deterministic
 * travels beside it in the store's log entry (the time the store stamped, the seed new tokens derive from), so
 * applying it is a pure function of the core, the command and those two: a log entry means the same whatever the
 * routes look like in a later release.
 */
export type LoudVoiceOperation =
  | { op: 'createAuthor'; fields: AuthorFieldsInput }
  | { op: 'updateAuthor'; selector: Selector; fields: AuthorFieldsInput }
  | { op: 'deleteAuthor'; selector: Selector }
  | { op: 'startSession'; input: SessionStartInput }
  | { op: 'deleteSession'; token: string }
  | { op: 'createDiscussion'; fields: DiscussionFieldsInput }
  | { op: 'upsertDiscussion'; reference: string; fields: DiscussionFieldsInput }
  | { op: 'updateDiscussion'; selector: Selector; fields: DiscussionFieldsInput }
  | { op: 'deleteDiscussion'; selector: Selector }
  | { op: 'writeComment'; input: CommentWriteInput; mode: 'create' | 'upsert' }
  | { op: 'updateComment'; token: string; fields: CommentFieldsInput }
  | { op: 'deleteComment'; token: string; deleteSubComments: boolean };

/** A LoudVoice command as a store commits it: the operation and the subdomain of the site it runs on. */
export type LoudVoiceCommand = { k: 'ldv'; site: string } & LoudVoiceOperation;

/** What each operation answers: the site's result, as data (views are snapshots, safe to read later). */
export interface LoudVoiceResults {
  createAuthor: Result<AuthorView, ErrorCode>;
  updateAuthor: Result<AuthorView, ErrorCode>;
  deleteAuthor: Result<AuthorView, ErrorCode>;
  startSession: Result<Upserted<AuthorSessionView>, ErrorCode>;
  deleteSession: Result<AuthorSessionView, ErrorCode>;
  createDiscussion: Result<DiscussionView, ErrorCode>;
  upsertDiscussion: Result<Upserted<DiscussionView>, ErrorCode>;
  updateDiscussion: Result<DiscussionView, ErrorCode>;
  deleteDiscussion: Result<DiscussionView, ErrorCode>;
  writeComment: Result<Upserted<CommentView>, ErrorCode>;
  updateComment: Result<CommentView, ErrorCode>;
  deleteComment: Result<CommentView, ErrorCode>;
}

/** The result of one kind of operation. */
export type LoudVoiceResultOf<C extends LoudVoiceOperation> = LoudVoiceResults[C['op']];

/** Applies one LoudVoice command to a core: the same call whichever store ordered it, and no route is involved. */
export function applyLoudVoiceCommand<C extends LoudVoiceCommand>(core: LoudVoiceCore, command: C): LoudVoiceResultOf<C>;
export function applyLoudVoiceCommand(core: LoudVoiceCore, command: LoudVoiceCommand): LoudVoiceResults[keyof LoudVoiceResults] {
  const site = core.site(command.site);
  // Every instance of one store runs the same fixtures (the store's fingerprint), so a missing site is a bug.
  if (!site) throw new Error(`a LoudVoice command names no site of this server: ${command.site}`);
  switch (command.op) {
    case 'createAuthor':
      return site.createAuthor(command.fields);
    case 'updateAuthor':
      return site.updateAuthor(command.selector, command.fields);
    case 'deleteAuthor':
      return site.deleteAuthor(command.selector);
    case 'startSession':
      return site.startSession(command.input);
    case 'deleteSession':
      return site.deleteSession(command.token);
    case 'createDiscussion':
      return site.createDiscussion(command.fields);
    case 'upsertDiscussion':
      return site.upsertDiscussion(command.reference, command.fields);
    case 'updateDiscussion':
      return site.updateDiscussion(command.selector, command.fields);
    case 'deleteDiscussion':
      return site.deleteDiscussion(command.selector);
    case 'writeComment':
      return site.writeComment(command.input, command.mode);
    case 'updateComment':
      return site.updateComment(command.token, command.fields);
    case 'deleteComment':
      return site.deleteComment(command.token, command.deleteSubComments);
  }
  // The previous release logged LoudVoice writes as HTTP requests ({k:'ldv', route, ...}): never guessed at here.
  throw new Error(`unknown LoudVoice command: ${JSON.stringify((command as { op?: unknown; route?: unknown }).op ?? (command as { route?: unknown }).route)}`);
}
