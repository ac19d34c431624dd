/**
 * Appends a batch of fires to their pixels' logs and hourly counters in one step.
 *
 * KEYS, 3 per group of fires of one pixel in one hour: fire log stream, conversion log zset,
 *   hourly stats hash (the pixel's hash tag).
 * ARGV: 1 stats ttl seconds, then per group: number of fires f, number of conversions c,
 *   oldest fire log id kept (ms), oldest conversion kept (ms), f fire rows, c pairs of
 *   (conversion time ms, conversion member) (encodings: src/storage/redis/row-codec.ts), and 6 counter increments: fires,
 *   unattributed_fires, post_view_convs, post_click_convs, post_view_revenue, post_click_revenue.
 */
export const APPEND_FIRES_LUA = `
local counters = {'fires', 'unattributed_fires', 'post_view_convs', 'post_click_convs',
  'post_view_revenue', 'post_click_revenue'}
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
  for i = 1, 6 do
    local by = ARGV[a + i - 1]
    if by ~= '0' then
      if i <= 4 then redis.call('HINCRBY', KEYS[k + 2], counters[i], by)
      else redis.call('HINCRBYFLOAT', KEYS[k + 2], counters[i], by) end
    end
  end
  a = a + 6
  redis.call('EXPIRE', KEYS[k + 2], ARGV[1])
  k = k + 3
end
return k / 3
`;
