// Kept apart from redis-store.ts so the CLI can print a store's address without loading the Redis client.

/** Removes the password from a Redis URL, for health views and logs. */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, (_m, auth: string) => `//${auth.includes(':') ? `${auth.split(':')[0]}:***` : '***'}@`);
}
