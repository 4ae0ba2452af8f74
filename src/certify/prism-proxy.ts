import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The contract file of each API. */
export const CONTRACTS = {
  livevox: fileURLToPath(new URL('../../openapi/livevox-session.yaml', import.meta.url)),
  loudvoice: fileURLToPath(new URL('../../openapi/loudvoice.yaml', import.meta.url)),
} as const;

/** A request or response Prism found to break the contract. */
export interface PrismViolation {
  /** The request it concerns, as Prism logged it ("post /session/login"). */
  request: string;
  /** `request` or `response` */
  side: 'request' | 'response';
  message: string;
}

/** A running Prism (`proxy` or `mock`): where to send traffic, what it found, and how to stop it. */
export interface PrismProxy {
  url: string;
  violations: () => PrismViolation[];
  stop: () => void;
}

const require = createRequire(import.meta.url);

/** Where the installed Prism CLI lives. */
export const prismBin = (): string => require.resolve('@stoplight/prism-cli/dist/index.js');

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

// Prism prints ANSI colours and a time stamp before each message.
// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

/**
 * Starts `prism proxy CONTRACT UPSTREAM` on a loopback port: Prism forwards every request to the upstream and
 * validates both directions against the contract, independently of session-kit's own checks.
 */
export function startPrismProxy(contract: string, upstream: string, options: { port?: number; echo?: (line: string) => void } = {}): Promise<PrismProxy> {
  return startPrism(['proxy', contract, upstream], options);
}

/** Starts `prism mock CONTRACT` on a loopback port: Prism answers with the contract's examples, keeping no state. */
export function startPrismMock(contract: string): Promise<PrismProxy> {
  return startPrism(['mock', contract], {});
}

/** Runs Prism with `args` on a loopback port, reading its log for violations; resolves once it listens. */
async function startPrism(args: string[], options: { port?: number; echo?: (line: string) => void }): Promise<PrismProxy> {
  const [command, ...rest] = args;
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, [prismBin(), command!, '-h', '127.0.0.1', '-p', String(port), ...rest], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const violations: PrismViolation[] = [];
  let lastRequest = '';
  let pending = '';
  let startupLog = '';
  const onLine = (raw: string) => {
    const line = stripAnsi(raw);
    options.echo?.(line);
    const request = /\[HTTP SERVER\] (\w+ \S+)/.exec(line);
    if (request) lastRequest = request[1]!;
    const violation = /Violation: (request|response)(\S*) (.*)$/.exec(line);
    if (violation) violations.push({ request: lastRequest, side: violation[1] as 'request' | 'response', message: `${violation[1]}${violation[2]} ${violation[3]}`.trim() });
  };
  const onData = (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (startupLog.length < 20_000) startupLog += `${line}\n`;
      onLine(line);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`prism ${command} did not start:\n${startupLog}`)), 60_000);
    const check = () => {
      if (/Prism is listening/.test(stripAnsi(startupLog))) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`prism ${command} exited with ${code}:\n${startupLog}`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, violations: () => [...violations], stop: () => child.kill('SIGTERM') };
}
