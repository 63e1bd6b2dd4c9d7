-- wrk script of tests/bench/api_load_bench.sh: POST /v1/plans with the pipeline spec in the
-- file $SKY_PLAN_BODY and the API token $SKY_TOKEN (none when unset).
local file = assert(io.open(assert(os.getenv("SKY_PLAN_BODY"), "set SKY_PLAN_BODY"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("SKY_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
