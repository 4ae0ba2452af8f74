#!/usr/bin/env node
// Entry point of `npx session-kit` and `npm start`: runs the compiled CLI. A package from `npm pack` ships it built;
// a clone builds it on `npm ci` (the prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('session-kit is not built: in a clone, run "npm ci" (it builds) or "npm run build".');
  process.exit(1);
}
await import(entry.href);
