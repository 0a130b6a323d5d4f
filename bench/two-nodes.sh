#!/usr/bin/env bash
# Two linkwork nodes on one PostgreSQL behind HAProxy (deploy/haproxy.cfg):
# load them through the balancer, kill one node (kill -9) part way, and
# report the requests each node served, the errors, and that a session
# signed in before the kill carries on at the other node.
# Usage (from the checkout): bench/two-nodes.sh [CONNS] [DURATION_SECONDS] [KILL_AFTER_SECONDS]
# Needs: haproxy, wrk, curl, psql (Debian packages); PostgreSQL at
# BENCH_POSTGRES_URL's server (default postgres://postgres@127.0.0.1:5432),
# where it recreates the database lw_two. BENCH_YEARS: years of demo data (1).
set -euo pipefail
cd "$(dirname "$0")/.."
conns="${1:-64}"; dur="${2:-20}"; kill_at="${3:-8}"
server="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
url="$server/lw_two"
bin=target/release/linkwork
cargo build --release -q
work=$(mktemp -d); pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
export LINKWORK_LOG=warn LINKWORK_DATABASE_URL="$url"
lb=127.0.0.1:18100; a=127.0.0.1:18101; b=127.0.0.1:18102; stats=127.0.0.1:18109

psql "$server/postgres" -qc "DROP DATABASE IF EXISTS lw_two" -c "CREATE DATABASE lw_two" >/dev/null
"$bin" demo --scale programme --seed 1 --years "${BENCH_YEARS:-1}" | grep "Demo data made" || true
"$bin" serve --bind "$a" --trust-forwarded-for true >"$work/a.log" 2>&1 & pid_a=$!; pids+=($pid_a)
"$bin" serve --bind "$b" --trust-forwarded-for true >"$work/b.log" 2>&1 & pid_b=$!; pids+=($pid_b)
for n in $a $b; do until curl -fs "http://$n/healthz" >/dev/null; do sleep 0.05; done; done
LB_BIND=$lb NODE_A=$a NODE_B=$b STATS_BIND=$stats haproxy -db -f deploy/haproxy.cfg >"$work/lb.log" 2>&1 & pids+=($!)
until curl -fs "http://$lb/healthz" >/dev/null; do sleep 0.05; done

# Sign in through the balancer: the session is kept in the database, so
# whichever node answers next knows it.
jar="$work/jar"
curl -fs -c "$jar" "http://$lb/sign-in" -o "$work/signin.html"
csrf=$(grep -o 'name="csrf_token" value="[^"]*"' "$work/signin.html" | head -1 | sed 's/.*value="//; s/"$//')
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "email=linkworker@linkwork.example" \
  --data-urlencode "password=demo passphrase for linkwork" --data-urlencode "csrf_token=$csrf" "http://$lb/sign-in"
cookie=$(awk '$6 ~ /session/ {print $6"="$7}' "$jar")
[ -n "$cookie" ] || { echo "sign-in failed" >&2; exit 1; }

echo "## two nodes behind HAProxy, PostgreSQL, $(nproc) cores: wrk -t2 -c$conns -d${dur}s GET / (link worker's home), node a killed (kill -9) after ${kill_at}s"
wrk -t2 -c"$conns" -d"${dur}s" --latency -H "Cookie: $cookie" "http://$lb/" >"$work/wrk.txt" &
wrk_pid=$!
sleep "$kill_at"
kill -9 "$pid_a" 2>/dev/null
wait "$pid_a" 2>/dev/null || true
echo "killed node a (kill -9) at ${kill_at}s"
# The session signed in before the kill, asked again: the other node answers.
sleep 1
code=$(curl -s -o "$work/after.html" -w '%{http_code}' -H "Cookie: $cookie" "http://$lb/")
wait "$wrk_pid" || true
grep -E "Requests/sec|Latency  |50%|99%|Non-2xx|Socket errors|requests in" "$work/wrk.txt"
grep -qE "Non-2xx|Socket errors" "$work/wrk.txt" || echo "errors seen by wrk: none (every answer 2xx, no socket errors)"
echo
echo "## served by each node (HAProxy's counts)"
curl -fs "http://$stats/stats;csv" | awk -F, 'NR==1 {for (i=1;i<=NF;i++) h[$i]=i} $1=="nodes" && $2!="BACKEND" {
  printf "node %s: %s requests, 2xx %s, 5xx %s, connection errors %s, retried %s, redispatched %s, status %s\n",
    $2, $h["stot"], $h["hrsp_2xx"], $h["hrsp_5xx"], $h["econ"], $h["wretr"], $h["wredis"], $h["status"] }'
echo
if [ "$code" = 200 ] && grep -q "Sign out" "$work/after.html"; then
  echo "session after the kill: carried on at node b (200, still signed in)"
else
  echo "session after the kill: NOT carried on (HTTP $code)"; exit 1
fi
