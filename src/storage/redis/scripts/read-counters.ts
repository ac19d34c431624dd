/**
 * Reads the report counter hashes of one pixel's hours in one call (they share the pixel's
 * hash tag): one round trip per pixel instead of one command per hour.
 *
 * KEYS: the hourly counter hashes. Returns, per key, its HGETALL (an empty array when absent).
 */
export const READ_COUNTERS_LUA = `
local out = {}
for i = 1, #KEYS do
  out[i] = redis.call('HGETALL', KEYS[i])
end
return out
`;
