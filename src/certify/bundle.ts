// A certification bundle: what a run produced, in a form anyone can check (as Sonobuoy, the OpenID conformance suite
// and the TCKs ship theirs): the certificate, the graded JSON, the JUnit, every exchange as HAR, and a manifest with
// the exact identity of the target, of the kit (version and sha256 of its suites and contracts), of the run (seed,
// runs, times, Node) and the sha256 of every other file. `session-kit verify` checks it; `session-kit replay` re-sends
// a failure's exchanges. Hashes without a signature prove integrity against accidental or naive edits, not against a
// forger who rewrites everything consistently; verify's re-derivation of the verdict is what catches a verdict edit.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExchangeRecord } from './exchange-record.js';
import { toHar } from './har.js';
import { CAPABILITY_NAMES, type Capabilities, type Target } from './target.js';
import type { RunResult } from './grade-rules.js';

/** The format tag of a manifest: verify refuses a format it does not know. */
export const BUNDLE_FORMAT = 'session-kit-bundle/1';

/** The files a bundle may hold besides its manifest, by role. */
export const BUNDLE_FILES = { certificate: 'certificate.md', json: 'result.json', junit: 'junit.xml', har: 'exchanges.har' } as const;

/** The manifest's name inside a bundle. */
export const MANIFEST = 'manifest.json';

/** The manifest's own digest field is hashed as this placeholder (the digest cannot contain itself). */
const DIGEST_PLACEHOLDER = '0'.repeat(64);

/** What a bundle's manifest.json says. */
export interface Manifest {
  format: typeof BUNDLE_FORMAT;
  /** sha256 of this file's exact bytes with this value replaced by 64 zeros: a changed byte of the manifest shows. */
  manifestSha256: string;
  target: {
    name: string;
    baseUrl: string;
    /** Each API's own base URL (they may be two deployments). */
    baseUrls: Partial<Record<'livevox' | 'loudvoice', string>>;
    apis: ('livevox' | 'loudvoice')[];
    /** What the target file stated about each capability (absent: it left that to the probe). */
    stated: Partial<Capabilities>;
    /** What the probe found for the capabilities the file left out. */
    probed: Partial<Capabilities>;
    /** What the run used: stated where stated, probed otherwise. */
    capabilities: Capabilities;
    absent: Partial<Record<keyof Capabilities, string>>;
  };
  kit: {
    name: 'session-kit';
    version: string;
    /** Every file under conformance/ and every module of src/ the suites import, hashed in path order. */
    suites: { sha256: string; files: { path: string; sha256: string }[] };
    contracts: { path: string; sha256: string }[];
  };
  node: string;
  run: {
    seed: number;
    runs: number;
    /** The rules a run was limited to (--rule), empty for a whole run: the verdict's wording depends on it. */
    rules: string[];
    prism: boolean;
    startedAt: string;
    endedAt: string;
    verdict: RunResult['summary']['verdict'];
  };
  /** sha256 of every other file of the bundle, by name. */
  files: Record<string, string>;
  /** Files a bundle can hold that this one does not, with the reason. */
  absent: Record<string, string>;
}

/** sha256 of bytes or text, hex. */
export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A source file of the kit: `x.js` in an import names `x.ts` beside it in the sources the package ships. */
function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`]) if (existsSync(candidate) && candidate.endsWith('.ts')) return candidate;
  return undefined;
}

const IMPORT = /(?:from\s+|import\s*\(\s*)['"](\.[^'"]+)['"]/g;

/**
 * The kit's suites as files: everything under conformance/, and the modules of src/ they import (followed through
 * their own relative imports), as paths relative to the package root, sorted so the hash is the same everywhere.
 */
export function suiteFiles(kitRoot: string = root): string[] {
  const conformance = join(kitRoot, 'conformance');
  const files = new Set<string>(readdirSync(conformance, { recursive: true, encoding: 'utf8' }).map((f) => join(conformance, f)).filter((f) => !isDirectory(f)));
  const queue = [...files].filter((f) => f.endsWith('.ts'));
  while (queue.length > 0) {
    const file = queue.pop()!;
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolveImport(file, match[1]!);
      if (target && !files.has(target)) {
        files.add(target);
        queue.push(target);
      }
    }
  }
  return [...files].map((f) => relative(kitRoot, f).split('\\').join('/')).sort();
}

function isDirectory(path: string): boolean {
  try {
    readdirSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The contracts a run is judged against, as the manifest names them. */
const JUDGED_CONTRACTS = ['openapi/livevox-session.yaml', 'openapi/loudvoice.yaml'] as const;

/** The identity of the kit: its version, and sha256 of its suites (a digest over each file's) and of both contracts. */
export function kitFingerprint(kitRoot: string = root): Manifest['kit'] {
  const version = (JSON.parse(readFileSync(join(kitRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const files = suiteFiles(kitRoot).map((path) => ({ path, sha256: sha256(readFileSync(join(kitRoot, path))) }));
  // sha256sum's own line format, so `sha256sum` output of the same files, sorted, hashes to the same digest.
  const digest = sha256(files.map((f) => `${f.sha256}  ${f.path}\n`).join(''));
  // The two APIs' contracts, which the verdict was judged against (openapi/ also holds the admin API's own).
  const contracts = JUDGED_CONTRACTS.map((path) => ({ path, sha256: sha256(readFileSync(join(kitRoot, path))) }));
  return { name: 'session-kit', version, suites: { sha256: digest, files }, contracts };
}

/** The manifest's text with its digest filled in. */
export function sealManifest(manifest: Omit<Manifest, 'manifestSha256'>): string {
  const { format, ...rest } = manifest;
  const text = `${JSON.stringify({ format, manifestSha256: DIGEST_PLACEHOLDER, ...rest }, null, 2)}\n`;
  return text.replace(`"manifestSha256": "${DIGEST_PLACEHOLDER}"`, `"manifestSha256": "${sha256(text)}"`);
}

/** The digest a manifest's text should carry (its bytes with the digest zeroed), or undefined when it has no digest field. */
export function manifestDigest(text: string): { recorded: string; actual: string } | undefined {
  const field = /"manifestSha256": "([0-9a-f]{64})"/.exec(text);
  if (!field) return undefined;
  return { recorded: field[1]!, actual: sha256(text.replace(field[0], `"manifestSha256": "${DIGEST_PLACEHOLDER}"`)) };
}

/** What a bundle is made of. */
export interface BundleInput {
  result: RunResult;
  /** The resolved target (for what its file stated); its secrets are not written anywhere. */
  target: Target;
  /** The reports as the run wrote them (already redacted). */
  certificate: string;
  json: string;
  /** The JUnit XML, when the run produced one. */
  junit?: string;
  /** Why there is no JUnit, when there is none. */
  junitAbsent?: string;
  exchanges: readonly ExchangeRecord[];
  rules: string[];
  prism: boolean;
  endedAt: string;
  /** Where the kit's sources are (the package root by default). */
  kitRoot?: string;
}

/** The files of a bundle, by name, and its manifest's text. */
export function bundleFiles(input: BundleInput): Record<string, string> {
  const { result } = input;
  const withNewline = (s: string) => (s.endsWith('\n') ? s : `${s}\n`);
  const files: Record<string, string> = {
    [BUNDLE_FILES.certificate]: withNewline(input.certificate),
    [BUNDLE_FILES.json]: withNewline(input.json),
    [BUNDLE_FILES.har]: `${JSON.stringify(toHar(input.exchanges, { name: 'session-kit', version: result.tool.version }), null, 2)}\n`,
  };
  const absent: Record<string, string> = {};
  if (input.junit !== undefined) files[BUNDLE_FILES.junit] = withNewline(input.junit);
  else absent[BUNDLE_FILES.junit] = input.junitAbsent ?? 'no JUnit report was written in this run';
  const stated = input.target.stated ?? {};
  const manifest: Omit<Manifest, 'manifestSha256'> = {
    format: BUNDLE_FORMAT,
    target: {
      name: result.target.name,
      baseUrl: result.target.baseUrl,
      baseUrls: result.target.baseUrls ?? {},
      apis: result.target.apis,
      stated,
      probed: Object.fromEntries(CAPABILITY_NAMES.filter((c) => !(c in stated)).map((c) => [c, result.target.capabilities[c]])),
      capabilities: result.target.capabilities,
      absent: result.target.absent,
    },
    kit: kitFingerprint(input.kitRoot),
    node: result.node,
    run: { seed: result.seed, runs: result.runs, rules: input.rules, prism: input.prism, startedAt: result.startedAt, endedAt: input.endedAt, verdict: result.summary.verdict },
    files: Object.fromEntries(Object.entries(files).map(([name, text]) => [name, sha256(text)])),
    absent,
  };
  return { ...files, [MANIFEST]: sealManifest(manifest) };
}

/** True when a bundle path names an archive (`.tar.gz` or `.tgz`) rather than a directory. */
export const isArchive = (path: string): boolean => /\.(tar\.gz|tgz)$/.test(path);

/** Writes a bundle to a directory (created; it must be empty) or to a `.tar.gz` archive; returns the file names. */
export async function writeBundle(out: string, input: BundleInput): Promise<string[]> {
  const files = bundleFiles(input);
  const names = Object.keys(files).sort();
  if (!isArchive(out)) {
    mkdirSync(out, { recursive: true });
    for (const name of names) writeFileSync(join(out, name), files[name]!);
    return names;
  }
  const staging = mkdtempSync(join(tmpdir(), 'session-kit-bundle-'));
  try {
    for (const name of names) writeFileSync(join(staging, name), files[name]!);
    mkdirSync(dirname(out), { recursive: true });
    const tar = await import('tar');
    // portable: no user or group names, no device numbers, so the archive holds nothing of the machine but the files.
    await tar.create({ gzip: true, file: out, cwd: staging, portable: true }, names);
    return names;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Why a bundle path cannot be written to, or undefined: a directory must be new or empty, so nothing unlisted ends up in it. */
export function bundlePathProblem(out: string): string | undefined {
  if (isArchive(out)) return existsSync(out) && isDirectory(out) ? `${out} is a directory, not an archive name` : undefined;
  if (!existsSync(out)) return undefined;
  if (!isDirectory(out)) return `${out} exists and is not a directory`;
  return readdirSync(out).length > 0 ? `${out} is not empty: a bundle directory must be new or empty` : undefined;
}

/** A bundle opened for reading: its directory (an archive extracted to a temporary one) and how to let it go. */
export interface OpenedBundle {
  dir: string;
  close: () => void;
}

/** Opens a bundle directory or `.tar.gz`; throws an Error with one readable line when it cannot be read. */
export async function openBundle(path: string): Promise<OpenedBundle> {
  if (!existsSync(path)) throw new Error(`${path}: no such file or directory`);
  if (isDirectory(path)) return { dir: path, close: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'session-kit-verify-'));
  const close = () => rmSync(dir, { recursive: true, force: true });
  try {
    const tar = await import('tar');
    // strict: a damaged archive is an error, not a partial extraction; node-tar refuses paths outside `cwd`.
    await tar.extract({ file: path, cwd: dir, strict: true });
  } catch (error) {
    close();
    throw new Error(`${path}: cannot be read as a .tar.gz bundle (${(error as Error).message.split('\n')[0]})`);
  }
  return { dir, close };
}
