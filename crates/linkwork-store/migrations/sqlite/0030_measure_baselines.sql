-- Each person's first score of each kind, and their first marked baseline,
-- kept beside the scores (issue 10): a wellbeing change pairs the latest
-- score in a period with the baseline (the earliest score marked baseline
-- up to the period's end, else the earliest score), which the figures
-- found by reading every score a person ever had. With these two kept, a
-- period reads only its own scores. Kept by triggers in the transaction of
-- every score added, removed or changed (a merge moves a person's scores),
-- for the person and kind concerned; on the same day the lower id comes
-- first. docs/REPORTING.md, "How the figures are counted, and kept".
CREATE TABLE measure_baselines (
    participant_id BIGINT NOT NULL REFERENCES participants(id),
    kind TEXT NOT NULL,
    first_on TEXT NOT NULL,
    first_score REAL NOT NULL,
    baseline_on TEXT,
    baseline_score REAL,
    PRIMARY KEY (participant_id, kind)
);

INSERT INTO measure_baselines (participant_id, kind, first_on, first_score)
SELECT participant_id, kind, taken_on, score FROM (
    SELECT participant_id, kind, taken_on, score,
           ROW_NUMBER() OVER (PARTITION BY participant_id, kind ORDER BY taken_on, id) AS n
    FROM measures) WHERE n = 1;

UPDATE measure_baselines SET (baseline_on, baseline_score) = (
    SELECT m.taken_on, m.score FROM measures m
    WHERE m.participant_id = measure_baselines.participant_id AND m.kind = measure_baselines.kind AND m.stage = 'baseline'
    ORDER BY m.taken_on, m.id LIMIT 1);

-- One person and kind worked out again (the same statements for the new
-- and the old row; SQLite triggers take no arguments).
CREATE TRIGGER measures_baselines_insert AFTER INSERT ON measures BEGIN
    DELETE FROM measure_baselines WHERE participant_id = NEW.participant_id AND kind = NEW.kind;
    INSERT INTO measure_baselines (participant_id, kind, first_on, first_score, baseline_on, baseline_score)
    SELECT f.participant_id, f.kind, f.taken_on, f.score,
        (SELECT b.taken_on FROM measures b WHERE b.participant_id = f.participant_id AND b.kind = f.kind AND b.stage = 'baseline' ORDER BY b.taken_on, b.id LIMIT 1),
        (SELECT b.score FROM measures b WHERE b.participant_id = f.participant_id AND b.kind = f.kind AND b.stage = 'baseline' ORDER BY b.taken_on, b.id LIMIT 1)
    FROM (SELECT participant_id, kind, taken_on, score FROM measures WHERE participant_id = NEW.participant_id AND kind = NEW.kind
          ORDER BY taken_on, id LIMIT 1) f;
END;

CREATE TRIGGER measures_baselines_delete AFTER DELETE ON measures BEGIN
    DELETE FROM measure_baselines WHERE participant_id = OLD.participant_id AND kind = OLD.kind;
    INSERT INTO measure_baselines (participant_id, kind, first_on, first_score, baseline_on, baseline_score)
    SELECT f.participant_id, f.kind, f.taken_on, f.score,
        (SELECT b.taken_on FROM measures b WHERE b.participant_id = f.participant_id AND b.kind = f.kind AND b.stage = 'baseline' ORDER BY b.taken_on, b.id LIMIT 1),
        (SELECT b.score FROM measures b WHERE b.participant_id = f.participant_id AND b.kind = f.kind AND b.stage = 'baseline' ORDER BY b.taken_on, b.id LIMIT 1)
    FROM (SELECT participant_id, kind, taken_on, score FROM measures WHERE participant_id = OLD.participant_id AND kind = OLD.kind
          ORDER BY taken_on, id LIMIT 1) f;
END;

CREATE TRIGGER measures_baselines_update AFTER UPDATE OF participant_id, kind, stage, taken_on, score ON measures BEGIN
    DELETE FROM measure_baselines WHERE (participant_id = OLD.participant_id AND kind = OLD.kind)
        OR (participant_id = NEW.participant_id AND kind = NEW.kind);
    INSERT INTO measure_baselines (participant_id, kind, first_on, first_score, baseline_on, baseline_score)
    SELECT f.participant_id, f.kind, f.taken_on, f.score,
        (SELECT b.taken_on FROM measures b WHERE b.participant_id = f.participant_id AND b.kind = f.kind AND b.stage = 'baseline' ORDER BY b.taken_on, b.id LIMIT 1),
        (SELECT b.score FROM measures b WHERE b.participant_id = f.participant_id AND b.kind = f.kind AND b.stage = 'baseline' ORDER BY b.taken_on, b.id LIMIT 1)
    FROM (SELECT participant_id, kind, taken_on, score, ROW_NUMBER() OVER (PARTITION BY participant_id, kind ORDER BY taken_on, id) AS n
          FROM measures WHERE (participant_id = OLD.participant_id AND kind = OLD.kind)
              OR (participant_id = NEW.participant_id AND kind = NEW.kind)) f
    WHERE f.n = 1;
END;
