-- A JSON array of BATCH GPS readings per request, each with its own message_id. With
-- LOOM_BENCH_GENERIC=1, the same readings as generic items for POST /sensor/batch (sensor_type
-- "gps", the GPS fields in value), so the gateway publishes the same records.
local BATCH = tonumber(os.getenv("LOOM_BENCH_BATCH") or "100")
local counter = 0
local thread_id = 0
local envelope = '{"device_id":"bench-%d","recorded_at":"2025-07-08T16:53:08.123456","timestamp":null,'
  .. '"message_id":"%08x-%04x-4000-8000-%012x","trace_id":null,"services_encountered":["mobile-client"],'
  .. '"content_hash":null,'
local gps = '"latitude":52.3676,"longitude":4.9041,"altitude":2.5,"accuracy":8.0,"heading":null,"speed":0.0'
local template = envelope .. gps .. '}'
if os.getenv("LOOM_BENCH_GENERIC") == "1" then
  template = envelope .. '"sensor_type":"gps","value":{' .. gps .. '}}'
end

-- Every wrk run has its own LOOM_BENCH_RUN (8 hex digits), every thread its own number: ids
-- never repeat across runs, or the gateway would rightly take them for retries.
local run = tonumber(os.getenv("LOOM_BENCH_RUN") or "0", 16)
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  thread_id = id
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-API-Key"] = "loom-benchmark-key-0123456789"
  -- Tracing is on: the gateway copies a valid traceparent into every record's headers.
  wrk.headers["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
end

function request()
  local items = {}
  for i = 1, BATCH do
    counter = counter + 1
    items[i] = string.format(template, counter % 64, run, thread_id, counter)
  end
  return wrk.format(nil, nil, nil, "[" .. table.concat(items, ",") .. "]")
end
