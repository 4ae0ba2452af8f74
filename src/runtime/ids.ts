import { randomUUID } from 'node:crypto';
import type { IdSource } from '../core/ports.js';

/**
 * UUID v4 from the platform CSPRNG: the id source of every running server. Node builds the string from many
 * pieces (a rope of ~490 bytes); `toLowerCase()` returns it flat (~64 bytes), which matters at a million sessions.
 */
export const cryptoIds: IdSource = { uuid: () => randomUUID().toLowerCase() };
