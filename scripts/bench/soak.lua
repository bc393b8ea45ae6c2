-- wrk script for `scripts/bench.sh --soak N`: every endpoint, in turn, as an anonymous
-- visitor and as logged-in customers and agents, with refusals (bad token, missing
-- header, wrong verb, unknown path) and searches whose words keep changing (so the
-- remembered answers fill up and are forgotten). BENCH_TOKENS holds, space-separated:
-- a contact's token, an agent's, a new customer's and an expired one.
local tokens = {}
for token in string.gmatch(os.getenv("BENCH_TOKENS") or "", "%S+") do
  table.insert(tokens, token)
end
local contact, agent, newcomer, expired = tokens[1], tokens[2], tokens[3], tokens[4]

local function widget(extra)
  local headers = { ["X-Widget-Id"] = "12000000025", ["X-Client-Id"] = "soak" }
  for name, value in pairs(extra or {}) do headers[name] = value end
  return headers
end
local function as(token, extra)
  local headers = widget(extra)
  if token then headers["X-Widget-Auth"] = token end
  return headers
end

local calls = {
  { "GET", "/api/widget/search/solutions?term=password", widget() },
  { "GET", "/api/widget/search/solutions?term=password", as(contact) },
  { "GET", "/api/widget/search/solutions?term=invoice&language=fr&page=1&per_page=5", as(agent) },
  { "GET", "/api/widget/search/solutions?term=pass", as(contact, { ["Accept-Language"] = "de" }) },
  { "GET", "/api/widget/solutions/article/1101", widget() },
  { "GET", "/api/widget/solutions/article/1401?language=de", as(contact) },
  { "GET", "/api/widget/solutions/1301", as(agent) },
  { "GET", "/api/widget/solutions/article/1701", widget() },
  { "GET", "/api/widget/solutions/suggested_articles", widget() },
  { "GET", "/api/widget/solutions/suggested_articles", as(contact, { ["X-Widget-Referrer"] = "https://shop.test/pricing" }) },
  { "GET", "/api/widget/ticket_fields", widget() },
  { "GET", "/api/widget/ticket_fields?language=de", as(agent) },
  { "GET", "/api/widget/bootstrap", as(contact) },
  { "GET", "/api/widget/bootstrap", as(newcomer) },
  { "GET", "/api/widget/bootstrap", widget() },
  { "GET", "/widgets/12000000025.json", {} },
  { "GET", "/widgets/12000000026.json", {} },
  { "OPTIONS", "/api/widget/search/solutions", { ["Origin"] = "https://shop.test", ["Access-Control-Request-Headers"] = "x-widget-id" } },
  { "POST", "/api/widget/search/solutions?term=password", widget() },
  { "GET", "/api/widget/search/solutions?term=password", as(expired) },
  { "GET", "/api/widget/search/solutions?term=password", { ["X-Client-Id"] = "soak" } },
  { "GET", "/api/widget/search/solutions?term=password&unknown=1", widget() },
  { "GET", "/no/such/path", {} },
}

local counter = 0
init = function(args)
  counter = math.random(#calls)
end

request = function()
  counter = counter + 1
  if counter % 5 == 0 then
    -- A search nobody made before: fills the remembered answers.
    return wrk.format("GET", "/api/widget/search/solutions?term=reset%20pass" .. counter, as(contact))
  end
  local call = calls[(counter % #calls) + 1]
  return wrk.format(call[1], call[2], call[3])
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "WRK requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
