-- wrk: POST status updates to one action over and over; each stores the report
-- and a new version of the action (two rows, two revisions, two feed events) in
-- one transaction.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local brags = {"amber", "red", "green", "amber"}
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, string.format(
    '{"brag": "%s", "narrative": "Report %d from the partner system"}', brags[n % 4 + 1], n))
end
