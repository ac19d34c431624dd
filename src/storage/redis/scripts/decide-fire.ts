/**
 * Attribution decisions for a batch of fires of known users on eligible pixels, with the
 * user-scoped writes they imply, in one atomic step (SPEC 4.6): fires are decided in the
 * order given, each seeing what the ones before it wrote. It mirrors
 * src/attribution/credit.ts and repeat-rule.ts; test/attribution/lua-agrees.test.ts holds it
 * to them.
 *
 * A fire decided again (a retry or a spool replay after a reply was lost) gets the decision it
 * got the first time it was counted: counted fires are remembered by id, with their credit.
 * Other decisions write nothing, so deciding them again is harmless.
 *
 * KEYS, 2 per fire: touches zset (member "ts:i|c:li:cp:cr", score ts) and the user's repeat
 *   state on the pixel, one sorted set (both with the user's hash tag): member "last" scored
 *   with the time of the last counted conversion, "o:<order_id>" scored with the time that
 *   order was counted, "e:<event key>" scored with the time that event_id was counted (the
 *   key is 16 hex characters of the id's hash, src/storage/redis/fire-key.ts), and "c:<fire key>|<touch member>|c or v" scored with the time of each
 *   counted fire. Members stay short (a 16-character fire key, one letter for the type) so that
 *   a user's state fits Redis's compact listpack encoding (members of at most 64 bytes). Past STATE_KEPT entries the oldest go ("last" is always the newest, so
 *   it stays); an order older than the order memory no longer counts, and the key expires
 *   with the state TTL after the last counted conversion.
 * ARGV: 1 order memory ms, 2 state ttl ms, 3 event id memory ms, then one per fire, its fields
 *   joined by "|" (one argument, not ten: each argument costs the client more than the
 *   script's parsing): fire key (src/storage/redis/fire-key.ts), ts, trigger_type, view window
 *   ms, click window ms, min_minutes_per_conv ("" = null), order_id ("" = none), event key
 *   ("" = none), the click id's click as a touch member ("" = none; the caller has checked its
 *   advertiser), and the creditable line item ids joined by ",".
 * Returns, per fire, 3 entries: reason, credited touch member or "", "click"|"view"|"".
 */
export const DECIDE_FIRES_LUA = `
local order_memory = tonumber(ARGV[1])
local ttl = ARGV[2]
local event_memory = tonumber(ARGV[3])

-- The last two fields of a touch member, for ties of time and line item (rare: parsed late).
local function campaign_creative(m)
  local cp, cr = string.match(m, ':(%d*):(%d*)$')
  return tonumber(cp) or -1, tonumber(cr) or -1
end

-- Whether touch m (time ts, line item li) is newer than best: time, then line item, campaign
-- and creative ids, as src/attribution/credit.ts orders them.
local function wins(m, ts, li, best)
  if not best then return true end
  if ts ~= best.ts then return ts > best.ts end
  if li ~= best.li then return li > best.li end
  local cp, cr = campaign_creative(m)
  local bcp, bcr = campaign_creative(best.m)
  if cp ~= bcp then return cp > bcp end
  return cr > bcr
end

-- How many entries (counted fires and order ids) one user's state on one pixel keeps at most.
local STATE_KEPT = 200

local function decide(touches_key, state_key, fire_id, now, trigger,
                      view_ms, click_ms, min_mins, order, event, clicked, lineitems)
  local prefix = 'c:' .. fire_id .. '|'
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', state_key, now, now)) do
    if string.sub(m, 1, #prefix) == prefix then
      local member, ctype = string.match(string.sub(m, #prefix + 1), '^(.*)|(%a)$')
      return 'counted', member, (ctype == 'c') and 'click' or 'view'
    end
  end

  local oldest = now - math.max(view_ms, click_ms)
  local want_click, want_view = trigger ~= 'view', trigger ~= 'click'
  local view, click
  -- Newest first: once a touch is older than the touch that will get the credit, nothing
  -- after it can change the decision (a click found wins over any view unless trigger is view).
  for _, m in ipairs(redis.call('ZREVRANGEBYSCORE', touches_key, now, oldest)) do
    local ts, kind, li = string.match(m, '^(%d+):(%a):(%d+):')
    if ts then
      ts = tonumber(ts)
      if want_click and click and ts < click.ts then break end
      if not want_click and view and ts < view.ts then break end
      li = tonumber(li)
      if lineitems[li] then
        local age = now - ts
        if kind == 'c' and want_click and age <= click_ms and wins(m, ts, li, click) then
          click = {m = m, ts = ts, li = li}
        elseif kind == 'i' and want_view and age <= view_ms and wins(m, ts, li, view) then
          view = {m = m, ts = ts, li = li}
        end
      end
    end
  end

  -- The click id's click competes with the stored ones under the same rules.
  if clicked ~= '' and want_click then
    local ts, kind, li = string.match(clicked, '^(%d+):(%a):(%d+):')
    ts, li = tonumber(ts), tonumber(li)
    if kind == 'c' and ts and ts <= now and now - ts <= click_ms and lineitems[li]
       and wins(clicked, ts, li, click) then
      click = {m = clicked, ts = ts, li = li}
    end
  end

  local credit, ctype
  if click then credit, ctype = click, 'click'
  elseif view then credit, ctype = view, 'view' end
  if not credit then return 'no_touch', '', '' end

  if event ~= '' then
    local at = redis.call('ZSCORE', state_key, 'e:' .. event)
    if at and math.abs(now - tonumber(at)) <= event_memory then
      return 'duplicate_event', credit.m, ctype
    end
  end
  if order ~= '' then
    local at = redis.call('ZSCORE', state_key, 'o:' .. order)
    if at and now - tonumber(at) <= order_memory then return 'duplicate_order', credit.m, ctype end
  end
  local last = redis.call('ZSCORE', state_key, 'last')
  if last then
    last = tonumber(last)
    if min_mins == '' then return 'repeat_user', credit.m, ctype end
    if now - last < tonumber(min_mins) * 60000 then return 'repeat_interval', credit.m, ctype end
  end

  local newest = now
  if last and last > now then newest = last end
  redis.call('ZADD', state_key, newest, 'last')
  if order ~= '' then redis.call('ZADD', state_key, now, 'o:' .. order) end
  if event ~= '' then redis.call('ZADD', state_key, now, 'e:' .. event) end
  redis.call('ZADD', state_key, now, prefix .. credit.m .. '|' .. string.sub(ctype, 1, 1))
  if redis.call('ZCARD', state_key) > STATE_KEPT then
    redis.call('ZREMRANGEBYRANK', state_key, 0, -STATE_KEPT - 1)
  end
  redis.call('PEXPIRE', state_key, ttl)
  return 'counted', credit.m, ctype
end

local out = {}
-- Fires of one pixel share its line item list: parsed once per call.
local lineitem_sets = {}
local k = 1
for a = 4, #ARGV do
  local id, ts, trigger, view_ms, click_ms, min_mins, order, event, clicked, lis =
    string.match(ARGV[a], '^([^|]*)|(%d+)|(%a+)|(%d+)|(%d+)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
  local lineitems = lineitem_sets[lis]
  if not lineitems then
    lineitems = {}
    for li in string.gmatch(lis, '%d+') do lineitems[tonumber(li)] = true end
    lineitem_sets[lis] = lineitems
  end
  local reason, member, ctype = decide(KEYS[k], KEYS[k + 1], id, tonumber(ts), trigger,
    tonumber(view_ms), tonumber(click_ms), min_mins, order, event, clicked, lineitems)
  out[#out + 1] = reason
  out[#out + 1] = member
  out[#out + 1] = ctype
  k = k + 2
end
return out
`;
