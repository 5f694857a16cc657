"""The shared state store's server-side scripts (Redis/Valkey Lua): one call per round trip.

``SCRIPT`` first records what Kafka said about earlier claims (kept as acknowledged for the window,
or released), then admits the readings of the requests waiting for this call: their rate-limit steps
and idempotency claims. Atomic on the server, so every worker of every replica sees one rate bucket
per device and one idempotency entry per (topic, device, message_id). The server's clock (``TIME``) is
the only clock: the replicas' clocks never need to agree.

**Message ids live in hashes, one per topic, device and time bucket**, not in a key each: a request's
ids are looked up with one ``HMGET`` per bucket and each hash written with one ``HSET``, so the
script's Lua makes a handful of calls per round trip rather than two per reading, and an id costs a
hash field rather than a key of its own with its expiry. Measured through ``StateStore`` against one
``redis-server`` 7.0.15 (``redis-server`` CPU from ``/proc``; three and two alternating pairs):

- arrays of 100 fresh ids of one device, each claimed then acknowledged: 5.0 to 6.0 µs per id with
  a key per id, 3.0 to 3.8 with hashes;
- one id per call (no coalescing): 53 to 62 µs per call before, 60 to 65 after (more calls inside
  the script: two lookups, the expiry);
- memory: 193 bytes per id held before, 89 after; but an id is now held until its bucket goes (one
  to two bucket widths, 1.5 on average), so about 134 bytes per id and window.

The whole bucket expires at once: a busy device's hash of many ids is freed in one go (set
``lazyfree-lazy-expire yes`` to free it off the server's main thread).

A field's value says what it is and until when it holds (the server's milliseconds): ``a<until>``
acknowledged (for the window), ``f<until>:<token>`` in flight (for the claim's lifetime, then free
again: a claimant that crashed never settles). A bucket is ``max(window, in-flight ttl)`` wide and
kept until the end of the next one, so the current bucket and the one before hold every entry still
in force, and the newer of the two speaks for an id.
"""

from __future__ import annotations

__all__ = ["ACKNOWLEDGED", "IN_FLIGHT", "OUTCOME_SCRIPT", "SCRIPT"]

ACKNOWLEDGED = 1
"""A message id Kafka has (an admission's answer, and an outcome)."""
IN_FLIGHT = 2
"""A message id claimed and not settled yet (an admission's answer, and an outcome)."""

# Shared by both scripts: the buckets of a hash at the server's now, and what an entry says.
_PRELUDE = """
local bucket_ms = tonumber(ARGV[1])
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local bucket = math.floor(now_ms / bucket_ms)
local current, previous = ':' .. bucket, ':' .. (bucket - 1)
-- 1 acknowledged, 2 in flight, 0 neither (no entry, or one past its time)
local function state(value)
  if not value or tonumber(string.match(value, '^.(%d+)')) <= now_ms then
    return 0
  end
  return string.byte(value) == 97 and 1 or 2 -- 'a'
end
"""

SCRIPT = (
    _PRELUDE
    + """
-- ARGV: bucket width (ms), emission interval (us; 0: no rate limit), burst tolerance (us), in-flight
-- ttl (ms), claimant token, window (ms); then "hash,flag ..." for what is settled (the index in KEYS of
-- its hash; flag 1 acknowledged, 0 failed), then "rate,hash ..." for the readings to admit (the index
-- in KEYS of its device's rate key and of its message id's hash; 0: none); then the message ids, the
-- settled ones' first, then the readings' (an empty string when a reading has no hash).
-- Returns one integer per reading: 0 publish it (claimed, if it has a hash), 1 already acknowledged,
-- 2 in flight elsewhere, -n rate limited (retry after n ms).
local interval, tolerance = tonumber(ARGV[2]), tonumber(ARGV[3])
local ttl, token, window = tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local id_at = 9

-- Each hash is written once per call (one HSET, one PEXPIREAT): the acknowledged first, then the claims.
local writes, acknowledged = {}, {}
local function write(key, id, value)
  local fields = writes[key]
  if not fields then
    fields = {}
    writes[key] = fields
  end
  fields[#fields + 1] = id
  fields[#fields + 1] = value
end

local kept = 'a' .. (now_ms + window)
for hash, flag in string.gmatch(ARGV[7], '(%d+),(%d)') do
  local key, id = KEYS[tonumber(hash)], ARGV[id_at]
  id_at = id_at + 1
  if flag == '1' then
    write(key, id, kept)
    local ids = acknowledged[key]
    if not ids then
      ids = {}
      acknowledged[key] = ids
    end
    ids[id] = true
  else
    -- Released only while it is still this claimant's claim (in the newer bucket that has the id).
    for _, suffix in ipairs({current, previous}) do
      local value = redis.call('HGET', key .. suffix, id)
      if value then
        if string.byte(value) == 102 and string.sub(value, -#token) == token then -- 'f'
          redis.call('HDEL', key .. suffix, id)
        end
        break
      end
    end
  end
end

local answers, claims, tats = {}, {}, {}
local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local n = 0
for rate_key, hash in string.gmatch(ARGV[8], '(%d+),(%d+)') do
  n = n + 1
  rate_key, hash = tonumber(rate_key), tonumber(hash)
  local answer = 0
  if rate_key > 0 then
    -- GCRA: the theoretical arrival time advances one interval per reading; a reading that would
    -- push it further than the burst tolerance ahead of now is refused and leaves it unchanged.
    local tat = tats[rate_key] or tonumber(redis.call('GET', KEYS[rate_key]) or 0)
    if tat < now_us then tat = now_us end
    local next_tat = tat + interval
    if next_tat - now_us > tolerance then
      answer = -math.ceil((next_tat - now_us - tolerance) / 1000)
      tats[rate_key] = tat
    else
      tats[rate_key] = next_tat
    end
  end
  answers[n] = answer
  if answer == 0 and hash > 0 then
    local readings = claims[hash]
    if not readings then
      readings = {}
      claims[hash] = readings
    end
    readings[#readings + 1] = n
  end
end
for rate_key, tat in pairs(tats) do
  redis.call('SET', KEYS[rate_key], string.format('%d', tat), 'PX', math.ceil((tat - now_us) / 1000) + 1)
end

local first_id = id_at - 1
local claim = 'f' .. (now_ms + ttl) .. ':' .. token
for hash, readings in pairs(claims) do
  local key = KEYS[hash]
  local ids = {}
  for i = 1, #readings do
    ids[i] = ARGV[first_id + readings[i]]
  end
  local newer = redis.call('HMGET', key .. current, unpack(ids))
  local older = redis.call('HMGET', key .. previous, unpack(ids))
  local settled, claimed = acknowledged[key] or {}, {}
  for i = 1, #readings do
    local id = ids[i]
    local answer
    if settled[id] then
      answer = 1
    elseif claimed[id] then
      answer = 2
    else
      answer = state(newer[i] or older[i])
    end
    if answer == 0 then
      claimed[id] = true
      write(key, id, claim)
    end
    answers[readings[i]] = answer
  end
end

local expire_at = (bucket + 2) * bucket_ms
for key, fields in pairs(writes) do
  redis.call('HSET', key .. current, unpack(fields))
  redis.call('PEXPIREAT', key .. current, expire_at)
end
return answers
"""
)

OUTCOME_SCRIPT = (
    _PRELUDE
    + """
-- KEYS[1]: a message id's hash; ARGV: bucket width (ms), the message id. Returns its state.
local id = ARGV[2]
return state(redis.call('HGET', KEYS[1] .. current, id) or redis.call('HGET', KEYS[1] .. previous, id))
"""
)
