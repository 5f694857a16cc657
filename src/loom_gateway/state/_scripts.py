"""The shared state store's one server-side script (Redis/Valkey Lua), called once per round trip.

It first records what Kafka said about earlier claims (kept as acknowledged for the window, or
released), then admits the readings of the requests waiting for this call: their rate-limit steps and
idempotency claims. Atomic on the server, so every worker of every replica sees one rate bucket per
device and one idempotency entry per (topic, device, message_id). The server's clock (``TIME``) is the
only clock: the replicas' clocks never need to agree.

A request of several readings claims them as a **group**: each claim holds ``@`` and the name of its
request's group key, which alone says whether they are in flight (the claimant's token), acknowledged
(``a``) or released (gone). Kafka's answer for the whole request is then one write, not one per
reading: the server's CPU per reading of an array is about that of one ``SET NX``. A claim of a group
lives for the window plus the in-flight ttl from its claim, so that it outlives its group's
acknowledgement by the window. A request of one reading claims it directly (the claim holds the token,
then ``a``): a group would be a second write.
"""

from __future__ import annotations

__all__ = ["ACKNOWLEDGED", "GROUP_MARK", "SCRIPT"]

ACKNOWLEDGED = b"a"
"""An idempotency entry's value once Kafka has the reading; while in flight it holds its claimant's token."""
GROUP_MARK = b"@"
"""How a claim of a group begins: the rest is its group's key, whose value stands for the claim's."""

SCRIPT = """
-- ARGV: emission interval (us; 0: no rate limit), burst tolerance (us), in-flight ttl (ms), claimant
-- token, window (ms); the settled keys' flags, one character each for the last #flags KEYS: 1
-- acknowledged (kept for the window), 0 failed (released, if it is still this claimant's claim) -- a
-- key settled is a direct claim or a group; and the readings, "rate,claim,group rate,claim,group ...":
-- the index in KEYS of each one's rate key, idempotency key and group key (0: none; no group: a direct
-- claim). Few arguments, as the client encodes each one: two strings instead of one per value.
-- Returns one integer per reading: 0 publish it (claimed, if it has a key), 1 already acknowledged,
-- 2 in flight elsewhere, -n rate limited (retry after n ms).
local interval, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
local ttl, token, window, flags = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local first_settled = #KEYS - #flags
for i = 1, #flags do
  local key = KEYS[first_settled + i]
  if string.byte(flags, i) == 49 then -- '1'
    redis.call('SET', key, 'a', 'PX', window)
  elseif redis.call('GET', key) == token then
    redis.call('DEL', key)
  end
end
if #ARGV[7] == 0 then
  return {}
end
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000000 + tonumber(now[2])
local member_ttl = tonumber(window) + tonumber(ttl)
local tats, answers, groups = {}, {}, {}
for rate_key, claim_key, group in string.gmatch(ARGV[7], '(%d+),(%d+),(%d+)') do
  rate_key, claim_key, group = tonumber(rate_key), tonumber(claim_key), tonumber(group)
  local answer = 0
  if rate_key > 0 then
    -- GCRA: the theoretical arrival time advances one interval per reading; a reading that would
    -- push it further than the burst tolerance ahead of now is refused and leaves it unchanged.
    local tat = tats[rate_key] or tonumber(redis.call('GET', KEYS[rate_key]) or 0)
    if tat < now then tat = now end
    local next_tat = tat + interval
    if next_tat - now > tolerance then
      answer = -math.ceil((next_tat - now - tolerance) / 1000)
      tats[rate_key] = tat
    else
      tats[rate_key] = next_tat
    end
  end
  if answer == 0 and claim_key > 0 then
    local value, lifetime = token, ttl
    if group > 0 then
      value, lifetime = '@' .. KEYS[group], member_ttl
    end
    if not redis.call('SET', KEYS[claim_key], value, 'NX', 'PX', lifetime) then
      local held = redis.call('GET', KEYS[claim_key])
      if string.byte(held, 1) == 64 then -- '@': its group says
        held = redis.call('GET', string.sub(held, 2))
      end
      if held == false then -- its group was released, or lapsed: free again
        redis.call('SET', KEYS[claim_key], value, 'PX', lifetime)
      else
        answer = held == 'a' and 1 or 2
      end
    end
    if answer == 0 and group > 0 and not groups[group] then
      -- Written with its first claim, so that a second reading with the same id finds it in flight.
      redis.call('SET', KEYS[group], token, 'PX', ttl)
      groups[group] = true
    end
  end
  answers[#answers + 1] = answer
end
for rate_key, tat in pairs(tats) do
  redis.call('SET', KEYS[rate_key], string.format('%d', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
end
return answers
"""
