/**
 * Attribution decisions for a batch of fires of known users on eligible pixels, with the
 * user-scoped writes they imply, in one atomic step (SPEC 4.6): fires are decided in the
 * order given, each seeing what the ones before it wrote. It mirrors
 * src/attribution/credit.ts and repeat-rule.ts; test/attribution/lua-agrees.test.ts holds it
 * to them.
 *
 * A fire decided again (a retry, or a spool replay after a reply was lost) gets the decision
 * it got the first time, whatever it was and whatever was decided since: every decision is
 * remembered by fire, apart from the repeat state (whose trim must not forget it), until its
 * batch is stored (FORGET_DECISIONS_LUA, sent once the event store took the batch).
 *
 * KEYS, 3 per fire (all with the user's hash tag): the touches zset (member
 *   "ts:i|c:li:cp:cr", score ts); the user's repeat state on the pixel, one sorted set: member
 *   "last" scored with the time of the last counted conversion, "o:<order_id>" scored with the
 *   time that order was counted, "e:<event key>" scored with the time that event_id was
 *   counted (16 hex characters of the id's hash, src/storage/redis/fire-key.ts); and the
 *   decisions of the user's fires on the pixel that day (by fire time), a hash: fire key →
 *   "reason|credited touch member|click or view". Members stay short so that both fit Redis's
 *   compact listpack encoding. Past STATE_KEPT entries the oldest orders and events go, never
 *   "last"; an order older than the order memory no longer counts; the state expires with the
 *   state TTL after the last counted conversion, the decisions with the decision memory after
 *   the last decision written to them (what a batch never stored leaves behind).
 * ARGV: 1 order memory ms, 2 state ttl ms, 3 event id memory ms, 4 decision memory ms, then
 *   one per fire, its fields joined by "|" (one argument, not ten: each argument costs the
 *   client more than the script's parsing): fire key (src/storage/redis/fire-key.ts), ts,
 *   trigger_type, view window ms, click window ms, min_minutes_per_conv ("" = null), order_id
 *   ("" = none), event key ("" = none), the click id's click as a touch member ("" = none; the
 *   caller has checked its advertiser), and the creditable line item ids joined by ",".
 * Returns, per fire, 3 entries: reason, credited touch member or "", "click"|"view"|"".
 */
export const DECIDE_FIRES_LUA = `
local order_memory = tonumber(ARGV[1])
local ttl = ARGV[2]
local event_memory = tonumber(ARGV[3])
local decision_memory = ARGV[4]

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

-- How many entries (order ids, event ids, "last") one user's state on one pixel keeps at most.
local STATE_KEPT = 200

local function decide(touches_key, state_key, now, trigger,
                      view_ms, click_ms, min_mins, order, event, clicked, lineitems)
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
  if redis.call('ZCARD', state_key) > STATE_KEPT then
    redis.call('ZREMRANGEBYRANK', state_key, 0, -STATE_KEPT - 1)
    -- "last" ties with the orders counted in its millisecond, and may sort before them.
    redis.call('ZADD', state_key, newest, 'last')
  end
  redis.call('PEXPIRE', state_key, ttl)
  return 'counted', credit.m, ctype
end

-- A fire decided before answers as it did then; any other is decided and remembered.
local remembered = {}
local function decide_once(touches_key, state_key, decisions_key, fire_id, ...)
  local before = redis.call('HGET', decisions_key, fire_id)
  if before then return string.match(before, '^([^|]*)|([^|]*)|([^|]*)$') end
  local reason, member, ctype = decide(touches_key, state_key, ...)
  redis.call('HSET', decisions_key, fire_id, reason .. '|' .. member .. '|' .. ctype)
  if not remembered[decisions_key] then
    redis.call('PEXPIRE', decisions_key, decision_memory)
    remembered[decisions_key] = true
  end
  return reason, member, ctype
end

local out = {}
-- Fires of one pixel share its line item list: parsed once per call.
local lineitem_sets = {}
local k = 1
for a = 5, #ARGV do
  local id, ts, trigger, view_ms, click_ms, min_mins, order, event, clicked, lis =
    string.match(ARGV[a], '^([^|]*)|(%d+)|(%a+)|(%d+)|(%d+)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
  local lineitems = lineitem_sets[lis]
  if not lineitems then
    lineitems = {}
    for li in string.gmatch(lis, '%d+') do lineitems[tonumber(li)] = true end
    lineitem_sets[lis] = lineitems
  end
  local reason, member, ctype = decide_once(KEYS[k], KEYS[k + 1], KEYS[k + 2], id, tonumber(ts),
    trigger, tonumber(view_ms), tonumber(click_ms), min_mins, order, event, clicked, lineitems)
  out[#out + 1] = reason
  out[#out + 1] = member
  out[#out + 1] = ctype
  k = k + 3
end
return out
`;

/**
 * Forgets the decisions of fires whose batch the event store took: a replay of that batch
 * changes nothing any more (the store ignores a batch it has), so they need not be
 * remembered. KEYS: the decisions hash of each fire; ARGV: its fire key, in the same order.
 */
export const FORGET_DECISIONS_LUA = `
for i = 1, #KEYS do redis.call('HDEL', KEYS[i], ARGV[i]) end
return #KEYS
`;
