/**
 * Calls `stop` once, on SIGINT, SIGTERM or, when npm started this process, on the end of the process that started
 * it: `npx` (and an `npm start` whose script does not `exec`) puts a shell between npm and node, and npm passes a
 * signal to that shell, which dies without passing it on. A second signal gets Node's default: exit at once.
 */
export function onStop(env: NodeJS.ProcessEnv, stop: (why: string) => void): void {
  let stopping = false;
  const once = (why: string) => {
    if (stopping) return;
    stopping = true;
    stop(why);
  };
  process.once('SIGINT', () => once('SIGINT'));
  process.once('SIGTERM', () => once('SIGTERM'));
  if (env.npm_lifecycle_event !== undefined) {
    const parent = process.ppid;
    // process.ppid is read afresh each time: an orphan is adopted by init (or a subreaper), so it changes.
    setInterval(() => {
      if (process.ppid !== parent) once('the npm process that started it ended');
    }, 250).unref();
  }
}
