const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => (n < 10 ? `0${n}` : String(n));

// Most dates in one answer fall in the same second as the last one formatted (request.date, date_last_update …).
let lastSecond = Number.NaN;
let lastText = '';

/** Formats epoch ms as LoudVoice dates are written: RFC 2822 with a numeric offset, in UTC ("Mon, 26 Mar 2018 17:35:43 +0000"). */
export function rfc2822(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second === lastSecond) return lastText;
  const d = new Date(second * 1000);
  lastText = `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(
    d.getUTCMinutes(),
  )}:${two(d.getUTCSeconds())} +0000`;
  lastSecond = second;
  return lastText;
}
