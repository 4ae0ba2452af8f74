// The kit proves its power on LiveVox: every fault is caught on the deciding rule it breaks, variants on.
import { describe } from 'vitest';
import { faultMatrix } from '../helpers/fault-matrix.js';

describe('LiveVox faults', () => faultMatrix('livevox'));
