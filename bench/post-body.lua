-- POST a fixed JSON body read from a file to a fixed path (issue 7's engine benchmarks).
-- wrk ... -s post-body.lua URL -- PATH BODYFILE
-- The request is formatted once per thread; every request is byte-identical.
local req

function init(args)
  local path, file = args[1], args[2]
  if not path or not file then error("usage: -s post-body.lua URL -- PATH BODYFILE") end
  local f = assert(io.open(file, "rb"))
  local body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
  req = wrk.format("POST", path, nil, body)
end

function request()
  return req
end
