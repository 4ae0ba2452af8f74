import { parseArgs } from 'node:util';
import { CONTRACTS, startPrismProxy, type PrismProxy } from '../certify/prism-proxy.js';
import { onStop } from './on-stop.js';
import { UsageError } from './usage-error.js';

export const PROXY_HELP = `session-kit proxy: put Prism in front of a deployment so your own client's traffic is checked

Options:
  --target URL    the deployment (session-kit, or a real one)
  --api API       livevox | loudvoice | both (default both: LiveVox on --port, LoudVoice on --port + 1)
  --port PORT     where the proxy listens (default 4011)

Point your client at the proxy; every request and response that breaks the contract is printed as a violation.`;

/** Runs Prism proxies until interrupted. */
export async function proxy(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { target: { type: 'string' }, api: { type: 'string', default: 'both' }, port: { type: 'string', default: '4011' }, help: { type: 'boolean', default: false } },
    strict: true,
  });
  if (values.help) {
    console.log(PROXY_HELP);
    return;
  }
  if (!values.target || !/^https?:\/\//.test(values.target)) throw new UsageError('--target URL is required (http or https)');
  if (!['livevox', 'loudvoice', 'both'].includes(values.api)) throw new UsageError('--api must be livevox, loudvoice or both');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65534) throw new UsageError('--port must be a port number');
  const apis = values.api === 'both' ? (['livevox', 'loudvoice'] as const) : [values.api as 'livevox' | 'loudvoice'];
  const upstream = values.target.replace(/\/+$/, '');
  const running: PrismProxy[] = [];
  for (const [i, api] of apis.entries()) {
    const p = await startPrismProxy(CONTRACTS[api], upstream, {
      port: port + i,
      echo: (line) => {
        if (/Violation|HTTP SERVER/.test(line)) console.log(`[${api}] ${line.replace(/^\[[^\]]*\]\s*›\s*/, '').trim()}`);
      },
    });
    running.push(p);
    console.log(`session-kit proxy: ${api} contract checked on ${p.url} -> ${upstream}`);
  }
  onStop(env, () => {
    for (const p of running) p.stop();
    process.exit(0);
  });
}
