// Shims that make documented commands run against this checkout: `npx session-kit`, `session-kit` and `npm start`
// become bin/session-kit.js (needs dist/, built by `npm ci`/`npm run build`). Shared by the tests that run the
// recipes of README.md and docs/ as written.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/session-kit.js');

/** A free TCP port on the loopback interface (the store tests' helper). */
export { freePort } from './redis-server.js';

function script(dir: string, name: string, text: string): void {
  writeFileSync(join(dir, name), text);
  chmodSync(join(dir, name), 0o755);
}

/** Writes an `npx` shim into `dir` (put it first on PATH): `npx session-kit …` runs this checkout's bin. */
export function writeNpxShim(dir: string): void {
  mkdirSync(dir, { recursive: true });
  script(dir, 'npx', `#!/bin/sh\nif [ "$1" = session-kit ]; then shift; exec "${process.execPath}" "${bin}" "$@"; fi\necho "npx shim: only session-kit is provided" >&2; exit 127\n`);
}

/**
 * Writes `npx`, `session-kit` and `npm` shims into `dir`. `session-kit serve` without `--port` listens on
 * $SK_DOCS_PORT (the free port standing in for the default 4010); `npm start [-- ARGS]` is `session-kit serve ARGS`,
 * as package.json's start script says. Any other npm command fails loudly: it is not something a recipe may need here.
 */
export function writeCliShims(dir: string): void {
  mkdirSync(dir, { recursive: true });
  script(dir, 'npx', `#!/bin/sh\nif [ "$1" = session-kit ]; then shift; exec "${join(dir, 'session-kit')}" "$@"; fi\necho "npx shim: only session-kit is provided" >&2; exit 127\n`);
  script(
    dir,
    'session-kit',
    `#!/bin/bash\nif [ "$1" = serve ] && [ -n "$SK_DOCS_PORT" ] && ! printf '%s\\n' "$@" | grep -qE -- '^--port(=|$)'; then set -- "$@" --port "$SK_DOCS_PORT"; fi\nexec "${process.execPath}" "${bin}" "$@"\n`,
  );
  script(dir, 'npm', `#!/bin/sh\nif [ "$1" = start ]; then shift; [ "$1" = -- ] && shift; exec session-kit serve "$@"; fi\necho "npm shim: only 'npm start' is provided here" >&2; exit 127\n`);
}

/** The default fixtures' credentials (fixtures/default.json), as the docs' recipes name them in a vendor's secrets. */
export const FIXTURE_SECRETS: Readonly<Record<string, string>> = {
  LV_TOKEN_1: '11111111-1111-4111-8111-111111111111',
  LV_TOKEN_2: '22222222-2222-4222-8222-222222222222',
  LV_USER_PASSWORD: 'Demo-Pass-1',
  LOUDVOICE_PUBLIC_KEY: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
  LOUDVOICE_PRIVATE_KEY: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
};
