-- wrk script of tests/bench/soak.sh: GETs the read routes in turn, with the API token
-- $SOAK_TOKEN:
--   /v1/offers?gpu=A100:8&limit=20, /v1/pipelines?limit=50, /v1/pipelines/{id}
-- where {id} walks the pipeline ids in the file $SOAK_IDS, re-read every 1000 requests while
-- the soak submits more.
local path
local ids = {}
local n = 0
local headers = {}

local function read_ids()
  local fresh = {}
  for line in io.lines(path) do
    if line ~= "" then fresh[#fresh + 1] = line end
  end
  if #fresh > 0 then ids = fresh end
end

function init(args)
  path = assert(os.getenv("SOAK_IDS"), "set SOAK_IDS")
  headers["Authorization"] = "Bearer " .. assert(os.getenv("SOAK_TOKEN"), "set SOAK_TOKEN")
  read_ids()
  assert(#ids > 0, "no pipeline id in " .. path)
end

function request()
  n = n + 1
  if n % 1000 == 0 then read_ids() end
  local route = n % 3
  local target
  if route == 0 then
    target = "/v1/offers?gpu=A100:8&limit=20"
  elseif route == 1 then
    target = "/v1/pipelines?limit=50"
  else
    target = "/v1/pipelines/" .. ids[math.floor(n / 3) % #ids + 1]
  end
  return wrk.format("GET", target, headers)
end
