-- Dashboards of the figures benchmark: every kind of period, several scopes.
-- PRACTICE and WORKER come from the script (codes of the demo database).
local practice = os.getenv("PRACTICE")
local worker = os.getenv("WORKER")
local paths = {
  "/api/v1/reports?period=2026-10",
  "/api/v1/reports?period=2026Q3",
  "/api/v1/reports?period=2026-27Q2",
  "/api/v1/reports?period=2025-26",
  "/api/v1/reports?period=2025",
  "/api/v1/reports?period=2026-06-01..2026-08-15",
  "/api/v1/reports?period=2025-26&scope=area:North%20West",
  "/api/v1/reports?period=2026Q3&scope=cluster:Castlemilk",
  "/api/v1/reports?period=2025-26&scope=practice:" .. practice,
  "/api/v1/reports?period=2026-10&scope=practice:" .. practice,
  "/api/v1/reports?period=2025-26&scope=worker:" .. worker,
  "/api/v1/reports?period=2026Q3&scope=worker:" .. worker,
}
dofile("bench/rotate.lua")
rotate(paths)
