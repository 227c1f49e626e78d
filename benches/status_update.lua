-- wrk: POST status updates; each stores the report and a new version of the
-- action (two rows, two revisions, two feed events) in one transaction.
-- Given action ids after `--`, the requests go to each in turn, as many
-- partners reporting on their own actions would; without, to the URL's one.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local brags = {"amber", "red", "green", "amber"}
local actions = {}
local n = 0
init = function(args)
  for _, id in ipairs(args) do
    actions[#actions + 1] = "/api/v1/actions/" .. id .. "/status-updates"
  end
end
request = function()
  n = n + 1
  local path = nil
  if #actions > 0 then
    path = actions[n % #actions + 1]
  end
  return wrk.format(nil, path, nil, string.format(
    '{"brag": "%s", "narrative": "Report %d from the partner system"}', brags[n % 4 + 1], n))
end
