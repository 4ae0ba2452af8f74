import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time of any file under a directory (0 when it does not exist). */
function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

/**
 * Builds dist/ when it is missing or older than src/, so the benchmark always measures this checkout.
 * A build with type errors still emits (tsc's default); that is reported and the benchmark goes on.
 */
export function ensureBuilt(root: string): { built: boolean; note: string } {
  const entry = join(root, 'dist', 'cli', 'main.js');
  const srcNewest = newestMtime(join(root, 'src'));
  if (existsSync(entry) && statSync(entry).mtimeMs >= srcNewest) return { built: false, note: 'dist/ is up to date with src/' };
  console.log(existsSync(entry) ? 'bench: src/ is newer than dist/, running npm run build' : 'bench: dist/ is missing, running npm run build');
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (!existsSync(entry)) throw new Error('npm run build produced no dist/cli/main.js');
  if (result.status !== 0) {
    console.warn(`bench: WARNING npm run build exited with ${result.status}; measuring what it emitted`);
    return { built: true, note: `npm run build exited with ${result.status} (emitted anyway)` };
  }
  return { built: true, note: 'built with npm run build' };
}
