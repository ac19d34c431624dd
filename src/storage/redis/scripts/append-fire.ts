/**
 * Appends a batch of fires to their pixels' logs and report counters in one step.
 *
 * KEYS, 3 per group of fires of one pixel in one hour: fire log stream, conversion log zset,
 *   report counters hash of that hour (the pixel's hash tag).
 * ARGV: 1 counters ttl seconds, then per group: number of fires f, number of conversions c,
 *   oldest fire log id kept (ms), oldest conversion kept (ms), f fire rows, c pairs of
 *   (conversion time ms, conversion member) (encodings: src/storage/redis/row-codec.ts), the
 *   number of counter fields n and n pairs of (field, increment)
 *   (src/reports/report-counters.ts).
 */
export const APPEND_FIRES_LUA = `
local a, k = 2, 1
while a <= #ARGV do
  local fires, convs, minid, minconv = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), ARGV[a + 2], ARGV[a + 3]
  a = a + 4
  for i = 1, fires do
    redis.call('XADD', KEYS[k], 'MINID', '~', minid, '*', 'row', ARGV[a])
    a = a + 1
  end
  if convs > 0 then
    for i = 1, convs do
      redis.call('ZADD', KEYS[k + 1], ARGV[a], ARGV[a + 1])
      a = a + 2
    end
    redis.call('ZREMRANGEBYSCORE', KEYS[k + 1], '-inf', '(' .. minconv)
  end
  local fields = tonumber(ARGV[a])
  a = a + 1
  for i = 1, fields do
    redis.call('HINCRBY', KEYS[k + 2], ARGV[a], ARGV[a + 1])
    a = a + 2
  end
  redis.call('EXPIRE', KEYS[k + 2], ARGV[1])
  k = k + 3
end
return k / 3
`;
