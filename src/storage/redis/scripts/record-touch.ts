/**
 * Adds touches to one user's history for one advertiser and keeps it bounded: the newest
 * `keep` touches, none older than `oldest`.
 *
 * KEYS: 1 touches zset. ARGV: 1 keep, 2 oldest ts kept, 3 ttl ms, then (ts, member) pairs.
 */
export const RECORD_TOUCH_LUA = `
for i = 4, #ARGV, 2 do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -1 - tonumber(ARGV[1]))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('ZCARD', KEYS[1])
`;
