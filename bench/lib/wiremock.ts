/**
 * WireMock standalone as the benchmark's peer (issue 20): where its jar and a Java runtime are, how it is started, and
 * the stubs an integrator would write for a recorded exchange, loaded through WireMock's admin API.
 *
 * The jar comes from the `wiremock` npm package (a pinned devDependency that bundles the standalone jar), so the
 * benchmark and the stub test run the same WireMock everywhere; Java is the machine's (`java` on PATH).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether WireMock can run here: the jar and the Java runtime, or the reason it cannot. */
export type WiremockAvailability = { ok: true; jar: string; java: string } | { ok: false; reason: string };

/** The standalone jar bundled by the `wiremock` npm package, or null when the package or its jar is missing. */
export function findWiremockJar(root: string): string | null {
  const dir = join(root, 'node_modules', 'wiremock', 'build');
  if (!existsSync(dir)) return null;
  const jar = readdirSync(dir).find((f) => /^wiremock-standalone-.*\.jar$/.test(f));
  return jar ? join(dir, jar) : null;
}

/** The first line of `java -version` (e.g. `openjdk version "17.0.15"`), or null when Java does not run. */
export function javaVersion(): string | null {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 15_000 });
  if (result.error || result.status !== 0) return null;
  // java -version writes to stderr.
  return `${result.stderr}${result.stdout}`.split('\n')[0]?.trim() || 'java (version unknown)';
}

/** Checks the jar and Java; never throws, so a caller can skip WireMock with the reason. */
export function wiremockAvailability(root: string): WiremockAvailability {
  const jar = findWiremockJar(root);
  if (!jar) return { ok: false, reason: 'the wiremock package or its standalone jar is absent (node_modules/wiremock/build/*.jar): run npm ci' };
  const java = javaVersion();
  if (!java) return { ok: false, reason: '`java -version` fails: no Java runtime on PATH (WireMock 3 needs Java 11+; apt-get install openjdk-17-jre-headless)' };
  return { ok: true, jar, java };
}

/** How a WireMock is run: with its request journal (its default) or with `--no-request-journal`. */
export interface WiremockMode {
  requestJournal: boolean;
}

/**
 * The `java` arguments of a WireMock standalone on loopback. Everything else is WireMock's default (Jetty's thread
 * pool, no per-request logging without --verbose, the JVM's default heap), as an integrator would run it.
 */
export function wiremockArgs(jar: string, port: number, mode: WiremockMode): string[] {
  // Not --max-request-journal-entries: WireMock 3.13 then counts the whole journal (a stream over every entry) on every
  // request to trim it, a cost its default, unbounded journal does not have. Reset it between loads instead.
  // Its own root folder (mappings/, __files/) under the system's temporary directory, not the project's working copy.
  const rootDir = mkdtempSync(join(tmpdir(), 'session-kit-wiremock-'));
  return ['-jar', jar, '--port', String(port), '--bind-address', '127.0.0.1', '--disable-banner', '--root-dir', rootDir, ...(mode.requestJournal ? [] : ['--no-request-journal'])];
}

/** One exchange as an integrator records it from the real API (here: from session-kit) to stub it in WireMock. */
export interface RecordedExchange {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  /** The path without a query string. */
  path: string;
  /** The header that carries the credential, and its value: the stub answers only this exact value. */
  credential: { header: string; value: string };
  /** JSON paths of the request body (`$.a.b`) the stub requires, with their exact values. */
  bodyFields: Record<string, string>;
  response: { status: number; contentType: string; body: string };
}

/** A WireMock stub mapping (the JSON of `POST /__admin/mappings`). */
export interface StubMapping {
  name: string;
  request: {
    method: string;
    urlPath: string;
    headers: Record<string, { equalTo: string }>;
    bodyPatterns?: { matchesJsonPath: { expression: string; equalTo: string } }[];
  };
  response: { status: number; headers: Record<string, string>; body: string };
}

/**
 * The stub an integrator would write for an exchange: method, URL path, the credential header and each body field
 * must match, or WireMock answers 404; the answer is the recorded status, content type and body, byte for byte.
 */
export function stubFor(exchange: RecordedExchange): StubMapping {
  const fields = Object.entries(exchange.bodyFields);
  return {
    name: exchange.name,
    request: {
      method: exchange.method,
      urlPath: exchange.path,
      headers: { [exchange.credential.header]: { equalTo: exchange.credential.value } },
      ...(fields.length > 0 ? { bodyPatterns: fields.map(([expression, equalTo]) => ({ matchesJsonPath: { expression, equalTo } })) } : {}),
    },
    response: { status: exchange.response.status, headers: { 'Content-Type': exchange.response.contentType }, body: exchange.response.body },
  };
}

/** Replaces every stub of a running WireMock with these (reset, then one `POST /__admin/mappings` each). */
export async function loadStubs(port: number, stubs: StubMapping[]): Promise<void> {
  const admin = `http://127.0.0.1:${port}/__admin`;
  const reset = await fetch(`${admin}/mappings/reset`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
  if (!reset.ok) throw new Error(`WireMock refused the mappings reset (${reset.status})`);
  for (const stub of stubs) {
    const res = await fetch(`${admin}/mappings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(stub), signal: AbortSignal.timeout(10_000) });
    if (res.status !== 201) throw new Error(`WireMock refused the stub "${stub.name}" (${res.status}): ${(await res.text()).slice(0, 300)}`);
  }
}

/** Empties WireMock's request journal (`DELETE /__admin/requests`), as an integrator's test does between tests. */
export async function resetRequestJournal(port: number): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/__admin/requests`, { method: 'DELETE', signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`WireMock refused to reset its request journal (${res.status})`);
}

/** The value at a simple JSON path (`$.a.b`, no wildcards or filters) of a parsed body, as a string; undefined when absent. */
export function valueAt(body: unknown, path: string): string | undefined {
  let node: unknown = body;
  for (const key of path.replace(/^\$\.?/, '').split('.').filter(Boolean)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node === undefined || node === null || typeof node === 'object' ? undefined : String(node);
}
