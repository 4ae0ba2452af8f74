// The harness's check(): a deciding rule's failure stops the test, any other rule's failure is recorded and the test
// goes on, an assertion outside a check is the kit's own error, and so is a check of a rule the title does not name.
import { describe, expect as vitestExpect, it } from 'vitest';
import { check, expect, KitError } from '../../conformance/harness/checks.js';
import { CHECKS_META } from '../../src/certify/check-tally.js';

describe('check()', () => {
  it('[LVX-ERROR-CODES, LVX-LOGIN-ACCESS-MISSING] records an assumed failure and goes on; a documented failure stops', async (ctx) => {
    const assumed = await check('LVX-ERROR-CODES', () => expect(1001).toBe(10001));
    vitestExpect(assumed).toBeUndefined();
    await check('LVX-ERROR-CODES', () => expect(10001).toBe(10001));
    const meta = ctx.task.meta[CHECKS_META]!;
    vitestExpect(meta['LVX-ERROR-CODES']).toMatchObject({ passed: 1, failed: 1 });
    vitestExpect(meta['LVX-ERROR-CODES']!.failures[0]).toMatch(/expected 1001 to be 10001/);
    await vitestExpect(check('LVX-LOGIN-ACCESS-MISSING', () => expect(200).toBe(401))).rejects.toThrow(/^\[violates LVX-LOGIN-ACCESS-MISSING\] expected 200 to be 401/);
    vitestExpect(meta['LVX-LOGIN-ACCESS-MISSING']).toMatchObject({ passed: 0, failed: 1 });
  });

  it('[LVX-ERROR-CODES] refuses an assertion outside a check, and a check of a rule the title does not name', async () => {
    vitestExpect(() => expect(1).toBe(1)).toThrow(KitError);
    await vitestExpect(check('LVX-EXPIRY-2H', () => expect(1).toBe(1))).rejects.toThrow(KitError);
    await vitestExpect(check('LVX-NO-SUCH-RULE', () => expect(1).toBe(1))).rejects.toThrow(/no contract defines/);
  });
});
