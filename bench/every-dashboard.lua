-- Every scope (the programme, an area, a cluster, a practice, a link
-- worker) × every kind of period (a month, a quarter, a financial year, a
-- calendar year, a run of days, three whole years, ten years): the p99 of
-- issue 10's "every dashboard for any scope and period". PRACTICE and
-- WORKER come from the script (codes of the demo database).
local practice = os.getenv("PRACTICE")
local worker = os.getenv("WORKER")
local scopes = {
  "programme", "area:North%20West", "cluster:Castlemilk",
  "practice:" .. practice, "worker:" .. worker,
}
local periods = {
  "2026-10", "2026Q3", "2025-26", "2025", "2026-06-01..2026-08-15",
  "2023-04-01..2026-03-31", "2017-01-01..2026-11-30",
}
local paths = {}
for _, s in ipairs(scopes) do
  for _, p in ipairs(periods) do
    paths[#paths + 1] = "/api/v1/reports?period=" .. p .. "&scope=" .. s
  end
end
dofile("bench/rotate.lua")
rotate(paths)
