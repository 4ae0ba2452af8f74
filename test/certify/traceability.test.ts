// Every assertion of the conformance kit is traceable to one rule and its source: the suites take `expect` only from
// the harness (which refuses it outside a check), every check names a rule the contracts define, and every rule a
// check names is one its test's title lists (so `--rule` finds it).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules as livevoxRules } from '../../src/generated/livevox-session-catalogue.js';
import { rules as loudvoiceRules } from '../../src/generated/loudvoice-catalogue.js';
import { FAULTS } from '../../src/core/faults.js';
import { ruleDecides } from '../../src/certify/check-tally.js';

const dir = join(import.meta.dirname, '../../conformance');
const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.startsWith('harness/checks.ts'));
const known = new Set<string>([...livevoxRules, ...loudvoiceRules].map((r) => r.id));

describe('traceability of the conformance suites', () => {
  it.each(files)('%s takes expect only from the harness', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    expect(text).not.toMatch(/import\s*\{[^}]*\bexpect\b[^}]*\}\s*from\s*'vitest'/);
  });

  it.each(files)('%s checks only rules the contracts define', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const named = [...text.matchAll(/(?:check|precondition)\('((?:LVX|LDV)-[A-Z0-9-]+)'/g)].map((m) => m[1]!);
    expect(named.filter((id) => !known.has(id))).toEqual([]);
  });

  it('grades each rule from its contract: documented ones and observed ones marked decides: true decide', () => {
    const deciding = [...livevoxRules, ...loudvoiceRules].filter((r) => ruleDecides(r.provenance));
    expect(deciding.length).toBeGreaterThan(50);
    for (const r of deciding) expect(r.rule, r.id).not.toMatch(/\bcode 1\d{4}\b/);
  });

  it('has a fault for every deciding rule HTTP can show, so the fault matrix proves each one is checked', () => {
    const proven = new Set(Object.values(FAULTS as Record<string, { rule: string; also?: readonly string[] }>).flatMap((f) => [f.rule, ...(f.also ?? [])]));
    const unproven = [...livevoxRules, ...loudvoiceRules]
      .filter((r) => ruleDecides(r.provenance) && !(r.provenance as { 'not-observable'?: string })['not-observable'])
      .map((r) => r.id)
      .filter((id) => !proven.has(id));
    expect(unproven).toEqual([]);
  });
});
