#!/usr/bin/env bash
# The figures' benchmark (issue 10): a programme's demo data (ten years by
# default), then the dashboards of bench/reports.lua (months, quarters,
# financial and calendar years, a custom run of days; the programme, an
# area, a cluster, a practice, a link worker) through GET /api/v1/reports,
# one manager at a time and four at once; and every scope × every kind of
# period up to ten years (bench/every-dashboard.lua), one at a time.
# Usage: bench/reports.sh sqlite|postgres [years] [duration]
# Needs wrk; PostgreSQL from LINKWORK_TEST_POSTGRES_URL (its own schema).
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
years=${2:-10}
duration=${3:-20s}
. bench/common.sh
start=$(date +%s.%N)
$bin demo --years "$years" | grep "Demo data made"
echo "== demo data made in $(echo "$(date +%s.%N) - $start" | bc) s"
token=$($bin token create --email manager@linkwork.example | head -1)
case "$backend" in
  sqlite) q() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$work/bench.db" "$1"; } ;;
  postgres) q() { psql "$url" -tAc "$1"; } ;;
esac
practice=$(q "SELECT code FROM sites WHERE kind = 'gp_practice' ORDER BY id LIMIT 1")
worker=$(q "SELECT u.email FROM users u JOIN user_sites us ON us.user_id = u.id WHERE u.role = 'link-worker' ORDER BY u.id LIMIT 1")
# Twice: counted afresh on every request (LINKWORK_FIGURES_CACHE=0), then
# as served (figures kept at the programme's data version; nothing is
# written during the run, so after the first round every dashboard is kept).
for cache in 0 200; do
  echo "=== LINKWORK_FIGURES_CACHE=$cache"
  port=$((20000 + RANDOM % 10000))
  LINKWORK_FIGURES_CACHE=$cache $bin serve --bind "127.0.0.1:$port" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  for p in "period=2025-26" "period=2026Q3" "period=2026-10" "period=2017-01-01..2026-11-30"; do
    curl -s -o /dev/null -w "== one request, programme, $p: %{time_total} s\n" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/reports?$p"
  done
  # The first requests' pieces are kept after they are answered, in a write
  # of their own (up to a second for ten years): let it end before the
  # rounds, which measure dashboards asked for again.
  sleep 2
  for c in 1 4; do
    echo "== $c at once, $duration"
    TOKEN=$token PRACTICE=$practice WORKER=$worker wrk -t1 -c$c -d"$duration" --latency -s bench/reports.lua "http://127.0.0.1:$port" | sed -n '/Latency Distribution/,/Requests\/sec/p'
  done
  if [ "$cache" = 0 ]; then
    echo "== every scope × every kind of period (35 dashboards in turn), one at a time, $duration"
    TOKEN=$token PRACTICE=$practice WORKER=$worker wrk -t1 -c1 -d"$duration" --latency -s bench/every-dashboard.lua "http://127.0.0.1:$port" | sed -n '/Latency Distribution/,/Requests\/sec/p'
  fi
  echo "== resident memory of the server: $(awk '/VmHWM/ {print $2/1024 " MB (peak)"}' /proc/$server/status)"
  kill $server; wait $server 2>/dev/null || true
done
