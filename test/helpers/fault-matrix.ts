// Which variants a fault runs with in the matrix: every one, except those that take away what the fault's rule needs.
import { VARIANTS } from '../../src/core/variants.js';

/** Variants that take away what some rules need to be checked at all (the SSO path, the ID-token minter). */
const REMOVES: Record<string, (rule: string) => boolean> = {
  'no-test-idp': (rule) => rule.startsWith('LVX-SSO-'),
  'livevox-no-sso-endpoint': (rule) => rule.startsWith('LVX-SSO-'),
};

/** Every variant that leaves the fault's rule checkable. */
export const variantsFor = (rule: string): string[] => Object.keys(VARIANTS).filter((v) => !REMOVES[v]?.(rule));
