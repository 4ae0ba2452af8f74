/**
 * The Lua scripts of the Redis store. Redis runs a script alone, start to end, so each one is an atomic step over
 * the store's keys: the only way the log, the clock and the snapshot change. Every script that answers a request
 * also returns the log entries the caller has not applied yet, so a request costs one round trip at most: under load
 * an instance sends the commands and reads that arrived meanwhile together, in one COMMIT (or SYNC).
 *
 * Keys: KEYS[1] meta (a hash: seq, base, gen, fp, the clock: mode, initmode, offset, start, last, epoch; snapseq),
 * KEYS[2] log (a list of entries "time seed json"; the entry at index i has seq base+1+i), KEYS[3] snap (a string).
 *
 * The reply of commit, sync, clock and reset: {status, seq, now, mode, epoch, snapseq, first, entry...}, where the
 * entries are those after the caller's `since` (seq first, first+1, ...). status is 'ok', 'reload' (the caller must
 * load the snapshot: the log no longer holds what it misses, or the store is not the one it knew), or an error code.
 */

/** The clock in Lua: as ControlledClock, on Redis's own time, so every instance reads one clock. */
const PRELUDE = `
local function fmt(n) return string.format('%.0f', n) end
local function redis_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local m = redis.call('HMGET', KEYS[1], 'mode', 'offset', 'start', 'last', 'seq', 'base', 'epoch', 'snapseq', 'gen')
-- No store (a Redis restarted without persistence, or flushed): the caller makes it again and loads it.
if not m[9] then return {'reload', '0', '0', 'system', '0', '0', '0'} end
local mode, offset, start, last = m[1], tonumber(m[2]), tonumber(m[3]), tonumber(m[4])
local seq, base, epoch, snapseq, gen = tonumber(m[5]), tonumber(m[6]), m[7], m[8], m[9]
local function now_ms()
  local b = start
  if mode == 'system' then b = redis_ms() end
  local t = b + offset
  if t < last then t = last end
  return t
end
local function reply(status, now, since)
  -- What this instance's connection was already sent (replies arrive in order) is not sent again: without this, a
  -- burst of N concurrent requests would each carry the same N entries back.
  local from = since
  local field = 'c:' .. ARGV[3]
  local sent = tonumber(redis.call('HGET', KEYS[1], field) or '-1')
  if sent > from and sent <= seq then from = sent end
  local out = {status, fmt(seq), fmt(now), mode, epoch, snapseq, fmt(from + 1)}
  if status == 'ok' then
    if from < seq then
      local entries = redis.call('LRANGE', KEYS[2], from - base, -1)
      for i = 1, #entries do out[#out + 1] = entries[i] end
    end
    redis.call('HSET', KEYS[1], field, fmt(seq))
  end
  return out
end
local function can_follow(since)
  return since >= base and since <= seq
end
`;

/** ARGV: fingerprint, clock mode, clock start, generation. Creates the store if absent; returns its fingerprint. */
export const INIT = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'seq', 0, 'base', 0, 'gen', ARGV[4], 'fp', ARGV[1], 'mode', ARGV[2], 'initmode', ARGV[2],
    'offset', 0, 'start', ARGV[3], 'last', 0, 'epoch', 0, 'snapseq', 0)
end
return redis.call('HGET', KEYS[1], 'fp')
`;

/**
 * ARGV: generation, since, instance, entry payload ("seed json")... Appends one or more commands, in ARGV's order, each
 * stamped with the store's time: consecutive positions, the last at the reply's seq.
 */
export const COMMIT = `${PRELUDE}
if gen ~= ARGV[1] then return {'reload', fmt(seq), '0', mode, epoch, snapseq, '0'} end
local since = tonumber(ARGV[2])
local now = now_ms()
local stamp = fmt(now) .. ' '
local entries = {}
for i = 4, #ARGV do entries[#entries + 1] = stamp .. ARGV[i] end
seq = seq + #entries
redis.call('HSET', KEYS[1], 'seq', seq, 'last', fmt(now))
redis.call('RPUSH', KEYS[2], unpack(entries))
if not can_follow(since) then return reply('reload', now, since) end
return reply('ok', now, since)
`;

/** ARGV: generation, since, instance. Changes no state: the entries the caller misses, and the time now. */
export const SYNC = `${PRELUDE}
local since = tonumber(ARGV[2])
if gen ~= ARGV[1] or not can_follow(since) then return reply('reload', now_ms(), since) end
return reply('ok', now_ms(), since)
`;

/**
 * ARGV: generation, since, instance, op (advance|set|mode), value. Moves the shared clock as ControlledClock does: never
 * back, never past 9999-12-31T23:59:59.999Z (LATEST_INSTANT in src/runtime/clock.ts); a mode switch continues from the
 * current instant.
 */
export const CLOCK = `${PRELUDE}
local since = tonumber(ARGV[2])
local now = now_ms()
local op, value = ARGV[4], ARGV[5]
local MAX = 253402300799999
if op == 'advance' then
  local ms = tonumber(value)
  if now + ms > MAX then return reply('CLOCK_INVALID', now, since) end
  offset = offset + ms
elseif op == 'set' then
  local at = tonumber(value)
  if at < now then return reply('CLOCK_BACKWARDS', now, since) end
  if at > MAX then return reply('CLOCK_INVALID', now, since) end
  offset = offset + (at - now)
else
  if value == 'fixed' then start = now; offset = 0 else offset = now - redis_ms() end
  mode = value
end
last = now
redis.call('HSET', KEYS[1], 'mode', mode, 'offset', fmt(offset), 'start', fmt(start), 'last', fmt(last))
now = now_ms()
if gen ~= ARGV[1] or not can_follow(since) then return reply('reload', now, since) end
return reply('ok', now, since)
`;

/**
 * ARGV: generation, since, instance. Back to the real time in the clock's first mode (the one time the clock goes back) and a
 * reset entry in the log, which every instance applies: the fixtures again, stamped with the new time.
 */
export const RESET = `${PRELUDE}
local since = tonumber(ARGV[2])
mode = redis.call('HGET', KEYS[1], 'initmode')
offset = 0
start = redis_ms()
last = 0
epoch = tostring(tonumber(epoch) + 1)
local now = now_ms()
seq = seq + 1
redis.call('HSET', KEYS[1], 'mode', mode, 'offset', 0, 'start', fmt(start), 'last', fmt(now), 'epoch', epoch, 'seq', seq)
redis.call('RPUSH', KEYS[2], fmt(now) .. ' - {"k":"reset"}')
if gen ~= ARGV[1] or not can_follow(since) then return reply('reload', now, since) end
return reply('ok', now, since)
`;

/**
 * ARGV: -, -, instance. Everything a starting (or lost) instance needs: {gen, seq, now, mode, epoch, snapseq, snapshot,
 * entry...}, the entries being those after the snapshot.
 */
export const LOAD = `${PRELUDE}
local out = {gen, fmt(seq), fmt(now_ms()), mode, epoch, snapseq, redis.call('GET', KEYS[3]) or ''}
redis.call('HSET', KEYS[1], 'c:' .. ARGV[3], fmt(seq))
local from = tonumber(snapseq)
if from < seq then
  local entries = redis.call('LRANGE', KEYS[2], from - base, -1)
  for i = 1, #entries do out[#out + 1] = entries[i] end
end
return out
`;

/**
 * ARGV: generation, seq, snapshot, keep. Stores a snapshot of the state after entry `seq` (unless a newer one is
 * there) and drops the log entries older than `keep` before it: Redis holds the live state and a short tail.
 */
export const SNAPSHOT = `${PRELUDE}
local at = tonumber(ARGV[2])
if gen ~= ARGV[1] or at < tonumber(snapseq) or at > seq then return 0 end
redis.call('SET', KEYS[3], ARGV[3])
redis.call('HSET', KEYS[1], 'snapseq', at)
local trim = at - tonumber(ARGV[4])
if trim > base then
  redis.call('LTRIM', KEYS[2], trim - base, -1)
  redis.call('HSET', KEYS[1], 'base', trim)
end
return 1
`;
