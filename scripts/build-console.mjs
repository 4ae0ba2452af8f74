#!/usr/bin/env node
// Builds the browser console (src/ui/) into dist/ui/: console.ts bundled and minified into one console.js,
// console.css minified, index.html copied. Part of `npm run build`, so `npm pack` ships it in dist/. Nothing is
// fetched at run time: the server (src/admin/http/console-routes.ts) serves exactly these three files.
import { build } from 'esbuild';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src', 'ui');
const out = join(root, 'dist', 'ui');

await mkdir(out, { recursive: true });
const common = { bundle: true, minify: true, outdir: out, logLevel: 'warning', legalComments: 'none', target: ['es2022', 'chrome109', 'firefox115', 'safari16'] };
await build({ ...common, entryPoints: [join(src, 'console.ts')], format: 'esm', tsconfig: join(src, 'tsconfig.json') });
await build({ ...common, entryPoints: [join(src, 'console.css')] });
await copyFile(join(src, 'index.html'), join(out, 'index.html'));

const files = ['index.html', 'console.js', 'console.css'];
const sizes = await Promise.all(files.map(async (f) => (await stat(join(out, f))).size));
const total = sizes.reduce((a, b) => a + b, 0);
console.log(`build-console: dist/ui/ ${files.map((f, i) => `${f} ${sizes[i]} B`).join(', ')}; ${total} B in all`);
