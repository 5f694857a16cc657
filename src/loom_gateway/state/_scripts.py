"""The two server-side scripts of the shared state store (Redis/Valkey Lua, one call per request each).

``ADMIT`` runs before a request's readings are published; ``SETTLE`` records what Kafka said. Both are
atomic on the server, so every worker of every replica sees one rate-limit bucket per device and one
idempotency entry per (topic, device, message_id). The server's clock (``TIME``) is the only clock: the
replicas' clocks never need to agree.
"""

from __future__ import annotations

__all__ = ["ACKNOWLEDGED", "ADMIT", "SETTLE"]

ACKNOWLEDGED = b"a"
"""An idempotency entry's value once Kafka has the reading; while in flight it holds its claimant's token."""

ADMIT = """
-- ARGV: emission interval (us, 0: no rate limit), burst tolerance (us), in-flight ttl (ms), claimant token,
-- then one pair per reading: its rate key's index in KEYS (0: none), its idempotency key's (0: none).
-- Returns one integer per reading: 0 publish it (claimed, if it has a key), 1 already acknowledged,
-- 2 in flight elsewhere, -n rate limited (retry after n ms).
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000000 + tonumber(now[2])
local interval, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
local ttl, token = ARGV[3], ARGV[4]
local tats, answers = {}, {}
for i = 1, (#ARGV - 4) / 2 do
  local rate_key, claim_key = tonumber(ARGV[3 + 2 * i]), tonumber(ARGV[4 + 2 * i])
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
  answers[i] = answer
end
for rate_key, tat in pairs(tats) do
  redis.call('SET', KEYS[rate_key], string.format('%d', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
end
return answers
"""

SETTLE = """
-- ARGV: window (ms), claimant token, then one flag per key: 1 acknowledged (kept for the window),
-- 0 failed (the claim is released, if it is still this claimant's, so a retry may publish).
for i, key in ipairs(KEYS) do
  if ARGV[2 + i] == '1' then
    redis.call('SET', key, 'a', 'PX', ARGV[1])
  elseif redis.call('GET', key) == ARGV[2] then
    redis.call('DEL', key)
  end
end
return #KEYS
"""
