/** A server that cannot start for a reason around it (address in use, no such host, unwritable state): exit 1. */
export class CannotStartError extends Error {
  override name = 'CannotStartError';
}

/** Why listening on host:port failed, in one line that says which option to change. */
export function whyNotListening(error: unknown, host: string, port: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is already in use: choose another with --port (--port 0 picks a free one)`;
    case 'EADDRNOTAVAIL':
      return `${host} is not an address of this machine: choose another with --host (127.0.0.1, or 0.0.0.0 for every interface)`;
    case 'ENOTFOUND':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return `--host ${host}: no such host name`;
    case 'EAI_AGAIN':
      return `--host ${host}: the name cannot be resolved right now (EAI_AGAIN)`;
    case 'EACCES':
      return `no permission to listen on port ${port}: choose one above 1023 with --port`;
    default:
      return `cannot listen on ${host} port ${port}: ${(error as Error).message}`;
  }
}
