-- bench/load.py's requests. PUT: wrk ... -s load.lua URL -- put <tokens file> <day,day,...>
-- (a random patient's token, a random day of their last seven, one of three bodies). GET: -- get <path> <cookie>.
-- Every response that is not a 2xx is counted, and reported by done() as "non-2xx: N (first S)".
local mode, tokens, days, path, cookie = nil, {}, {}, nil, nil
local bodies = {
  '{"numbness": 6, "pain": 2, "locations": ["feet"], "fell": false}',
  '{"numbness": 7, "pain": 3, "locations": ["hands", "feet"], "fell": false}',
  '{"numbness": 2, "pain": 0, "locations": ["hands"], "fell": true}',
}
local threads, started = {}, 0
bad, first_bad = 0, 0

function setup(thread)
  thread:set("thread_number", started)
  started = started + 1
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  if mode == "put" then
    for line in io.lines(args[2]) do table.insert(tokens, line) end
    for day in string.gmatch(args[3], "[^,]+") do table.insert(days, day) end
  else
    path, cookie = args[2], args[3]
  end
  math.randomseed(os.time() * 1000 + thread_number)
end

function request()
  if mode == "put" then
    local headers = {["Authorization"] = "Token " .. tokens[math.random(#tokens)],
                     ["Content-Type"] = "application/json"}
    return wrk.format("PUT", "/api/v1/entries/" .. days[math.random(#days)] .. "/", headers,
                      bodies[math.random(#bodies)])
  end
  return wrk.format("GET", path, {["Cookie"] = cookie, ["Accept-Encoding"] = "gzip"})
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    if first_bad == 0 then first_bad = status end
  end
end

function done(summary, latency, requests)
  local total, first = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("bad")
    if first == 0 then first = thread:get("first_bad") end
  end
  io.write(string.format("non-2xx: %d (first %d)\n", total, first))
end
