-- wrk script for bench/run: single-finding POSTs to /api/ctem/ingest (the seed's payload,
-- section 10.4), each with its own title so every request is a new finding.
--   wrk -t1 -c16 -d10s -s bench/wrk/ingest.lua http://127.0.0.1:PORT
-- env CTEM_BENCH_TOKEN: sent as "Authorization: Bearer <token>" when set.
-- env CTEM_BENCH_PATH: the request path (default /api/ctem/ingest); GET when it is /healthz.
-- done() prints one tab-separated line for bench/run:
--   WRK <requests> <seconds> <req/s> <p50 ms> <p99 ms> <non-2xx> <socket errors>
local counter = 0
local thread_id = 0
local path = os.getenv("CTEM_BENCH_PATH") or "/api/ctem/ingest"
local token = os.getenv("CTEM_BENCH_TOKEN")
local run = tostring(os.time())

function setup(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  wrk.headers["Content-Type"] = "application/json"
  if token and token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
  end
end

function request()
  if path == "/healthz" then
    return wrk.format("GET", path)
  end
  counter = counter + 1
  local asset = "vm-" .. (counter % 5000)
  local body = '{"source_tool":"wiz","findings":[{"title":"wrk finding ' .. run .. "-" .. thread_id .. "-" ..
      counter .. '","entityExternalId":"' .. asset .. '","entityName":"' .. asset ..
      '","severity":"HIGH","description":"posted by bench/run"}]}'
  return wrk.format("POST", path, nil, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("WRK\t%d\t%.2f\t%.0f\t%.2f\t%.2f\t%d\t%d\n", summary.requests, seconds,
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, errors))
end
