-- Target 3: KV v2 writes spread over many paths (distinct paths group-commit into one fsync).
-- wrk ... -s kv-write.lua URL -- PREFIX NPATHS
local prefix = "bench/w"
local npaths = 10000
local counter = 0

function init(args)
  if args[1] then prefix = args[1] end
  if args[2] then npaths = tonumber(args[2]) end
  -- Each wrk thread starts at a different offset so threads do not hit the same path.
  counter = math.random(0, npaths - 1)
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"data":{"v":"' .. string.rep("x", 256) .. '"}}'

function request()
  counter = counter + 1
  return wrk.format(nil, "/v1/secret/data/" .. prefix .. "/" .. (counter % npaths))
end
