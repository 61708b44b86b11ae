-- wrk script: each request presents the next node credential from $HZ_CREDENTIALS (one per
-- line), so the load spreads over every seeded node instead of hitting one cached row.
-- $HZ_METHOD, $HZ_BODY set the request (default GET, no body).
local credentials = {}
for line in io.lines(os.getenv("HZ_CREDENTIALS")) do credentials[#credentials + 1] = line end
local method = os.getenv("HZ_METHOD") or "GET"
local body = os.getenv("HZ_BODY")
local next_index = 0

function init(args)
  next_index = math.random(#credentials)
end

function request()
  next_index = next_index % #credentials + 1
  local headers = { ["Authorization"] = "Bearer " .. credentials[next_index] }
  if body then headers["Content-Type"] = "application/json" end
  return wrk.format(method, nil, headers, body)
end
