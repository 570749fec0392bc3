-- bench/http/wrk_report.lua: wrk's summary as one JSON line after "wrk-json ", for
-- bench/http/run.py (wrk's own text rounds the figures and leaves out zero error counts).
--
-- WRK_PIPELINE=N in the environment (N > 1) makes every connection write N requests at once
-- and wait for their N responses (wrk counts each response as a request). Only then is a
-- request() hook defined: it runs Lua once per batch, and without pipelining wrk's static
-- request is cheaper.
local depth = tonumber(os.getenv("WRK_PIPELINE") or "1") or 1

if depth > 1 then
  local batch
  init = function(args)
    local r = {}
    for i = 1, depth do
      r[i] = wrk.format()
    end
    batch = table.concat(r)
  end
  request = function()
    return batch
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'wrk-json {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, "connect": %.0f, ' ..
    '"read": %.0f, "write": %.0f, "status": %.0f, "timeout": %.0f, "p50_us": %.0f, ' ..
    '"p90_us": %.0f, "p99_us": %.0f, "max_us": %.0f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max))
end
