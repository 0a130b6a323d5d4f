-- Month pieces of the figures (issue 10): the referrals' and the
-- appointments', needs', onward support's and goals' counts of each calendar month of a whole programme, kept,
-- so that a year of the whole programme adds up months already counted
-- instead of counting every row again. A month is numbered
-- year * 12 + month - 1.
--
-- figure_marks: a counter per programme and month (month -1: every month,
-- moved by changes that date nothing, such as a practice's Deep End flag
-- or a postcode or SIMD import), moved on by the statement triggers below
-- in the same transaction as every change to the rows the counts are
-- made from, each statement's months taken in one order.
-- figure_pieces: each month kept, with the sum of its mark and the
-- programme's mark -1 as they were when it was counted (marks only go up,
-- so the sum changes whenever either does); figure_piece_rows: its counts.
-- A piece whose mark is no longer the sum is counted again.
-- docs/REPORTING.md, "How the figures are counted, and kept".
CREATE TABLE figure_marks (
    programme_id BIGINT NOT NULL,
    month BIGINT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (programme_id, month)
);
CREATE TABLE figure_pieces (
    programme_id BIGINT NOT NULL,
    part TEXT NOT NULL,
    month BIGINT NOT NULL,
    mark BIGINT NOT NULL,
    PRIMARY KEY (programme_id, part, month)
);
CREATE TABLE figure_piece_rows (
    programme_id BIGINT NOT NULL,
    part TEXT NOT NULL,
    month BIGINT NOT NULL,
    dim TEXT NOT NULL,
    site_id BIGINT NOT NULL,
    key TEXT,
    ref_id BIGINT,
    value DOUBLE PRECISION,
    n BIGINT NOT NULL
);
CREATE INDEX figure_piece_rows_month ON figure_piece_rows (programme_id, part, month);

CREATE FUNCTION figure_month(d DATE) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS $$
    SELECT CAST(EXTRACT(YEAR FROM d) * 12 + EXTRACT(MONTH FROM d) - 1 AS BIGINT)
$$;

-- Moves the marks of (programme, month) pairs on, in one order: the latest
-- month first. A transaction marking two months mostly marks the current
-- one first (an appointment today, then its referral's older month), so a
-- statement marking several (a person's referrals) takes them in the same
-- order, and the two wait for each other rather than deadlock.
CREATE FUNCTION figure_mark(programmes BIGINT[], months BIGINT[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT p, m, 1 FROM unnest(programmes, months) AS x(p, m) WHERE p IS NOT NULL ORDER BY 1, 2 DESC
    ON CONFLICT (programme_id, month) DO UPDATE SET version = figure_marks.version + 1
$$;

-- A referral added or removed: its month.
CREATE FUNCTION referrals_figure_mark_added_or_removed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[]; ms BIGINT[];
BEGIN
    SELECT array_agg(p), array_agg(m) INTO ps, ms
    FROM (SELECT DISTINCT x.programme_id AS p, figure_month(x.received_on) AS m FROM changed_rows x) v;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, ms); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER referrals_figure_mark_insert AFTER INSERT ON referrals REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_figure_mark_added_or_removed();
CREATE TRIGGER referrals_figure_mark_delete AFTER DELETE ON referrals REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_figure_mark_added_or_removed();

-- A referral changed in what it is counted by: its month (both months when
-- re-dated).
CREATE FUNCTION referrals_figure_mark_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[]; ms BIGINT[];
BEGIN
    WITH c AS (
        SELECT o.programme_id AS op, figure_month(o.received_on) AS om,
               n.programme_id AS np, figure_month(n.received_on) AS nm
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.programme_id, o.site_id, o.participant_id, o.person_date_of_birth, o.source,
               o.received_on, o.first_for_person, o.first_contact_on, o.first_attended_on)
              IS DISTINCT FROM
              (n.programme_id, n.site_id, n.participant_id, n.person_date_of_birth, n.source,
               n.received_on, n.first_for_person, n.first_contact_on, n.first_attended_on)
    ), v AS (SELECT op AS p, om AS m FROM c UNION SELECT np, nm FROM c)
    SELECT array_agg(p), array_agg(m) INTO ps, ms FROM v;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, ms); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER referrals_figure_mark_update AFTER UPDATE ON referrals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_figure_mark_update();

-- An appointment added, removed or changed in practice, time or status:
-- its UK month.
CREATE FUNCTION appointments_figure_mark_added_or_removed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[]; ms BIGINT[];
BEGIN
    SELECT array_agg(p), array_agg(m) INTO ps, ms
    FROM (SELECT DISTINCT x.programme_id AS p, figure_month(CAST(x.starts_at AT TIME ZONE 'Europe/London' AS DATE)) AS m
          FROM changed_rows x) v;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, ms); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER appointments_figure_mark_insert AFTER INSERT ON appointments REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION appointments_figure_mark_added_or_removed();
CREATE TRIGGER appointments_figure_mark_delete AFTER DELETE ON appointments REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION appointments_figure_mark_added_or_removed();

CREATE FUNCTION appointments_figure_mark_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[]; ms BIGINT[];
BEGIN
    WITH c AS (
        SELECT o.programme_id AS op, figure_month(CAST(o.starts_at AT TIME ZONE 'Europe/London' AS DATE)) AS om,
               n.programme_id AS np, figure_month(CAST(n.starts_at AT TIME ZONE 'Europe/London' AS DATE)) AS nm
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.programme_id, o.site_id, o.starts_at, o.status) IS DISTINCT FROM (n.programme_id, n.site_id, n.starts_at, n.status)
    ), v AS (SELECT op AS p, om AS m FROM c UNION SELECT np, nm FROM c)
    SELECT array_agg(p), array_agg(m) INTO ps, ms FROM v;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, ms); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER appointments_figure_mark_update AFTER UPDATE ON appointments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION appointments_figure_mark_update();

-- Needs identified, onward support and goals achieved (counted by the UK
-- month they were recorded or reviewed in, at the person's practice).
CREATE FUNCTION person_events_figure_mark() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[]; ms BIGINT[];
BEGIN
    IF TG_TABLE_NAME = 'goal_reviews' THEN
        SELECT array_agg(p), array_agg(m) INTO ps, ms
        FROM (SELECT DISTINCT g.programme_id AS p, figure_month(CAST(x.reviewed_at AT TIME ZONE 'Europe/London' AS DATE)) AS m
              FROM changed_rows x JOIN goals g ON g.id = x.goal_id) v;
    ELSE
        SELECT array_agg(p), array_agg(m) INTO ps, ms
        FROM (SELECT DISTINCT x.programme_id AS p, figure_month(CAST(x.created_at AT TIME ZONE 'Europe/London' AS DATE)) AS m FROM changed_rows x) v;
    END IF;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, ms); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER needs_figure_mark_insert AFTER INSERT ON needs REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION person_events_figure_mark();
CREATE TRIGGER needs_figure_mark_delete AFTER DELETE ON needs REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION person_events_figure_mark();
CREATE TRIGGER onward_support_figure_mark_insert AFTER INSERT ON onward_support REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION person_events_figure_mark();
CREATE TRIGGER onward_support_figure_mark_delete AFTER DELETE ON onward_support REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION person_events_figure_mark();
CREATE TRIGGER goal_reviews_figure_mark_insert AFTER INSERT ON goal_reviews REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION person_events_figure_mark();
CREATE TRIGGER goal_reviews_figure_mark_delete AFTER DELETE ON goal_reviews REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION person_events_figure_mark();

-- Changed: both sides of the rows changed in what they are counted by.
CREATE FUNCTION person_events_figure_mark_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[]; ms BIGINT[];
BEGIN
    IF TG_TABLE_NAME = 'needs' THEN
        WITH c AS (SELECT o.programme_id AS op, figure_month(CAST(o.created_at AT TIME ZONE 'Europe/London' AS DATE)) AS om, n.programme_id AS np, figure_month(CAST(n.created_at AT TIME ZONE 'Europe/London' AS DATE)) AS nm
                   FROM old_rows o JOIN new_rows n ON n.id = o.id
                   WHERE (o.programme_id, o.participant_id, o.need, o.created_at)
                         IS DISTINCT FROM (n.programme_id, n.participant_id, n.need, n.created_at)),
             v AS (SELECT op AS p, om AS m FROM c UNION SELECT np, nm FROM c)
        SELECT array_agg(p), array_agg(m) INTO ps, ms FROM v;
    ELSIF TG_TABLE_NAME = 'onward_support' THEN
        WITH c AS (SELECT o.programme_id AS op, figure_month(CAST(o.created_at AT TIME ZONE 'Europe/London' AS DATE)) AS om, n.programme_id AS np, figure_month(CAST(n.created_at AT TIME ZONE 'Europe/London' AS DATE)) AS nm
                   FROM old_rows o JOIN new_rows n ON n.id = o.id
                   WHERE (o.programme_id, o.participant_id, o.kind, o.status, o.service_id, o.created_at)
                         IS DISTINCT FROM (n.programme_id, n.participant_id, n.kind, n.status, n.service_id, n.created_at)),
             v AS (SELECT op AS p, om AS m FROM c UNION SELECT np, nm FROM c)
        SELECT array_agg(p), array_agg(m) INTO ps, ms FROM v;
    ELSIF TG_TABLE_NAME = 'goal_reviews' THEN
        WITH c AS (SELECT o.goal_id AS og, figure_month(CAST(o.reviewed_at AT TIME ZONE 'Europe/London' AS DATE)) AS om, n.goal_id AS ng, figure_month(CAST(n.reviewed_at AT TIME ZONE 'Europe/London' AS DATE)) AS nm
                   FROM old_rows o JOIN new_rows n ON n.id = o.id
                   WHERE (o.goal_id, o.status, o.reviewed_at) IS DISTINCT FROM (n.goal_id, n.status, n.reviewed_at)),
             v AS (SELECT g.programme_id AS p, c.om AS m FROM c JOIN goals g ON g.id = c.og
                   UNION SELECT g.programme_id, c.nm FROM c JOIN goals g ON g.id = c.ng)
        SELECT array_agg(p), array_agg(m) INTO ps, ms FROM v;
    ELSIF TG_TABLE_NAME = 'goals' THEN
        SELECT array_agg(p), array_agg(m) INTO ps, ms
        FROM (SELECT DISTINCT x.p, figure_month(CAST(gr.reviewed_at AT TIME ZONE 'Europe/London' AS DATE)) AS m
              FROM old_rows o JOIN new_rows n ON n.id = o.id
              JOIN goal_reviews gr ON gr.goal_id = n.id,
              LATERAL (VALUES (o.programme_id), (n.programme_id)) AS x(p)
              WHERE (o.participant_id, o.programme_id) IS DISTINCT FROM (n.participant_id, n.programme_id)) v;
    ELSE
        -- participants: moved to another practice, or merged.
        SELECT array_agg(p), array_agg(m) INTO ps, ms
        FROM (SELECT DISTINCT e.p, figure_month(CAST(e.at AT TIME ZONE 'Europe/London' AS DATE)) AS m
              FROM old_rows o JOIN new_rows n ON n.id = o.id,
              LATERAL (SELECT nd.programme_id AS p, nd.created_at AS at FROM needs nd WHERE nd.participant_id = n.id
                       UNION ALL SELECT os.programme_id, os.created_at FROM onward_support os WHERE os.participant_id = n.id
                       UNION ALL SELECT g.programme_id, gr.reviewed_at FROM goal_reviews gr JOIN goals g ON g.id = gr.goal_id
                                 WHERE g.participant_id = n.id
                       UNION ALL SELECT ms.programme_id, CAST(ms.taken_on AS TIMESTAMP) AT TIME ZONE 'Europe/London' FROM measures ms
                                 WHERE ms.participant_id = n.id) e
              WHERE (o.site_id, o.merged_into) IS DISTINCT FROM (n.site_id, n.merged_into)) v;
    END IF;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, ms); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER needs_figure_mark_update AFTER UPDATE ON needs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION person_events_figure_mark_update();
CREATE TRIGGER onward_support_figure_mark_update AFTER UPDATE ON onward_support REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION person_events_figure_mark_update();
CREATE TRIGGER goal_reviews_figure_mark_update AFTER UPDATE ON goal_reviews REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION person_events_figure_mark_update();
CREATE TRIGGER goals_figure_mark_update AFTER UPDATE ON goals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION person_events_figure_mark_update();
CREATE TRIGGER participants_events_figure_mark_update AFTER UPDATE ON participants REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION person_events_figure_mark_update();

-- Wellbeing scores (the pairs of a period depend on every score taken up
-- to its last day: a period's piece holds while no month up to its last is
-- marked): the month a score was taken.
CREATE FUNCTION measures_figure_mark_added_or_removed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[]; ms BIGINT[];
BEGIN
    SELECT array_agg(p), array_agg(m) INTO ps, ms
    FROM (SELECT DISTINCT x.programme_id AS p, figure_month(x.taken_on) AS m FROM changed_rows x) v;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, ms); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER measures_figure_mark_insert AFTER INSERT ON measures REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION measures_figure_mark_added_or_removed();
CREATE TRIGGER measures_figure_mark_delete AFTER DELETE ON measures REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION measures_figure_mark_added_or_removed();

CREATE FUNCTION measures_figure_mark_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[]; ms BIGINT[];
BEGIN
    WITH c AS (
        SELECT o.programme_id AS op, figure_month(o.taken_on) AS om, n.programme_id AS np, figure_month(n.taken_on) AS nm
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.programme_id, o.participant_id, o.kind, o.stage, o.taken_on, o.score)
              IS DISTINCT FROM (n.programme_id, n.participant_id, n.kind, n.stage, n.taken_on, n.score)
    ), v AS (SELECT op AS p, om AS m FROM c UNION SELECT np, nm FROM c)
    SELECT array_agg(p), array_agg(m) INTO ps, ms FROM v;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, ms); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER measures_figure_mark_update AFTER UPDATE ON measures REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION measures_figure_mark_update();

-- A referral's reasons: the referral's month.
CREATE FUNCTION referral_reasons_figure_mark() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[]; ms BIGINT[];
BEGIN
    SELECT array_agg(p), array_agg(m) INTO ps, ms
    FROM (SELECT DISTINCT r.programme_id AS p, figure_month(r.received_on) AS m
          FROM changed_rows x JOIN referrals r ON r.id = x.referral_id) v;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, ms); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER referral_reasons_figure_mark_insert AFTER INSERT ON referral_reasons REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referral_reasons_figure_mark();
CREATE TRIGGER referral_reasons_figure_mark_delete AFTER DELETE ON referral_reasons REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referral_reasons_figure_mark();
CREATE TRIGGER referral_reasons_figure_mark_update_old AFTER UPDATE ON referral_reasons REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referral_reasons_figure_mark();
CREATE TRIGGER referral_reasons_figure_mark_update_new AFTER UPDATE ON referral_reasons REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referral_reasons_figure_mark();

-- A person's date of birth, sex or postcode: the months of their referrals.
CREATE FUNCTION participants_figure_mark_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[]; ms BIGINT[];
BEGIN
    SELECT array_agg(p), array_agg(m) INTO ps, ms
    FROM (SELECT DISTINCT r.programme_id AS p, figure_month(r.received_on) AS m
          FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN referrals r ON r.participant_id = n.id
          WHERE (o.date_of_birth, o.sex, o.postcode) IS DISTINCT FROM (n.date_of_birth, n.sex, n.postcode)) v;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, ms); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER participants_figure_mark_update AFTER UPDATE ON participants REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION participants_figure_mark_update();

-- A practice's Deep End flag (or programme): every month of its programme.
CREATE FUNCTION sites_figure_mark_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[];
BEGIN
    SELECT array_agg(p) INTO ps
    FROM (SELECT o.programme_id AS p FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE (o.deep_end, o.programme_id) IS DISTINCT FROM (n.deep_end, n.programme_id)
          UNION SELECT n.programme_id FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE (o.deep_end, o.programme_id) IS DISTINCT FROM (n.deep_end, n.programme_id)) v;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, array_fill(-1::BIGINT, ARRAY[cardinality(ps)])); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER sites_figure_mark_update AFTER UPDATE ON sites REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sites_figure_mark_update();

-- The postcode lookup and the SIMD table: every month of every programme.
CREATE FUNCTION figure_mark_everything() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM figure_mark(ARRAY(SELECT id FROM programmes), ARRAY(SELECT -1::BIGINT FROM programmes));
    RETURN NULL;
END $$;
CREATE TRIGGER postcodes_figure_mark AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON postcodes
    FOR EACH STATEMENT EXECUTE FUNCTION figure_mark_everything();
CREATE TRIGGER simd_datazones_figure_mark AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON simd_datazones
    FOR EACH STATEMENT EXECUTE FUNCTION figure_mark_everything();
