-- wrk script for bench/load.py: each connection sends GET requests for the paths listed, one per line, in
-- the file given after `--`, in turn (each thread starting at a different place), and counts the answers by
-- status. At the end it prints one line, "WRK_JSON {...}", that bench/load.py reads.
--
--   wrk -t2 -c16 -d20s -s bench/rotate.lua http://127.0.0.1:8101 -- /tmp/paths.txt

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("thread_number", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  local file = assert(io.open(args[1], "r"), "cannot read the list of paths " .. tostring(args[1]))
  for line in file:lines() do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  file:close()
  assert(#paths > 0, "the list of paths is empty")
  next_index = (thread_number * 7) % #paths
  statuses = {}
end

function request()
  next_index = next_index % #paths + 1
  return wrk.format("GET", paths[next_index])
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(counts) do
    table.insert(parts, string.format('"%s": %d', status, count))
  end
  local errors = summary.errors
  print(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}, '
      .. '"latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p99": %d}, "statuses": {%s}}',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.timeout, errors.status,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    table.concat(parts, ", ")
  ))
end
