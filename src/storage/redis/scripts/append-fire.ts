/**
 * Appends a batch of fires to their pixels' logs and report counters in one step, once: a batch
 * sent again (a retry, a spool replay after a lost reply) changes nothing. Each writer (an edge
 * process) numbers its batches in the order it sends them; a pixel remembers the newest number
 * it took from each writer, and a group of that number or older was taken already.
 *
 * KEYS, 4 per group of fires of one pixel in one hour: fire log stream, conversion log zset,
 *   report counters hash of that hour, the pixel's applied-batch marker for this writer (all
 *   with the pixel's hash tag).
 * ARGV: 1 counters ttl seconds, 2 batch number, 3 marker ttl ms, then per group: number of
 *   fires f, number of conversions c, oldest fire log id kept (ms), oldest conversion kept (ms),
 *   f fire rows, c pairs of (conversion time ms, conversion member) (encodings:
 *   src/storage/redis/row-codec.ts), the number of counter fields n and n pairs of
 *   (field, increment) (src/reports/report-counters.ts).
 * Returns the number of groups written.
 */
export const APPEND_FIRES_LUA = `
local seq, marker_ttl = tonumber(ARGV[2]), ARGV[3]
-- marker key -> whether this call writes that pixel's groups
local taking = {}
local written = 0
local a, k = 4, 1
while a <= #ARGV do
  local marker = KEYS[k + 3]
  if taking[marker] == nil then
    local last = tonumber(redis.call('GET', marker) or '-1')
    taking[marker] = last < seq
    if taking[marker] then redis.call('SET', marker, ARGV[2], 'PX', marker_ttl) end
  end
  local fires, convs, minid, minconv = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), ARGV[a + 2], ARGV[a + 3]
  a = a + 4
  local fields_at = a + fires + 2 * convs
  local fields = tonumber(ARGV[fields_at])
  if taking[marker] then
    written = written + 1
    for i = 1, fires do
      redis.call('XADD', KEYS[k], 'MINID', '~', minid, '*', 'row', ARGV[a + i - 1])
    end
    a = a + fires
    if convs > 0 then
      for i = 1, convs do
        redis.call('ZADD', KEYS[k + 1], ARGV[a], ARGV[a + 1])
        a = a + 2
      end
      redis.call('ZREMRANGEBYSCORE', KEYS[k + 1], '-inf', '(' .. minconv)
    end
    a = a + 1
    for i = 1, fields do
      redis.call('HINCRBY', KEYS[k + 2], ARGV[a], ARGV[a + 1])
      a = a + 2
    end
    redis.call('EXPIRE', KEYS[k + 2], ARGV[1])
  else
    a = fields_at + 1 + 2 * fields
  end
  k = k + 4
end
return written
`;
