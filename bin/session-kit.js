#!/usr/bin/env node
// Entry point of `npx session-kit` and `npm start`: runs the compiled CLI (npm ci builds it via the prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('session-kit is not built yet: run "npm run build" (npm ci and npm install do it for you).');
  process.exit(1);
}
await import(entry.href);
