#!/usr/bin/env bash
# Issue 12's targets in one run, beside the bare axum server of
# ../shared/bench/side-by-side.sh (same wrk settings, one after the other):
# the link worker's home page, the audited record page and booking an
# appointment through the API at 64 connections; the two pages again at 200
# connections; the server's resident memory at the end (peak). Booking goes
# last: it adds appointments to the record the pages show.
# Usage (release binary built): bench/under-load.sh [sqlite|postgres] [DURATION]
# Needs: wrk, curl, python3; psql for postgres (database lw_load, recreated).
set -euo pipefail
cd "$(dirname "$0")/.."
db="${1:-sqlite}"; dur="${2:-10s}"
bin="${LINKWORK_BIN:-target/release/linkwork}"
shared="${SHARED_BENCH:-../shared/bench}"
base_bin="${BASELINE:-${TMPDIR:-/tmp}/linkwork-baseline-axum/release/baseline-axum}"
[ -x "$base_bin" ] || CARGO_TARGET_DIR="${TMPDIR:-/tmp}/linkwork-baseline-axum" cargo build --release \
  --quiet --manifest-path "$shared/baseline-axum/Cargo.toml"
work=$(mktemp -d); pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
export LINKWORK_LOG=warn
port=18500
if [ "$db" = postgres ]; then
  url=postgres://postgres@127.0.0.1:5432/lw_load
  psql postgres://postgres@127.0.0.1:5432/postgres -qc "DROP DATABASE IF EXISTS lw_load" -c "CREATE DATABASE lw_load" >/dev/null
else url="sqlite://$work/load.db"; fi
"$bin" demo --scale programme --seed 1 --database-url "$url" >/dev/null
token=$("$bin" token create --email linkworker@linkwork.example --name load --database-url "$url")
"$bin" serve --bind "127.0.0.1:$port" --database-url "$url" >"$work/serve.log" 2>&1 & pids+=($!); serve=$!
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.05; done

signin() { # email -> cookie
  local jar="$work/jar$RANDOM" csrf
  curl -fs -c "$jar" "http://127.0.0.1:$port/sign-in" -o "$jar.html"
  csrf=$(grep -o 'name="csrf_token" value="[^"]*"' "$jar.html" | head -1 | sed 's/.*value="//; s/"$//')
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "email=$1" \
    --data-urlencode "password=demo passphrase for linkwork" --data-urlencode "csrf_token=$csrf" \
    "http://127.0.0.1:$port/sign-in"
  awk '$6 ~ /session/ {print $6"="$7}' "$jar"
}
load() { # label conns url [wrk args...]
  local label=$1 c=$2 u=$3; shift 3
  local out rps p50 p99 errs
  out=$(wrk -t2 -c"$c" -d"$dur" --latency "$@" "$u")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errs=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr -s ' ' | paste -sd';' || true)
  printf '%-46s %4s conns %10s req/s  p50 %-9s p99 %-9s %s\n' "$label" "$c" "$rps" "$p50" "$p99" "$errs"
}
lw=$(signin linkworker@linkwork.example)
size=$(curl -s -H "Cookie: $lw" "http://127.0.0.1:$port/" | wc -c)
"$base_bin" "127.0.0.1:$((port + 1))" "$size" & pids+=($!)
until curl -fs "http://127.0.0.1:$((port + 1))/healthz" >/dev/null; do sleep 0.05; done
person=$(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/referrals?status=engaged&limit=1" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["participant_id"])')
referral=$(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/referrals?status=engaged&limit=1" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
cat >"$work/book.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
wrk.body = '{"referral_id": $referral, "date": "2027-01-05", "time": "10:00", "duration_minutes": "45", "mode": "practice", "allow_clash": true}'
LUA
echo "## $db, $(nproc) cores, wrk -t2 -d$dur, home page $size bytes, record of person $person (the demo link worker's)"
load "bare axum, same-size page from memory" 64 "http://127.0.0.1:$((port + 1))/"
load "GET / (link worker's home)" 64 "http://127.0.0.1:$port/" -H "Cookie: $lw"
load "GET /people/$person (record, audited)" 64 "http://127.0.0.1:$port/people/$person" -H "Cookie: $lw"
load "GET / (link worker's home)" 200 "http://127.0.0.1:$port/" -H "Cookie: $lw"
load "GET /people/$person (record, audited)" 200 "http://127.0.0.1:$port/people/$person" -H "Cookie: $lw"
load "POST /api/v1/appointments (book, audited)" 64 "http://127.0.0.1:$port/api/v1/appointments" -s "$work/book.lua"
load "bare axum again" 64 "http://127.0.0.1:$((port + 1))/"
echo "linkwork resident memory: now $(awk '/VmRSS/ {print $2/1024 " MB"}' /proc/$serve/status), peak $(awk '/VmHWM/ {print $2/1024 " MB"}' /proc/$serve/status)"
