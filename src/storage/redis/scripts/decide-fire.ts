/**
 * The attribution decision for one fire of a known user on an eligible pixel, and the
 * user-scoped writes it implies, in one atomic step (SPEC 4.6). It mirrors
 * src/attribution/credit.ts and repeat-rule.ts; test/attribution/lua-agrees.test.ts holds it
 * to them.
 *
 * KEYS: 1 touches zset (member "ts:i|c:li:cp:cr", score ts), 2 last-conversion string,
 *       3 order-id zset (member order_id, score ts). All share the user's hash tag.
 * ARGV: 1 fire ts, 2 trigger_type, 3 view window ms, 4 click window ms,
 *       5 min_minutes_per_conv ("" = null), 6 order_id ("" = none), 7 order memory ms,
 *       8 state ttl ms, 9.. creditable line item ids.
 * Returns {reason, credited touch member or "", "click"|"view"|""}.
 */
export const DECIDE_FIRE_LUA = `
local now = tonumber(ARGV[1])
local trigger = ARGV[2]
local view_ms = tonumber(ARGV[3])
local click_ms = tonumber(ARGV[4])
local lineitems = {}
for i = 9, #ARGV do lineitems[tonumber(ARGV[i])] = true end

local function newer(a, b)
  if a.ts ~= b.ts then return a.ts > b.ts end
  if a.li ~= b.li then return a.li > b.li end
  if a.cp ~= b.cp then return a.cp > b.cp end
  return a.cr > b.cr
end

local oldest = now - math.max(view_ms, click_ms)
local members = redis.call('ZREVRANGEBYSCORE', KEYS[1], now, oldest)
local view, click
for _, m in ipairs(members) do
  local ts, kind, li, cp, cr = string.match(m, '^(%d+):(%a):(%d+):(%d*):(%d*)$')
  if ts and lineitems[tonumber(li)] then
    local t = {m = m, ts = tonumber(ts), li = tonumber(li),
      cp = tonumber(cp) or -1, cr = tonumber(cr) or -1}
    local age = now - t.ts
    if kind == 'i' and age <= view_ms and (not view or newer(t, view)) then view = t end
    if kind == 'c' and age <= click_ms and (not click or newer(t, click)) then click = t end
  end
end

local credit, ctype
if trigger ~= 'view' and click then credit, ctype = click, 'click'
elseif trigger ~= 'click' and view then credit, ctype = view, 'view' end
if not credit then return {'no_touch', '', ''} end

local order = ARGV[6]
local order_memory = tonumber(ARGV[7])
if order ~= '' then
  local at = redis.call('ZSCORE', KEYS[3], order)
  if at and now - tonumber(at) <= order_memory then return {'duplicate_order', credit.m, ctype} end
end
local last = redis.call('GET', KEYS[2])
if last then
  last = tonumber(last)
  if ARGV[5] == '' then return {'repeat_user', credit.m, ctype} end
  if now - last < tonumber(ARGV[5]) * 60000 then return {'repeat_interval', credit.m, ctype} end
end

local ttl = ARGV[8]
local newest = now
if last and last > now then newest = last end
redis.call('SET', KEYS[2], string.format('%d', newest), 'PX', ttl)
if order ~= '' then
  redis.call('ZADD', KEYS[3], now, order)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. string.format('%d', now - order_memory))
  redis.call('PEXPIRE', KEYS[3], ttl)
end
return {'counted', credit.m, ctype}
`;
