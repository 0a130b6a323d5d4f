# Shared by the bench scripts (sourced, with $backend set, from the repo's
# root): builds the release binary ($bin), makes a scratch folder ($work)
# and a database of the backend ($url; for PostgreSQL its own schema in
# LINKWORK_TEST_POSTGRES_URL's database, dropped at the end), and stops
# $server on exit. LINKWORK_BIN names another build to measure (not rebuilt).
bin=${LINKWORK_BIN:-target/release/linkwork}
[ -n "${LINKWORK_BIN:-}" ] || cargo build --release -q
work=$(mktemp -d)
schema=""
cleanup() {
  kill "${server:-0}" 2>/dev/null || true
  rm -rf "$work"
  if [ -n "$schema" ]; then psql "$base" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
case "$backend" in
  sqlite) url="sqlite://$work/bench.db" ;;
  postgres)
    base=${LINKWORK_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
    schema="bench_$$"
    psql "$base" -qc "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema"
    url="$base?options=-c%20search_path%3D$schema" ;;
  *) echo "sqlite or postgres" >&2; exit 2 ;;
esac
export LINKWORK_DATABASE_URL=$url LINKWORK_LOG=warn
