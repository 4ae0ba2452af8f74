// The kit's matrix, LiveVox half: every LiveVox fault caught on its deciding rule, every LiveVox variant (and all
// variants at once) CONFORMS.
import { describe } from 'vitest';
import { kitMatrix } from '../helpers/kit-matrix-suite.js';

describe('kit matrix: LiveVox faults and variants', () => kitMatrix('livevox'));
