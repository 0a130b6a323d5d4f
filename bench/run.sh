#!/usr/bin/env bash
# Benchmarks: demo data, start-up, sign-in, authenticated pages and booking an
# appointment under concurrent load (wrk, from a second process), resident memory.
# Usage: bench/run.sh [sqlite|postgres]   (PostgreSQL: BENCH_POSTGRES_URL, default
# postgres://postgres@127.0.0.1:5432/linkwork_bench, created if missing)
# BENCH_YEARS: years of demo casework (default 10).
# Needs: wrk (Debian package), curl, python3. Writes nothing outside a temp directory
# (and, for postgres, the linkwork_bench database, which it recreates).
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
port="${BENCH_PORT:-18080}"
duration="${BENCH_DURATION:-20s}"
conns="${BENCH_CONNECTIONS:-32}"
# The release binary of this checkout (built, or brought up to date, first),
# or LINKWORK_BIN as given, like bench/common.sh.
bin=${LINKWORK_BIN:-target/release/linkwork}
[ -n "${LINKWORK_BIN:-}" ] || cargo build --release -q
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT

if [ "$backend" = postgres ]; then
  url="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/linkwork_bench}"
  psql "${url%/*}/postgres" -qc "DROP DATABASE IF EXISTS linkwork_bench" -c "CREATE DATABASE linkwork_bench" >/dev/null
else
  url="sqlite://$work/bench.db"
fi
export LINKWORK_DATABASE_URL="$url" LINKWORK_LOG=warn

echo "# linkwork benchmark, $backend, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
years="${BENCH_YEARS:-10}"
start=$(date +%s%N)
"$bin" demo --scale programme --seed 1 --years "$years" | grep "Demo data made"
echo "demo data ($years years): $(( ($(date +%s%N) - start) / 1000000 )) ms"
token=$("$bin" token create --email linkworker@linkwork.example --name bench)

# Start-up on an existing database: from exec to the first answered request.
start=$(date +%s%N)
"$bin" serve --bind "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.01; done
echo "start-up to first answer: $(( ($(date +%s%N) - start) / 1000000 )) ms"

# Sign-in: the sign-in page (for its CSRF cookie), then the posted form.
jar="$work/jar"
curl -fs -c "$jar" "http://127.0.0.1:$port/sign-in" -o "$work/signin.html"
csrf=$(grep -o 'name="csrf_token" value="[^"]*"' "$work/signin.html" | head -1 | sed 's/.*value="//; s/"$//')
t=$(curl -s -b "$jar" -c "$jar" -o /dev/null -w '%{time_total}' \
  --data-urlencode "email=manager@linkwork.example" \
  --data-urlencode "password=demo passphrase for linkwork" \
  --data-urlencode "csrf_token=$csrf" --data-urlencode "next=/" \
  "http://127.0.0.1:$port/sign-in")
echo "sign-in (argon2id verify + session write): $(awk "BEGIN{print $t*1000}") ms"
cookie=$(awk '$6 ~ /linkwork_session/ {print $6"="$7}' "$jar")

for path in "/sites?area_id=&q=" "/"; do
  echo
  echo "## GET $path as a signed-in manager: wrk -t2 -c$conns -d$duration --latency"
  wrk -t2 -c"$conns" -d"$duration" --latency -H "Cookie: $cookie" "http://127.0.0.1:$port$path" \
    | grep -E "Requests/sec|50%|75%|90%|99%|Non-2xx|Socket errors"
done

# The demo link worker: their home page, and a person's record (every view of
# which writes an audit event, so this measures writes too).
ljar="$work/ljar"
curl -fs -c "$ljar" "http://127.0.0.1:$port/sign-in" -o "$work/signin2.html"
csrf=$(grep -o 'name="csrf_token" value="[^"]*"' "$work/signin2.html" | head -1 | sed 's/.*value="//; s/"$//')
curl -s -b "$ljar" -c "$ljar" -o /dev/null --data-urlencode "email=linkworker@linkwork.example" \
  --data-urlencode "password=demo passphrase for linkwork" --data-urlencode "csrf_token=$csrf" "http://127.0.0.1:$port/sign-in"
lcookie=$(awk '$6 ~ /linkwork_session/ {print $6"="$7}' "$ljar")
for path in "/" "/people/1"; do
  echo
  echo "## GET $path as the demo link worker: wrk -t2 -c$conns -d$duration --latency"
  wrk -t2 -c"$conns" -d"$duration" --latency -H "Cookie: $lcookie" "http://127.0.0.1:$port$path" \
    | grep -E "Requests/sec|50%|75%|90%|99%|Non-2xx|Socket errors"
done

# Creating an appointment (a write and its audit event) through the API, as the
# demo link worker, against one of their open referrals.
referral=$(curl -fs -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$port/api/v1/referrals?status=engaged&limit=1" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
cat >"$work/book.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
wrk.body = '{"referral_id": $referral, "date": "2027-01-05", "time": "10:00", "duration_minutes": "45", "mode": "practice", "allow_clash": true}'
LUA
echo
echo "## POST /api/v1/appointments (book, with audit) as the demo link worker: wrk -t2 -c$conns -d$duration --latency"
wrk -t2 -c"$conns" -d"$duration" --latency -s "$work/book.lua" "http://127.0.0.1:$port/api/v1/appointments" \
  | grep -E "Requests/sec|50%|75%|90%|99%|Non-2xx|Socket errors"
echo
echo "resident memory of serve: now $(awk '/VmRSS/{print $2/1024" MB"}' /proc/$pid/status), peak $(awk '/VmHWM/{print $2/1024" MB"}' /proc/$pid/status)"
