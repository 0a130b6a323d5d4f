#!/usr/bin/env python3
"""The figures' aggregation on SQLite and on DuckDB, over the same rows.

Issue 10 asks for a comparison with DuckDB running the same aggregation over
an export of the same rows. This exports the tables the figures read from a
linkwork SQLite database (a demo: `linkwork demo --database-url
sqlite:///tmp/b10.db --years 10`) to CSV, loads them into DuckDB (in memory),
then runs the three largest parts of a report (referrals by every dimension,
appointments by practice and status, wellbeing pairs by window function) for
a financial year beside the one before, on both engines, five times each,
and prints the median times and their ratio. Day counts use UTC dates on
both engines here (DuckDB has no SQLite date modifiers); linkwork itself uses
UK dates. Needs `pip install duckdb`.

Usage: bench/duckdb_compare.py DATABASE.db [FIRST LAST SPLIT]
"""
import csv, os, sqlite3, statistics, sys, tempfile, time

import duckdb

db = sys.argv[1]
first, last, split = (sys.argv[2:5] if len(sys.argv) >= 5 else ("2024-04-01", "2026-03-31", "2025-04-01"))
TABLES = {
    "referrals": "id, site_id, participant_id, source, received_on, person_date_of_birth",
    "referral_reasons": "referral_id, reason",
    "participants": "id, site_id, sex, date_of_birth, postcode, merged_into",
    "postcodes": "postcode, datazone",
    "simd_datazones": "datazone, decile",
    "sites": "id, deep_end",
    "contact_attempts": 'referral_id, "at", outcome',
    "appointments": "id, referral_id, site_id, starts_at, status",
    "measures": "id, participant_id, kind, stage, taken_on, score",
}

lite = sqlite3.connect(db)
duck = duckdb.connect()
with tempfile.TemporaryDirectory() as tmp:
    for table, cols in TABLES.items():
        path = os.path.join(tmp, table + ".csv")
        cur = lite.execute(f"SELECT {cols} FROM {table}")
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow([d[0] for d in cur.description])
            w.writerows(cur)
        duck.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv_auto('{path}', header=true, all_varchar=true)")
# Types as linkwork's SQLite holds them (text dates), cast once for DuckDB.
for stmt in [
    "CREATE TABLE r2 AS SELECT CAST(id AS BIGINT) id, CAST(site_id AS BIGINT) site_id, CAST(NULLIF(participant_id,'') AS BIGINT) participant_id, source, CAST(received_on AS DATE) received_on, CAST(NULLIF(person_date_of_birth,'') AS DATE) person_date_of_birth FROM referrals",
    "DROP TABLE referrals", "ALTER TABLE r2 RENAME TO referrals",
    "CREATE TABLE p2 AS SELECT CAST(id AS BIGINT) id, CAST(site_id AS BIGINT) site_id, sex, CAST(NULLIF(date_of_birth,'') AS DATE) date_of_birth, postcode, merged_into FROM participants",
    "DROP TABLE participants", "ALTER TABLE p2 RENAME TO participants",
    "CREATE TABLE a2 AS SELECT CAST(id AS BIGINT) id, CAST(NULLIF(referral_id,'') AS BIGINT) referral_id, CAST(site_id AS BIGINT) site_id, CAST(replace(substr(starts_at, 1, 19), 'T', ' ') AS TIMESTAMP) starts_at, status FROM appointments",
    "DROP TABLE appointments", "ALTER TABLE a2 RENAME TO appointments",
    'CREATE TABLE c2 AS SELECT CAST(referral_id AS BIGINT) referral_id, CAST(replace(substr("at", 1, 19), \'T\', \' \') AS TIMESTAMP) AS "at", outcome FROM contact_attempts',
    "DROP TABLE contact_attempts", "ALTER TABLE c2 RENAME TO contact_attempts",
    "CREATE TABLE m2 AS SELECT CAST(id AS BIGINT) id, CAST(participant_id AS BIGINT) participant_id, kind, stage, CAST(taken_on AS DATE) taken_on, CAST(score AS DOUBLE) score FROM measures",
    "DROP TABLE measures", "ALTER TABLE m2 RENAME TO measures",
    "CREATE TABLE rr2 AS SELECT CAST(referral_id AS BIGINT) referral_id, reason FROM referral_reasons",
    "DROP TABLE referral_reasons", "ALTER TABLE rr2 RENAME TO referral_reasons",
    "CREATE TABLE s2 AS SELECT CAST(id AS BIGINT) id, deep_end IN ('1', 'true', 't') deep_end FROM sites",
    "DROP TABLE sites", "ALTER TABLE s2 RENAME TO sites",
    "CREATE TABLE z2 AS SELECT datazone, CAST(decile AS BIGINT) decile FROM simd_datazones",
    "DROP TABLE simd_datazones", "ALTER TABLE z2 RENAME TO simd_datazones",
]:
    duck.execute(stmt)


def referrals(days, age):
    contact = days("(SELECT MIN(ca.at) FROM contact_attempts ca WHERE ca.referral_id = r.id AND ca.outcome = 'reached')")
    attended = days("(SELECT MIN(a.starts_at) FROM appointments a WHERE a.referral_id = r.id AND a.status = 'attended')")
    return f"""WITH f AS MATERIALIZED (SELECT r.id, r.site_id, CASE WHEN r.received_on >= '{split}' THEN 1 ELSE 0 END AS side, r.source,
      CASE WHEN r.participant_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM referrals r2 WHERE r2.participant_id = r.participant_id
        AND (r2.received_on < r.received_on OR (r2.received_on = r.received_on AND r2.id < r.id))) THEN 'new' ELSE 'again' END
        || CASE WHEN s.deep_end THEN ':deep' ELSE '' END AS kind,
      {age} AS age, COALESCE(p.sex, '') AS sex, z.decile, {contact} AS contact, {attended} AS attended
      FROM referrals r JOIN sites s ON s.id = r.site_id LEFT JOIN participants p ON p.id = r.participant_id
      LEFT JOIN postcodes pc ON pc.postcode = p.postcode LEFT JOIN simd_datazones z ON z.datazone = pc.datazone
      WHERE r.received_on >= '{first}' AND r.received_on <= '{last}')
    SELECT 'site', side, site_id, kind, COUNT(*) FROM f GROUP BY side, site_id, kind
    UNION ALL SELECT 'source', side, 0, source, COUNT(*) FROM f GROUP BY side, source
    UNION ALL SELECT 'sex', side, 0, sex, COUNT(*) FROM f GROUP BY side, sex
    UNION ALL SELECT 'simd', side, 0, CAST(decile AS TEXT), COUNT(*) FROM f GROUP BY side, decile
    UNION ALL SELECT 'age', side, 0, CAST(age AS TEXT), COUNT(*) FROM f GROUP BY side, age
    UNION ALL SELECT 'contact', side, 0, CAST(contact AS TEXT), COUNT(*) FROM f WHERE contact IS NOT NULL GROUP BY side, contact
    UNION ALL SELECT 'attended', side, 0, CAST(attended AS TEXT), COUNT(*) FROM f WHERE attended IS NOT NULL GROUP BY side, attended
    UNION ALL SELECT 'reason', f.side, 0, rr.reason, COUNT(*) FROM f JOIN referral_reasons rr ON rr.referral_id = f.id GROUP BY f.side, rr.reason"""


def appointments(ts):
    return f"""SELECT a.site_id, a.status, CASE WHEN a.starts_at < {ts(split)} THEN 0 ELSE 1 END AS side, COUNT(*)
      FROM appointments a WHERE a.starts_at >= {ts(first)} AND a.starts_at < {ts('2026-04-01')} GROUP BY 1, 2, 3"""


MEASURES = f"""SELECT x.site_id, x.kind, x.score - x.base_score AS change, COUNT(*) FROM (
    SELECT p.site_id, m.kind, m.taken_on, m.score,
    FIRST_VALUE(m.score) OVER (PARTITION BY m.participant_id, m.kind ORDER BY CASE WHEN m.stage = 'baseline' THEN 0 ELSE 1 END, m.taken_on, m.id) AS base_score,
    FIRST_VALUE(m.taken_on) OVER (PARTITION BY m.participant_id, m.kind ORDER BY CASE WHEN m.stage = 'baseline' THEN 0 ELSE 1 END, m.taken_on, m.id) AS base_on,
    ROW_NUMBER() OVER (PARTITION BY m.participant_id, m.kind ORDER BY CASE WHEN m.taken_on >= '{split}' THEN 0 ELSE 1 END, m.taken_on DESC, m.id DESC) AS l
    FROM measures m JOIN participants p ON p.id = m.participant_id
    WHERE p.merged_into IS NULL AND m.taken_on <= '{last}' AND m.participant_id IN (SELECT participant_id FROM measures WHERE taken_on >= '{split}' AND taken_on <= '{last}')) x
  WHERE x.l = 1 AND x.taken_on >= '{split}' AND x.base_on < x.taken_on GROUP BY 1, 2, 3"""

lite_sql = {
    "referrals": referrals(
        lambda at: f"CAST(julianday(substr({at}, 1, 10)) - julianday(r.received_on) AS INTEGER)",
        "(CAST(strftime('%Y', r.received_on) AS INTEGER) - CAST(strftime('%Y', COALESCE(p.date_of_birth, r.person_date_of_birth)) AS INTEGER) - (strftime('%m-%d', r.received_on) < strftime('%m-%d', COALESCE(p.date_of_birth, r.person_date_of_birth))))"),
    "appointments": appointments(lambda d: f"'{d}T00:00:00+00:00'"),
    "wellbeing pairs": MEASURES,
}
duck_sql = {
    "referrals": referrals(
        lambda at: f"CAST(CAST({at} AS DATE) - r.received_on AS BIGINT)",
        "date_diff('year', COALESCE(p.date_of_birth, r.person_date_of_birth), r.received_on) - CASE WHEN strftime(r.received_on, '%m-%d') < strftime(COALESCE(p.date_of_birth, r.person_date_of_birth), '%m-%d') THEN 1 ELSE 0 END"),
    "appointments": appointments(lambda d: f"TIMESTAMP '{d} 00:00:00'"),
    "wellbeing pairs": MEASURES,
}


def timed(run):
    times = []
    for _ in range(5):
        start = time.perf_counter()
        rows = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, len(rows)


print(f"rows: {lite.execute('SELECT COUNT(*) FROM referrals').fetchone()[0]} referrals, "
      f"{lite.execute('SELECT COUNT(*) FROM appointments').fetchone()[0]} appointments; period {split}..{last} beside {first}..")
print(f"{'part':<16} {'SQLite ms':>10} {'DuckDB ms':>10} {'ratio':>7}  rows")
total = [0.0, 0.0]
for part in lite_sql:
    ls, ln = timed(lambda: lite.execute(lite_sql[part]).fetchall())
    ds, dn = timed(lambda: duck.execute(duck_sql[part]).fetchall())
    total[0] += ls
    total[1] += ds
    print(f"{part:<16} {ls:>10.1f} {ds:>10.1f} {ls / ds:>7.1f}  {ln} / {dn}")
print(f"{'together':<16} {total[0]:>10.1f} {total[1]:>10.1f} {total[0] / total[1]:>7.1f}")
