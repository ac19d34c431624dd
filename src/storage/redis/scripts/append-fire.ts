/**
 * Appends one fire to its pixel's logs and counters in one step.
 *
 * KEYS: 1 fire log stream, 2 conversion log zset, 3 hourly stats hash (one pixel's hash tag).
 * ARGV: 1 fire row JSON, 2 conversion row JSON ("" when not counted), 3 conversion time ms,
 *       4 oldest fire log id kept (ms), 5 oldest conversion kept (ms), 6 stats ttl seconds,
 *       7 "1" when attributed, 8 "click"|"view"|"" when counted, 9 revenue ("" = none).
 */
export const APPEND_FIRE_LUA = `
redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[4], '*', 'row', ARGV[1])
redis.call('HINCRBY', KEYS[3], 'fires', 1)
if ARGV[7] ~= '1' then redis.call('HINCRBY', KEYS[3], 'unattributed_fires', 1) end
if ARGV[2] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[5])
  redis.call('HINCRBY', KEYS[3], 'post_' .. ARGV[8] .. '_convs', 1)
  if ARGV[9] ~= '' then
    redis.call('HINCRBYFLOAT', KEYS[3], 'post_' .. ARGV[8] .. '_revenue', ARGV[9])
  end
end
redis.call('EXPIRE', KEYS[3], ARGV[6])
return 1
`;
