/**
 * Appends a batch of fires to their pixels' logs and report counters in one step, once: a batch
 * sent again (a retry, a spool replay after a lost reply) changes nothing. Each writer (an edge
 * process) numbers its batches in the order it sends them; a pixel remembers the newest number
 * it took from each writer, and a group of that number or older was taken already.
 *
 * KEYS, 4 per group of fires of one pixel in one hour: fire log stream, conversion log zset,
 *   report counters hash of that hour, the pixel's applied-batch marker for this writer (all
 *   with the pixel's hash tag).
 * ARGV: 1 counters ttl seconds, 2 batch number, 3 marker ttl ms, then 5 per group (packed:
 *   each argument costs the client more than the script's splitting): oldest fire log id kept
 *   (ms), oldest conversion kept (ms), the fire rows joined by newlines, the conversions as
 *   "time ms<TAB>member" lines ("" for none), and the counter increments as "field=n,…"
 *   (rows and members are JSON, which never holds a raw newline or tab; encodings:
 *   src/storage/redis/row-codec.ts and src/reports/report-counters.ts).
 * Returns the number of groups written.
 */
export const APPEND_FIRES_LUA = `
local seq, marker_ttl = tonumber(ARGV[2]), ARGV[3]
-- marker key -> whether this call writes that pixel's groups
local taking = {}
local written = 0
local k = 1
for a = 4, #ARGV, 5 do
  local marker = KEYS[k + 3]
  if taking[marker] == nil then
    local last = tonumber(redis.call('GET', marker) or '-1')
    taking[marker] = last < seq
    if taking[marker] then redis.call('SET', marker, ARGV[2], 'PX', marker_ttl) end
  end
  if taking[marker] then
    written = written + 1
    local minid, minconv = ARGV[a], ARGV[a + 1]
    for row in string.gmatch(ARGV[a + 2], '[^\\n]+') do
      redis.call('XADD', KEYS[k], 'MINID', '~', minid, '*', 'row', row)
    end
    if ARGV[a + 3] ~= '' then
      for at, member in string.gmatch(ARGV[a + 3], '(%d+)\\t([^\\n]+)') do
        redis.call('ZADD', KEYS[k + 1], at, member)
      end
      redis.call('ZREMRANGEBYSCORE', KEYS[k + 1], '-inf', '(' .. minconv)
    end
    for field, by in string.gmatch(ARGV[a + 4], '(%w+)=(%-?%d+)') do
      redis.call('HINCRBY', KEYS[k + 2], field, by)
    end
    redis.call('EXPIRE', KEYS[k + 2], ARGV[1])
  end
  k = k + 4
end
return written
`;
