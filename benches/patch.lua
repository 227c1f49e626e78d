-- wrk: PATCH one resource over and over; If-Match: * makes every request a new
-- version (row, revision and change-feed event in one transaction).
wrk.method = "PATCH"
wrk.headers["Content-Type"] = "application/merge-patch+json"
wrk.headers["If-Match"] = "*"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, string.format('{"description": "Reviewed at the board, round %d"}', n))
end
