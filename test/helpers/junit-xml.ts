import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** The common JUnit schema (Jenkins' junit-10.xsd), written out in test/fixtures. */
export const JUNIT_XSD = resolve(import.meta.dirname, '../fixtures/junit-10.xsd');

/** Whether Debian's xmllint (package libxml2-utils) is on PATH. */
export const hasXmllint = spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).status === 0;

/**
 * A JUnit file is checked by a real consumer, xmllint. Without it a local run may skip those tests, but CI (CI=true,
 * where .ci/run installs libxml2-utils) must not pass without the check: the test fails and says what to install.
 */
export const skipWithoutXmllint = !hasXmllint && process.env.CI !== 'true';

/** Fails, naming the package, when xmllint is missing (CI=true reaches this: skipWithoutXmllint is false there). */
export function requireXmllint(): void {
  if (!hasXmllint) throw new Error('xmllint is not installed: apt-get install libxml2-utils (CI needs it to validate the JUnit XML)');
}

/** Validates a file against junit-10.xsd with xmllint; `ok` false with xmllint's complaints otherwise. */
export function validateJUnit(file: string): { ok: boolean; output: string } {
  requireXmllint();
  const run = spawnSync('xmllint', ['--noout', '--schema', JUNIT_XSD, file], { encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

/** Evaluates an XPath expression over a file with xmllint (string and number results, e.g. `count(//testcase)`). */
export function xpath(file: string, expression: string): string {
  requireXmllint();
  const run = spawnSync('xmllint', ['--xpath', expression, file], { encoding: 'utf8' });
  // xmllint exits 10 for an expression that selects nothing (an empty node set).
  if (run.status === 10) return '';
  if (run.status !== 0) throw new Error(`xmllint --xpath ${expression} ${file}: ${run.stderr}`);
  return run.stdout.trim();
}
