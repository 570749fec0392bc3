-- bench/http/wrk_report.lua: wrk's summary as one JSON line after "wrk-json ", for
-- bench/http/run.py (wrk's own text rounds the figures and leaves out zero error counts).
-- Only done() is defined: a request() or response() hook would run Lua per request and slow
-- the load generator down.
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
