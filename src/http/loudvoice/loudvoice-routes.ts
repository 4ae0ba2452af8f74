import type { FastifyInstance } from 'fastify';
import type { ServerState } from '../server-state.js';

/** What the LoudVoice routes need from the server. */
export interface LoudVoiceRouteDeps {
  state: ServerState;
  now: () => number;
}

/** Registers the LoudVoice API (placeholder until the LoudVoice service lands). */
export function registerLoudVoiceRoutes(_app: FastifyInstance, _deps: LoudVoiceRouteDeps): void {}
