/**
 * Adds touches to users' histories and keeps each bounded: the newest `keep` touches, none
 * older than `oldest`. One call for many histories (of one hash slot on Cluster).
 *
 * KEYS: touch histories (zsets). ARGV: 1 keep, 2 oldest ts kept, 3 ttl ms, then per key the
 * number of touches n and n pairs of (ts, member).
 * Returns the number of touches added or already there.
 */
export const RECORD_TOUCH_LUA = `
local keep, oldest, ttl = tonumber(ARGV[1]), '(' .. ARGV[2], ARGV[3]
local a, total = 4, 0
for k = 1, #KEYS do
  local n = tonumber(ARGV[a])
  for i = 1, n do
    redis.call('ZADD', KEYS[k], ARGV[a + 2 * i - 1], ARGV[a + 2 * i])
  end
  a = a + 1 + 2 * n
  total = total + n
  redis.call('ZREMRANGEBYSCORE', KEYS[k], '-inf', oldest)
  redis.call('ZREMRANGEBYRANK', KEYS[k], 0, -1 - keep)
  redis.call('PEXPIRE', KEYS[k], ttl)
end
return total
`;
