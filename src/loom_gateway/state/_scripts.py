"""The shared state store's one server-side script (Redis/Valkey Lua), called once per round trip.

It first records what Kafka said about earlier claims (kept as acknowledged for the window, or
released), then admits the readings of the requests waiting for this call: their rate-limit steps and
idempotency claims. Atomic on the server, so every worker of every replica sees one rate bucket per
device and one idempotency entry per (topic, device, message_id). The server's clock (``TIME``) is the
only clock: the replicas' clocks never need to agree.
"""

from __future__ import annotations

__all__ = ["ACKNOWLEDGED", "SCRIPT"]

ACKNOWLEDGED = b"a"
"""An idempotency entry's value once Kafka has the reading; while in flight it holds its claimant's token."""

SCRIPT = """
-- ARGV: emission interval (us; 0: no rate limit), burst tolerance (us), in-flight ttl (ms), claimant
-- token, window (ms); the settled keys' flags, one character each for the last #flags KEYS: 1
-- acknowledged (kept for the window), 0 failed (released, if it is still this claimant's claim); and
-- the readings, "rate,claim rate,claim ...": the index in KEYS of each one's rate key and idempotency
-- key (0: none). Few arguments, as the client encodes each one: two strings instead of one per value.
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
local tats, answers = {}, {}
for rate_key, claim_key in string.gmatch(ARGV[7], '(%d+),(%d+)') do
  rate_key, claim_key = tonumber(rate_key), tonumber(claim_key)
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
    if not redis.call('SET', KEYS[claim_key], token, 'NX', 'PX', ttl) then
      answer = redis.call('GET', KEYS[claim_key]) == 'a' and 1 or 2
    end
  end
  answers[#answers + 1] = answer
end
for rate_key, tat in pairs(tats) do
  redis.call('SET', KEYS[rate_key], string.format('%d', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
end
return answers
"""
