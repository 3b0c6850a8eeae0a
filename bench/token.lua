-- wrk script: POST /connect/token (client_credentials) with the service account's id and secret from the environment.
-- Counts responses by status so that the run can be rejected when any is not 200.
local id = os.getenv("BENCH_CLIENT_ID") or error("BENCH_CLIENT_ID is not set")
local secret = os.getenv("BENCH_CLIENT_SECRET") or error("BENCH_CLIENT_SECRET is not set")

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=client_credentials&client_id=" .. urlencode(id) .. "&client_secret=" .. urlencode(secret)
