-- wrk script for scripts/bench.sh: one GET with the widget headers (and a token when
-- BENCH_TOKEN is set), repeated; prints a machine-readable summary line at the end.
wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH") or "/api/widget/search/solutions?term=password"
wrk.headers["X-Widget-Id"] = "12000000025"
wrk.headers["X-Client-Id"] = "bench"
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["X-Widget-Auth"] = token
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "WRK requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
