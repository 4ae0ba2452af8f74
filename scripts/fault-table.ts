// Prints the two tables of README.md's "The kit proves its power" section (`npm run kit:faults`, a few minutes):
// - every test-only fault, alone and with the variants on: the deciding rule the kit names, how many property runs it
//   took (default seed, 40 runs per property, a full default run), and the other rules that failed;
// - every legitimate variant: the verdict of a full run and the non-deciding rules where it shows.
import { FAULTS, type FaultName } from '../src/core/faults.js';
import { VARIANTS, type VariantName } from '../src/core/variants.js';
import { variantsFor } from '../test/helpers/fault-matrix.js';
import { apiOf, runKitAgainst } from '../test/helpers/kit-run.js';

const faultRows = ['| fault | what is wrong | deciding rule that caught it | runs to catch it | caught with the variants on | other rules failed |', '|---|---|---|---|---|---|'];
for (const [fault, { rule, what }] of Object.entries(FAULTS) as [FaultName, (typeof FAULTS)[FaultName]][]) {
  const api = apiOf(fault) === 'livevox' ? 'livevox' : 'loudvoice';
  const alone = await runKitAgainst({ faults: [fault], api });
  const withVariants = await runKitAgainst({ faults: [fault], variants: variantsFor(rule), api });
  const caught = (run: typeof alone) => run.exitCode === 1 && run.failedRules.includes(rule);
  const others = alone.failedRules.filter((r) => r !== rule);
  faultRows.push(`| \`${fault}\` | ${what} | ${caught(alone) ? rule : `NOT CAUGHT (${rule})`} | ${caught(alone) ? alone.runsToCatch[rule] : '-'} | ${caught(withVariants) ? 'yes' : 'NO'} | ${others.join(', ') || '-'} |`);
  process.stderr.write(`${fault}: ${caught(alone) ? 'caught' : 'NOT CAUGHT'}${caught(withVariants) ? '' : ' (not with the variants on)'}\n`);
}
const variantRows = ['| variant | what it changes | verdict | rules where it shows (failed, not deciding; or skipped) |', '|---|---|---|---|'];
for (const [variant, { what }] of Object.entries(VARIANTS) as [VariantName, (typeof VARIANTS)[VariantName]][]) {
  const api = apiOf(variant);
  const run = await runKitAgainst({ variants: [variant], api });
  const shows = run.result?.rules.filter((r) => (!r.decides && r.status === 'fail') || r.status === 'skip').map((r) => `${r.id} (${r.status})`) ?? [];
  variantRows.push(`| \`${variant}\` | ${what} | ${run.result?.summary.verdict ?? 'no result'} | ${shows.join(', ') || '-'} |`);
  process.stderr.write(`${variant}: ${run.result?.summary.verdict}\n`);
}
console.log(faultRows.join('\n'));
console.log();
console.log(variantRows.join('\n'));
