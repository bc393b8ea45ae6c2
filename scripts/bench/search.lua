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

-- The summary line bench.sh reads, from the file next to this one.
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "summary.lua")
