-- wrk: POST batches of 1,000 new readings of one measure; each request's
-- periods are new, so every item is a created reading with its revision and
-- feed event. Readings per second = requests per second x 1,000.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  local items = {}
  for i = 1, 1000 do
    items[i] = string.format('{"measure_id": "%s", "period": "b%d-%d-%d", "value": %d}',
      measure, id, n, i, i)
  end
  return wrk.format(nil, nil, nil, '{"atomic": true, "items": [' .. table.concat(items, ",") .. ']}')
end
-- Each wrk thread numbers its periods apart from the others'.
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("id", threads)
  thread:set("measure", os.getenv("WAYMARK_BENCH_MEASURE"))
end
