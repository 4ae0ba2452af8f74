// The kit's matrix, LoudVoice half: every LoudVoice fault caught on its deciding rule, every LoudVoice variant (and
// those of both APIs) CONFORMS.
import { describe } from 'vitest';
import { kitMatrix } from '../helpers/kit-matrix-suite.js';

describe('kit matrix: LoudVoice faults and variants', () => kitMatrix('loudvoice'));
