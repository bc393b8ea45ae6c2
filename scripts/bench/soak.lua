-- wrk script for `scripts/bench.sh --soak N`: every endpoint, in turn, as an anonymous
-- visitor and as logged-in customers and agents, with refusals (bad token, missing
-- header, wrong verb, unknown path), searches whose words keep changing (so the
-- remembered answers fill up and are forgotten), the writes (hits, votes, tickets,
-- attachments, the admin's secret reset) and the control plane (inspection, tokens,
-- clock, faults, fixture replacement, reset).
--
-- Tickets and attachments are data the server must keep until a reset, as Freshdesk
-- keeps them; a test suite resets between tests, and so does this load, every
-- RESET_EVERY requests. Whatever still grows across resets is a leak.
--
-- Environment: BENCH_TOKENS holds, space-separated, a contact's token, an agent's, a new
-- customer's and an expired one; BENCH_FIXTURES names a file holding the fixture set as
-- `GET /_freshmock/fixtures` returns it (PUT back now and then).
local tokens = {}
for token in string.gmatch(os.getenv("BENCH_TOKENS") or "", "%S+") do
  table.insert(tokens, token)
end
local contact, agent, newcomer, expired = tokens[1], tokens[2], tokens[3], tokens[4]

local fixtures = "{}"
local path = os.getenv("BENCH_FIXTURES")
if path and path ~= "" then
  local file = assert(io.open(path, "rb"))
  fixtures = file:read("*a")
  file:close()
end

-- Agents' API keys as HTTP Basic (key:X), from fixtures/agents.json.
local ADMIN = "Basic YWRtaW5rZXkwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAxOlg="
local AGENT = "Basic YWdlbnRrZXkwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAyOlg="
local JSON = { ["Content-Type"] = "application/json" }
local BOUNDARY = "freshmocksoak"
local MULTIPART = "multipart/form-data; boundary=" .. BOUNDARY

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
local function part(name, file, content)
  local disposition = 'Content-Disposition: form-data; name="' .. name .. '"'
  if file then
    disposition = disposition .. '; filename="' .. file .. '"\r\nContent-Type: text/plain'
  end
  return "--" .. BOUNDARY .. "\r\n" .. disposition .. "\r\n\r\n" .. content .. "\r\n"
end
local function multipart(parts)
  return table.concat(parts) .. "--" .. BOUNDARY .. "--\r\n"
end

local ticket = '{"email":"nora@example.com","subject":"Soak","description":"It broke.",'
  .. '"g-recaptcha-response":"any","meta":{"referrer":"https://shop.test/pricing"}}'
local ticket_form = multipart({
  part("email", nil, "nora@example.com"),
  part("description", nil, "It broke, sent as a form."),
  part("g-recaptcha-response", nil, "any"),
})
local attachment = multipart({ part("content", "hello.txt", string.rep("hello ", 200)) })

local calls = {
  -- The widget API: reads.
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
  -- The widget API: writes.
  { "PUT", "/api/widget/solutions/article/1101/hit", widget() },
  { "PUT", "/api/widget/solutions/article/1401/hit?language=de", as(contact) },
  { "PUT", "/api/widget/solutions/article/1101/thumbs_up", widget() },
  { "PUT", "/api/widget/solutions/article/1101/thumbs_down", as(contact) },
  { "PUT", "/api/widget/solutions/article/1101/thumbs_up", as(contact) },
  { "PUT", "/api/widget/solutions/article/1102/thumbs_up", as(agent) },
  { "POST", "/api/widget/tickets", widget(JSON), ticket },
  { "POST", "/api/widget/tickets", widget({ ["Content-Type"] = MULTIPART }), ticket_form },
  { "POST", "/api/widget/attachments", widget({ ["Content-Type"] = MULTIPART }), attachment },
  { "POST", "/api/widget/tickets", widget(JSON), '{"email":"not an email"}' },
  { "GET", "/api/_/solutions/articles/1101/votes", { ["Authorization"] = AGENT } },
  { "GET", "/api/_/solutions/articles/1101/fr/votes", { ["Authorization"] = AGENT } },
  -- The fake widget and the demo site.
  { "GET", "/widgets/12000000025.json", {} },
  { "GET", "/widgets/12000000026.json", {} },
  { "GET", "/widgets/12000000025.js", {} },
  { "GET", "/widgetBase/widget.css", {} },
  { "GET", "/", {} },
  -- Refusals.
  { "OPTIONS", "/api/widget/search/solutions", { ["Origin"] = "https://shop.test", ["Access-Control-Request-Headers"] = "x-widget-id" } },
  { "POST", "/api/widget/search/solutions?term=password", widget() },
  { "GET", "/api/widget/search/solutions?term=password", as(expired) },
  { "GET", "/api/widget/search/solutions?term=password", { ["X-Client-Id"] = "soak" } },
  { "GET", "/api/widget/search/solutions?term=password&unknown=1", widget() },
  { "GET", "/no/such/path", {} },
  -- The control plane.
  { "GET", "/_freshmock/health", {} },
  { "GET", "/_freshmock/kb", {} },
  { "GET", "/_freshmock/view-as?email=alice@globex.test&term=password", {} },
  { "GET", "/_freshmock/contacts", {} },
  { "GET", "/_freshmock/tickets", {} },
  { "GET", "/_freshmock/votes", {} },
  { "GET", "/_freshmock/hits", {} },
  { "GET", "/_freshmock/requests?limit=50", {} },
  { "GET", "/_freshmock/secret", {} },
  { "GET", "/_freshmock/clock", {} },
  { "POST", "/_freshmock/clock/freeze", {} },
  { "POST", "/_freshmock/clock/unfreeze", {} },
  { "POST", "/_freshmock/tokens", JSON, '{"email":"alice@globex.test"}' },
  { "POST", "/_freshmock/tokens/explain", JSON, '{"token":"a.b.c"}' },
  { "POST", "/_freshmock/faults", JSON, '{"path":"/soak/fault","status":503,"times":1}' },
  { "GET", "/soak/fault", {} },
  { "GET", "/_freshmock/ui", {} },
  { "GET", "/_freshmock/openapi.json", {} },
}

-- Rarer calls, each every so many requests: they change the whole server. The secret is
-- reset just before the server is, so the tokens above are refused only briefly.
local RESET_EVERY = 2000
local rare = {
  { 1993, "POST", "/api/v2/admin/security_keys/widget/regenerate", { ["Authorization"] = ADMIN } },
  { 1499, "PUT", "/_freshmock/fixtures", JSON, fixtures },
  { 1201, "DELETE", "/_freshmock/faults", {} },
  { 1301, "DELETE", "/_freshmock/requests", {} },
  { RESET_EVERY, "POST", "/_freshmock/reset", {} },
}

local counter = 0
init = function(args)
  counter = math.random(#calls)
end

request = function()
  counter = counter + 1
  for _, call in ipairs(rare) do
    if counter % call[1] == 0 then
      return wrk.format(call[2], call[3], call[4], call[5])
    end
  end
  if counter % 5 == 0 then
    -- A search nobody made before: fills the remembered answers.
    return wrk.format("GET", "/api/widget/search/solutions?term=reset%20pass" .. counter, as(contact))
  end
  local call = calls[(counter % #calls) + 1]
  return wrk.format(call[1], call[2], call[3], call[4])
end

-- The summary line bench.sh reads, from the file next to this one.
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "summary.lua")
