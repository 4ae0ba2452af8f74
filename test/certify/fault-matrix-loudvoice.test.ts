// The kit proves its power on LoudVoice: every fault is caught on the deciding rule it breaks, variants on.
import { describe } from 'vitest';
import { faultMatrix } from '../helpers/fault-matrix.js';

describe('LoudVoice faults', () => faultMatrix('loudvoice'));
