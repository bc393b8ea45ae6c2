-- wrk script for scripts/bench.sh: searches that are never repeated in a run (each
-- request takes the next combination of word, language, page, page size and caller,
-- each wrk thread from its own starting point), so none is answered from freshmock's
-- memory of recent answers. BENCH_TOKENS holds the callers' tokens, space-separated
-- (anonymous is always one of them). Prints a summary line at the end.
wrk.headers["X-Widget-Id"] = "12000000025"
wrk.headers["X-Client-Id"] = "bench"

local terms = {
  "password", "pass", "reset%20password", "invoice", "inv", "export%20data", "slack",
  "api%20key", "dashboard", "refund", "two%20factor", "sso", "how%20to", "backup",
  "calendar", "storage", "webhooks", "time%20zone", "android", "notifications",
  "mot%20de%20passe", "facture", "Passwort", "Rechnung", "Sicherung", "exporter",
}
local languages = { "en", "fr", "de" }
local callers = { {} }
for token in string.gmatch(os.getenv("BENCH_TOKENS") or "", "%S+") do
  table.insert(callers, { ["X-Widget-Auth"] = token })
end

local threads = 0
setup = function(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local counter
init = function(args)
  local id = tonumber(wrk.thread:get("id")) or 0
  counter = id * 1000003
end

request = function()
  local i = counter
  counter = counter + 1
  local term = terms[(i % #terms) + 1]
  i = math.floor(i / #terms)
  local language = languages[(i % #languages) + 1]
  i = math.floor(i / #languages)
  local page = (i % 10) + 1
  i = math.floor(i / 10)
  local per_page = (i % 30) + 1
  i = math.floor(i / 30)
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  for name, value in pairs(callers[(i % #callers) + 1]) do headers[name] = value end
  return wrk.format("GET", "/api/widget/search/solutions?term=" .. term .. "&language=" ..
    language .. "&page=" .. page .. "&per_page=" .. per_page, headers)
end

-- The summary line bench.sh reads, from the file next to this one.
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "summary.lua")
