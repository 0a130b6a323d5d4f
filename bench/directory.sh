#!/usr/bin/env bash
# The directory's benchmarks (issue 9): import 100,000 fictional services, then
# search them (words with typos, filters, distance) with one searcher and with
# 32 at once. Usage: bench/directory.sh sqlite|postgres [services] [duration]
# Needs wrk and python3; PostgreSQL from LINKWORK_TEST_POSTGRES_URL (its own schema).
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
n=${2:-100000}
duration=${3:-15s}
. bench/common.sh
python3 bench/make_directory.py "$n" > "$work/directory.json"
$bin migrate >/dev/null
echo "a long bench passphrase" | $bin user add --email bench@example.org --name "Bench Admin" --role administrator --programme Bench --password-stdin >/dev/null
echo "== import of $n services ($backend)"
$bin import directory "$work/directory.json" | head -1
echo "== import again (nothing changes)"
$bin import directory "$work/directory.json" | head -1
token=$($bin token create --email bench@example.org)
port=$((20000 + RANDOM % 10000))
$bin serve --bind "127.0.0.1:$port" >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
start=$(date +%s.%N)
curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/directory/services?q=walk" >/dev/null
echo "== first search (builds this node's index): $(echo "$(date +%s.%N) - $start" | bc) s"
echo "== one searcher, $duration"
TOKEN=$token wrk -t1 -c1 -d"$duration" --latency -s bench/directory.lua "http://127.0.0.1:$port" | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "== 32 searchers, $duration"
TOKEN=$token wrk -t2 -c32 -d"$duration" --latency -s bench/directory.lua "http://127.0.0.1:$port" | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "== resident memory of the server: $(awk '/VmHWM/ {print $2/1024 " MB (peak)"}' /proc/$server/status)"
