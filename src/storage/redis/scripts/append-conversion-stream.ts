/**
 * Appends counted conversions to the stream other systems consume (docs/storage.md), trimmed
 * by age and by length; once per batch, like the fire log (src/storage/redis/scripts/append-fire.ts).
 *
 * KEYS: 1 the conversion stream, 2 its applied-batch marker for this writer (same hash tag).
 * ARGV: 1 oldest entry id kept (ms), 2 most entries kept (approximately), 3 batch number,
 *   4 marker ttl ms, then one JSON conversion row per entry.
 * Returns the number of entries added.
 */
export const APPEND_CONVERSION_STREAM_LUA = `
local last = tonumber(redis.call('GET', KEYS[2]) or '-1')
if last >= tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
for i = 5, #ARGV do
  redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[1], '*', 'conversion', ARGV[i])
end
redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', ARGV[2])
return #ARGV - 4
`;
