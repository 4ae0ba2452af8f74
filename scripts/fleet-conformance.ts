/**
 * `npm run fleet:conformance`: the whole conformance kit through a real load balancer. Two session-kit instances on
 * one redis-server (the second with --workers 2, so three processes in all) behind nginx doing round-robin; the kit
 * must say CONFORMS with the same counts as against one process with the memory store. Exit 0 when it does.
 * Needs redis-server and nginx on PATH (.ci/run installs them from Debian's packages when absent).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startRedis, type TestRedis } from '../test/helpers/redis-server.js';

const root = resolve(import.meta.dirname, '..');

/** A session-kit server process and how to stop it. */
interface RunningServer {
  url: string;
  stop: () => Promise<void>;
}

/**
 * Runs `session-kit serve` and waits for its "listening on" line: up to 120 s, since a shared CI machine can be slow
 * to start three Node processes (the harness's own helper waits 20 s).
 */
function startServer(args: string[]): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise((resolveStart, rejectStart) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectStart(new Error(`session-kit ${args.join(' ')} did not start within 120 s:\n${out}`));
    }, 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rejectStart(new Error(`session-kit ${args.join(' ')} exited with ${code}:\n${out}`));
    });
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      resolveStart({
        url: match[1]!,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/** Runs the kit against a URL; returns its exit code and headline. */
function conformance(url: string, label: string, json: string): Promise<{ code: number | null; headline: string; output: string; summary: string }> {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'conformance', '--target', url, '--json', json], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('exit', (code) => {
      const headline = /^.*\b(CONFORMS|DOES NOT CONFORM|INCONCLUSIVE)\b.*$/m.exec(output)?.[0]?.trim() ?? "(no verdict line)";
      console.log(`${label}: exit ${code} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${headline}`);
      let summary = '(no JSON)';
      try {
        summary = JSON.stringify((JSON.parse(readFileSync(json, 'utf8')) as { summary: unknown }).summary);
      } catch {
        // No JSON: the run failed before writing it; the exit code says so.
      }
      done({ code, headline, output, summary });
    });
  });
}

/** nginx in the foreground on `port`, round-robin over the upstreams, passing requests through untouched. */
async function startNginx(dir: string, port: number, upstreams: string[]) {
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream fleet {
${upstreams.map((u) => `    server ${u};`).join('\n')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    # The mock answers every request itself, in its API's own shape: no body limit, no header or path rewriting.
    client_max_body_size 0;
    merge_slashes off;
    underscores_in_headers on;
    ignore_invalid_headers off;
    location / {
      proxy_pass http://fleet;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_buffering off;
      proxy_request_buffering off;
      # A write is never sent twice: a failed request is answered, not retried on the other instance.
      proxy_next_upstream off;
    }
  }
}
`,
  );
  const child = spawn('nginx', ['-c', conf, '-p', dir], { stdio: ['ignore', 'inherit', 'inherit'] });
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/__admin/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('nginx did not start');
}

for (const tool of ['redis-server', 'nginx']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`fleet-conformance: ${tool} is not on PATH (apt-get install -y redis-server nginx)`);
    process.exit(2);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'session-kit-fleet-'));
let redis: TestRedis | undefined;
const servers: RunningServer[] = [];
let nginx: ReturnType<typeof spawn> | undefined;
let failed = true;
try {
  redis = await startRedis();
  const common = ['serve', '--port', '0', '--clock', 'fixed', '--log-level', 'warn', '--store', redis.url];
  servers.push(await startServer(common));
  servers.push(await startServer([...common, '--workers', '2']));
  const port = await freePort();
  nginx = await startNginx(dir, port, servers.map((s) => new URL(s.url).host));
  console.log(`fleet: redis ${redis.url}; instances ${servers.map((s) => s.url).join(' and ')} (the second with 2 workers); nginx round-robin on :${port}`);
  const fleet = await conformance(`http://127.0.0.1:${port}`, 'through nginx, two instances on one Redis', join(dir, 'fleet.json'));

  const single = await startServer(['serve', '--port', '0', '--clock', 'fixed', '--log-level', 'warn']);
  servers.push(single);
  const alone = await conformance(single.url, 'one process, memory store', join(dir, 'single.json'));

  // The same counts: every number of the summary (deciding and not, passed, failed, skipped, kit errors).
  failed = fleet.code !== 0 || alone.code !== 0 || fleet.summary !== alone.summary;
  if (fleet.summary !== alone.summary) console.log(`summaries differ:\n  fleet:  ${fleet.summary}\n  single: ${alone.summary}`);
  if (fleet.code !== 0) console.log(fleet.output);
  console.log(failed ? 'fleet-conformance: FAILED (the fleet must conform with the same counts as one process)' : 'fleet-conformance: the fleet CONFORMS with the same counts as one process');
} finally {
  nginx?.kill('SIGQUIT');
  for (const s of servers) await s.stop();
  await redis?.remove();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
