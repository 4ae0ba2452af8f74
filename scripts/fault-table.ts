// Prints the two tables of docs/kit.md's "The kit proves its power" section (`npm run kit:faults`, about 3 minutes):
// every test-only fault with the deciding rule a default run names when the variants are on, and every legitimate
// variant with the verdict and the non-deciding rules where it shows. It runs the same matrix as npm test.
import { FAULTS } from '../src/core/faults.js';
import { VARIANTS } from '../src/core/variants.js';
import { allMatrixEntries, runMatrix } from '../test/helpers/kit-matrix.js';

const outcomes = await runMatrix([...allMatrixEntries('livevox'), ...allMatrixEntries('loudvoice')]);
const what = (name: string) => (FAULTS as Record<string, { what: string }>)[name]?.what ?? (VARIANTS as Record<string, { what: string }>)[name]?.what ?? '';
const faultRows = ['| fault | what is wrong | deciding rules that catch it (variants on) | other deciding rules failed |', '|---|---|---|---|'];
const variantRows = ['| variant | what it changes | verdict | where it shows (not deciding) |', '|---|---|---|---|'];
for (const o of outcomes) {
  if (o.kind === 'fault') {
    const caught = o.verdict === 'DOES NOT CONFORM' && o.failedRules.includes(o.rule!);
    const all = [o.rule!, ...(o.also ?? [])];
    faultRows.push(`| \`${o.name}\` | ${what(o.name)} | ${caught ? all.join(', ') : `NOT CAUGHT (${o.rule})`} | ${o.decidingFailed.filter((r) => !all.includes(r)).join(', ') || '-'} |`);
  } else {
    const shows = Object.entries(o.variantRules).map(([id, status]) => `${id} (${status})`);
    const others = o.failedRules.filter((r) => !(r in o.variantRules));
    if (o.kind === 'variant') variantRows.push(`| \`${o.name}\` | ${what(o.name)} | ${o.verdict} | ${[...shows, ...others].join(', ') || '-'} |`);
    else if (o.kind === 'policy') variantRows.push(`| policy \`${o.name}\` | the reference's fixtures enforce it; ${o.repeat ?? 1} runs on one server, no clock or reset | ${[o.verdict, ...(o.repeats ?? []).map((r) => r.verdict)].join(', ')} | ${others.join(', ') || '-'} |`);
    else variantRows.push(`| every variant at once | all ${o.variants.length} together, both APIs | ${o.verdict} | ${o.failedRules.length} observed/assumed rules differ, ${o.decidingFailed.length} deciding |`);
  }
}
console.log(faultRows.join('\n'));
console.log();
console.log(variantRows.join('\n'));
process.exit(0);
