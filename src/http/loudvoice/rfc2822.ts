const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => (n < 10 ? `0${n}` : String(n));

// One answer formats a handful of distinct seconds (request.date, date_creation, date_expiration, …) and the next
// answer mostly the same ones, so the last few formatted seconds are kept, in a direct-mapped table by second.
const SLOTS = 16;
const cachedSecond = new Float64Array(SLOTS).fill(Number.NaN);
const cachedText: string[] = new Array<string>(SLOTS).fill('');

/** Formats epoch ms as LoudVoice dates are written: RFC 2822 with a numeric offset, in UTC ("Mon, 26 Mar 2018 17:35:43 +0000"). */
export function rfc2822(ms: number): string {
  const second = Math.floor(ms / 1000);
  const slot = ((second % SLOTS) + SLOTS) % SLOTS;
  if (cachedSecond[slot] === second) return cachedText[slot]!;
  const d = new Date(second * 1000);
  const text = `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(
    d.getUTCMinutes(),
  )}:${two(d.getUTCSeconds())} +0000`;
  cachedSecond[slot] = second;
  cachedText[slot] = text;
  return text;
}
