/**
 * The user's half of reserving a login attempt (../redis-login-throttle.ts): refused, or
 * counted as a failure before the password is checked, in one step, so a burst cannot slip
 * past the limits between a check and a count. A success takes its failure back later.
 *
 * KEYS: 1 the user's successes, 2 the user's failures, 3 the user's failures from this
 * address, 4 the addresses the user logged in from. ARGV: 1 address, 2 window ms,
 * 3 successes allowed, 4 failures allowed from one address, 5 failures allowed in all (not
 * applied to a known address).
 * Returns {1 if reserved else 0, failures from this address before this attempt}.
 */
export const RESERVE_LOGIN_LUA = `
local ok = tonumber(redis.call('GET', KEYS[1]) or '0')
local failures = tonumber(redis.call('GET', KEYS[2]) or '0')
local here = tonumber(redis.call('GET', KEYS[3]) or '0')
if ok >= tonumber(ARGV[3]) or here >= tonumber(ARGV[4]) then return {0, here} end
if failures >= tonumber(ARGV[5]) and redis.call('SISMEMBER', KEYS[4], ARGV[1]) == 0 then
  return {0, here}
end
for k = 2, 3 do
  if redis.call('INCR', KEYS[k]) == 1 then redis.call('PEXPIRE', KEYS[k], ARGV[2]) end
end
return {1, here}
`;

/**
 * The address's half of reserving a login attempt: counted as a failure of the address (over
 * every username), or refused once the address has failed too often, unless the attempt is
 * the first of its username from this address (then it is counted and never refused: a user
 * with no failures from an address is not locked out by other users' guessers there).
 *
 * KEYS: 1 the address's failures. ARGV: 1 window ms, 2 failures allowed, 3 1 if the attempt is
 * the first of its username from the address, else 0.
 * Returns 1 if reserved, else 0.
 */
export const RESERVE_ADDRESS_LUA = `
if ARGV[3] ~= '1' and tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[2]) then
  return 0
end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1
`;

/**
 * A login that succeeded: its reserved failures are taken back, the address becomes known
 * (at most `max known` of them, an old one dropped at random), and the success is counted
 * unless the user already had all it may (then it is refused, and not counted).
 *
 * KEYS: 1 successes, 2 failures, 3 failures from this address, 4 known addresses.
 * ARGV: 1 address, 2 window ms, 3 successes allowed, 4 known-address TTL ms, 5 max known.
 * Returns 1 if the login may go ahead, else 0.
 */
export const SETTLE_LOGIN_LUA = `
for k = 2, 3 do
  if tonumber(redis.call('GET', KEYS[k]) or '0') > 0 then redis.call('DECR', KEYS[k]) end
end
if redis.call('SISMEMBER', KEYS[4], ARGV[1]) == 0 then
  if redis.call('SCARD', KEYS[4]) >= tonumber(ARGV[5]) then redis.call('SPOP', KEYS[4]) end
  redis.call('SADD', KEYS[4], ARGV[1])
end
redis.call('PEXPIRE', KEYS[4], ARGV[4])
local ok = redis.call('INCR', KEYS[1])
if ok == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if ok > tonumber(ARGV[3]) then
  redis.call('DECR', KEYS[1])
  return 0
end
return 1
`;

/**
 * Takes one reserved failure back from each counter given, if it still exists (a DECR on an
 * expired key would leave a key without a TTL behind). KEYS: failure counters of one hash
 * slot. Returns nothing.
 */
export const RELEASE_FAILURE_LUA = `
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
`;
