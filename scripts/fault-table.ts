// Prints the fault table of README.md: for each test-only fault, the rule the kit names when it catches it and
// how many property runs it took. Runs the whole kit once per fault (a minute or two): `npm run kit:faults`.
import { FAULTS, type FaultName } from '../src/core/faults.js';
import { runKitAgainstFaults } from '../test/helpers/kit-run.js';

const rows: string[] = ['| fault | what is wrong | rule that caught it | runs to catch it | other rules failed |', '|---|---|---|---|---|'];
for (const [fault, { rule, what }] of Object.entries(FAULTS) as [FaultName, (typeof FAULTS)[FaultName]][]) {
  const run = await runKitAgainstFaults([fault], fault.startsWith('livevox') ? 'livevox' : 'loudvoice');
  const caught = run.failedRules.includes(rule) && run.exitCode === 1;
  const others = run.failedRules.filter((r) => r !== rule);
  rows.push(`| \`${fault}\` | ${what} | ${caught ? rule : `NOT CAUGHT (${rule})`} | ${caught ? run.runsToCatch[rule] : '-'} | ${others.join(', ') || '-'} |`);
  process.stderr.write(`${fault}: ${caught ? 'caught' : 'NOT CAUGHT'}\n`);
}
console.log(rows.join('\n'));
