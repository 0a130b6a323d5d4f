-- Each person's first score of each kind, and their first marked baseline,
-- kept beside the scores (issue 10): a wellbeing change pairs the latest
-- score in a period with the baseline (the earliest score marked baseline
-- up to the period's end, else the earliest score), which the figures
-- found by reading every score a person ever had. With these two kept, a
-- period reads only its own scores. Kept by statement triggers in the
-- transaction of every score added, removed or changed (a merge moves a
-- person's scores), for the people concerned; on the same day the lower id
-- comes first. The people's rows are taken first, in id order (FOR NO KEY
-- UPDATE, as migration 29 does), so two transactions scoring one person
-- work out their rows in turn, the second seeing the first's.
-- docs/REPORTING.md, "How the figures are counted, and kept".
CREATE TABLE measure_baselines (
    participant_id BIGINT NOT NULL REFERENCES participants(id),
    kind TEXT NOT NULL,
    first_on DATE NOT NULL,
    first_score DOUBLE PRECISION NOT NULL,
    baseline_on DATE,
    baseline_score DOUBLE PRECISION,
    PRIMARY KEY (participant_id, kind)
);

-- The rows of the people named (`people`: the people of the changed
-- scores; every person's, when the migration runs).
CREATE FUNCTION measure_baselines_of(people BIGINT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(people) > 0 THEN
        PERFORM 1 FROM participants WHERE id = ANY(people) ORDER BY id FOR NO KEY UPDATE;
        DELETE FROM measure_baselines WHERE participant_id = ANY(people);
        INSERT INTO measure_baselines (participant_id, kind, first_on, first_score, baseline_on, baseline_score)
        SELECT f.participant_id, f.kind, f.taken_on, f.score, b.taken_on, b.score
        FROM (SELECT DISTINCT ON (participant_id, kind) participant_id, kind, taken_on, score FROM measures
              WHERE participant_id = ANY(people) ORDER BY participant_id, kind, taken_on, id) f
        LEFT JOIN (SELECT DISTINCT ON (participant_id, kind) participant_id, kind, taken_on, score FROM measures
                   WHERE stage = 'baseline' AND participant_id = ANY(people) ORDER BY participant_id, kind, taken_on, id) b
            ON b.participant_id = f.participant_id AND b.kind = f.kind;
    END IF;
END $$;

INSERT INTO measure_baselines (participant_id, kind, first_on, first_score, baseline_on, baseline_score)
SELECT f.participant_id, f.kind, f.taken_on, f.score, b.taken_on, b.score
FROM (SELECT DISTINCT ON (participant_id, kind) participant_id, kind, taken_on, score FROM measures
      ORDER BY participant_id, kind, taken_on, id) f
LEFT JOIN (SELECT DISTINCT ON (participant_id, kind) participant_id, kind, taken_on, score FROM measures
           WHERE stage = 'baseline' ORDER BY participant_id, kind, taken_on, id) b
    ON b.participant_id = f.participant_id AND b.kind = f.kind;

-- Added or removed: the people of the rows (one function; each trigger
-- names its rows `changed_rows`).
CREATE FUNCTION measures_baselines_added_or_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM measure_baselines_of(ARRAY(SELECT DISTINCT x.participant_id FROM changed_rows x));
    RETURN NULL;
END $$;
CREATE TRIGGER measures_baselines_insert AFTER INSERT ON measures REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION measures_baselines_added_or_removed();
CREATE TRIGGER measures_baselines_delete AFTER DELETE ON measures REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION measures_baselines_added_or_removed();

CREATE FUNCTION measures_baselines_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM measure_baselines_of(
        ARRAY(SELECT DISTINCT who FROM old_rows o JOIN new_rows n ON n.id = o.id,
                  unnest(ARRAY[o.participant_id, n.participant_id]) AS who
              WHERE o.participant_id <> n.participant_id OR o.kind <> n.kind OR o.stage <> n.stage
                 OR o.taken_on <> n.taken_on OR o.score <> n.score));
    RETURN NULL;
END $$;
CREATE TRIGGER measures_baselines_update AFTER UPDATE ON measures REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION measures_baselines_update();
