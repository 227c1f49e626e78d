-- wrk: a partnership's mixed traffic for the soak. Of every 20 requests: 8 read
-- one action, 4 list actions, 3 read the change feed, 2 read a plan with its
-- tree, 2 post a status update and 1 changes an action. Action and plan ids come
-- from WAYMARK_SOAK_ACTIONS and WAYMARK_SOAK_PLANS (comma-separated); each
-- connection waits WAYMARK_SOAK_DELAY_MS between requests, so the load is steady
-- rather than all the machine can give.
local function split(s)
  local out = {}
  for id in string.gmatch(s or "", "[^,]+") do out[#out + 1] = id end
  return out
end
local actions = split(os.getenv("WAYMARK_SOAK_ACTIONS"))
local plans = split(os.getenv("WAYMARK_SOAK_PLANS"))
local pause = tonumber(os.getenv("WAYMARK_SOAK_DELAY_MS") or "0")
local brags = {"amber", "red", "green", "amber"}
local n = 0
-- Headers given to wrk.format replace wrk.headers (the token from -H) rather than
-- add to them.
local function with(extra)
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  for k, v in pairs(extra) do headers[k] = v end
  return headers
end
local json, patch

request = function()
  json = json or with({["Content-Type"] = "application/json"})
  patch = patch or with({["Content-Type"] = "application/merge-patch+json", ["If-Match"] = "*"})
  n = n + 1
  local action = actions[n % #actions + 1]
  local plan = plans[n % #plans + 1]
  local slot = n % 20
  if slot < 8 then
    return wrk.format("GET", "/api/v1/actions/" .. action)
  elseif slot < 12 then
    return wrk.format("GET", "/api/v1/actions?plan_id=" .. plan .. "&limit=50")
  elseif slot < 15 then
    return wrk.format("GET", "/api/v1/changes?after=" .. (n % 500) .. "&limit=100")
  elseif slot < 17 then
    return wrk.format("GET", "/api/v1/plans/" .. plan .. "?include=tree")
  elseif slot < 19 then
    return wrk.format("POST", "/api/v1/actions/" .. action .. "/status-updates", json,
      string.format('{"brag": "%s", "narrative": "Soak report %d"}', brags[n % 4 + 1], n))
  else
    return wrk.format("PATCH", "/api/v1/actions/" .. action, patch,
      string.format('{"description": "Reviewed in the soak, round %d"}', n))
  end
end

delay = function()
  return pause
end
