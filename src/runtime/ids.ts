import { randomUUID } from 'node:crypto';
import type { IdSource } from '../core/ports.js';

/** UUID v4 from the platform CSPRNG: the id source of every running server. */
export const cryptoIds: IdSource = { uuid: () => randomUUID() };
