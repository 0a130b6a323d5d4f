-- Month pieces of the figures (issue 10): the referrals' and the
-- appointments', needs', onward support's and goals' counts of each calendar month of a whole programme, kept,
-- so that a year of the whole programme adds up months already counted
-- instead of counting every row again. A month is numbered
-- year * 12 + month - 1.
--
-- figure_marks: a counter per programme and month (month -1: every month,
-- moved by changes that date nothing, such as a practice's Deep End flag
-- or a postcode or SIMD import), moved on by the triggers below in the
-- same transaction as every change to the rows the counts are made
-- from. figure_pieces: each month kept, with the sum of its mark and
-- the programme's mark -1 as they were when it was counted (marks only go
-- up, so the sum changes whenever either does); figure_piece_rows: its
-- counts. A piece whose mark is no longer the sum is counted again.
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

-- A referral added, removed or changed in what it is counted by: its month
-- (both months when re-dated).
CREATE TRIGGER referrals_figure_mark_insert AFTER INSERT ON referrals BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    VALUES (NEW.programme_id, CAST(substr(NEW.received_on, 1, 4) AS INTEGER) * 12 + CAST(substr(NEW.received_on, 6, 2) AS INTEGER) - 1, 1)
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER referrals_figure_mark_delete AFTER DELETE ON referrals BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    VALUES (OLD.programme_id, CAST(substr(OLD.received_on, 1, 4) AS INTEGER) * 12 + CAST(substr(OLD.received_on, 6, 2) AS INTEGER) - 1, 1)
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER referrals_figure_mark_update AFTER UPDATE OF programme_id, site_id, participant_id,
    person_date_of_birth, source, received_on, first_for_person, first_contact_on, first_attended_on ON referrals
WHEN OLD.programme_id IS NOT NEW.programme_id OR OLD.site_id IS NOT NEW.site_id
    OR OLD.participant_id IS NOT NEW.participant_id OR OLD.person_date_of_birth IS NOT NEW.person_date_of_birth
    OR OLD.source IS NOT NEW.source OR OLD.received_on IS NOT NEW.received_on
    OR OLD.first_for_person IS NOT NEW.first_for_person OR OLD.first_contact_on IS NOT NEW.first_contact_on
    OR OLD.first_attended_on IS NOT NEW.first_attended_on
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    VALUES (OLD.programme_id, CAST(substr(OLD.received_on, 1, 4) AS INTEGER) * 12 + CAST(substr(OLD.received_on, 6, 2) AS INTEGER) - 1, 1)
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
    INSERT INTO figure_marks (programme_id, month, version)
    VALUES (NEW.programme_id, CAST(substr(NEW.received_on, 1, 4) AS INTEGER) * 12 + CAST(substr(NEW.received_on, 6, 2) AS INTEGER) - 1, 1)
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- An appointment added, removed or changed in practice, time or status:
-- its UK month (worked out as docs/REPORTING.md says, by the British
-- Summer Time rule).
CREATE TRIGGER appointments_figure_mark_insert AFTER INSERT ON appointments BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT NEW.programme_id, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT NEW.starts_at AS x)) AS d) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER appointments_figure_mark_delete AFTER DELETE ON appointments BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT OLD.programme_id, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT OLD.starts_at AS x)) AS d) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER appointments_figure_mark_update AFTER UPDATE OF programme_id, site_id, starts_at, status ON appointments
WHEN OLD.programme_id IS NOT NEW.programme_id OR OLD.site_id IS NOT NEW.site_id
    OR OLD.starts_at IS NOT NEW.starts_at OR OLD.status IS NOT NEW.status
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT OLD.programme_id, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT OLD.starts_at AS x)) AS d) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT NEW.programme_id, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT NEW.starts_at AS x)) AS d) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- Needs identified, onward support and goals achieved (counted by the UK
-- month they were recorded or reviewed in, at the person's practice).
CREATE TRIGGER needs_figure_mark_insert AFTER INSERT ON needs BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT NEW.programme_id, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT NEW.created_at AS x)) AS d) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER needs_figure_mark_delete AFTER DELETE ON needs BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT OLD.programme_id, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT OLD.created_at AS x)) AS d) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER needs_figure_mark_update AFTER UPDATE OF participant_id, need, created_at, programme_id ON needs
WHEN OLD.participant_id IS NOT NEW.participant_id OR OLD.need IS NOT NEW.need OR OLD.created_at IS NOT NEW.created_at OR OLD.programme_id IS NOT NEW.programme_id
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT OLD.programme_id, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT OLD.created_at AS x)) AS d) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT NEW.programme_id, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT NEW.created_at AS x)) AS d) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER onward_support_figure_mark_insert AFTER INSERT ON onward_support BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT NEW.programme_id, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT NEW.created_at AS x)) AS d) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER onward_support_figure_mark_delete AFTER DELETE ON onward_support BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT OLD.programme_id, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT OLD.created_at AS x)) AS d) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER onward_support_figure_mark_update AFTER UPDATE OF participant_id, kind, status, service_id, created_at, programme_id ON onward_support
WHEN OLD.participant_id IS NOT NEW.participant_id OR OLD.kind IS NOT NEW.kind OR OLD.status IS NOT NEW.status OR OLD.service_id IS NOT NEW.service_id OR OLD.created_at IS NOT NEW.created_at OR OLD.programme_id IS NOT NEW.programme_id
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT OLD.programme_id, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT OLD.created_at AS x)) AS d) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT NEW.programme_id, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT NEW.created_at AS x)) AS d) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER goal_reviews_figure_mark_insert AFTER INSERT ON goal_reviews BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT p, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT y.p, (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT y.at AS x)) AS d FROM (SELECT g.programme_id AS p, NEW.reviewed_at AS at FROM goals g WHERE g.id = NEW.goal_id) y) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER goal_reviews_figure_mark_delete AFTER DELETE ON goal_reviews BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT p, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT y.p, (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT y.at AS x)) AS d FROM (SELECT g.programme_id AS p, OLD.reviewed_at AS at FROM goals g WHERE g.id = OLD.goal_id) y) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER goal_reviews_figure_mark_update AFTER UPDATE OF goal_id, status, reviewed_at ON goal_reviews
WHEN OLD.goal_id IS NOT NEW.goal_id OR OLD.status IS NOT NEW.status OR OLD.reviewed_at IS NOT NEW.reviewed_at
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT p, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT y.p, (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT y.at AS x)) AS d FROM (SELECT g.programme_id AS p, OLD.reviewed_at AS at FROM goals g WHERE g.id = OLD.goal_id) y) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT p, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT y.p, (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT y.at AS x)) AS d FROM (SELECT g.programme_id AS p, NEW.reviewed_at AS at FROM goals g WHERE g.id = NEW.goal_id) y) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER goals_figure_mark_update AFTER UPDATE OF participant_id, programme_id ON goals
WHEN OLD.participant_id IS NOT NEW.participant_id OR OLD.programme_id IS NOT NEW.programme_id
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT p, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT y.p, (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT y.at AS x)) AS d FROM (SELECT NEW.programme_id AS p, gr.reviewed_at AS at FROM goal_reviews gr WHERE gr.goal_id = NEW.id UNION ALL SELECT OLD.programme_id, gr.reviewed_at FROM goal_reviews gr WHERE gr.goal_id = NEW.id) y) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- Wellbeing scores (the pairs of a period depend on every score taken up
-- to its last day: a period's piece holds while no month up to its last is
-- marked): the month a score was taken.
CREATE TRIGGER measures_figure_mark_insert AFTER INSERT ON measures BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    VALUES (NEW.programme_id, CAST(substr(NEW.taken_on, 1, 4) AS INTEGER) * 12 + CAST(substr(NEW.taken_on, 6, 2) AS INTEGER) - 1, 1)
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER measures_figure_mark_delete AFTER DELETE ON measures BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    VALUES (OLD.programme_id, CAST(substr(OLD.taken_on, 1, 4) AS INTEGER) * 12 + CAST(substr(OLD.taken_on, 6, 2) AS INTEGER) - 1, 1)
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER measures_figure_mark_update AFTER UPDATE OF programme_id, participant_id, kind, stage, taken_on, score ON measures
WHEN OLD.programme_id IS NOT NEW.programme_id OR OLD.participant_id IS NOT NEW.participant_id OR OLD.kind IS NOT NEW.kind OR OLD.stage IS NOT NEW.stage OR OLD.taken_on IS NOT NEW.taken_on OR OLD.score IS NOT NEW.score
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    VALUES (OLD.programme_id, CAST(substr(OLD.taken_on, 1, 4) AS INTEGER) * 12 + CAST(substr(OLD.taken_on, 6, 2) AS INTEGER) - 1, 1)
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
    INSERT INTO figure_marks (programme_id, month, version)
    VALUES (NEW.programme_id, CAST(substr(NEW.taken_on, 1, 4) AS INTEGER) * 12 + CAST(substr(NEW.taken_on, 6, 2) AS INTEGER) - 1, 1)
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- A person moved to another practice, or merged into another record: the
-- months of their needs, onward support, goals reviewed and scores.
CREATE TRIGGER participants_figure_mark_events AFTER UPDATE OF site_id, merged_into ON participants
WHEN OLD.site_id IS NOT NEW.site_id OR OLD.merged_into IS NOT NEW.merged_into
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT p, CAST(substr(d, 1, 4) AS INTEGER) * 12 + CAST(substr(d, 6, 2) AS INTEGER) - 1, 1
    FROM (SELECT y.p, (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT y.at AS x)) AS d FROM (SELECT n.programme_id AS p, n.created_at AS at FROM needs n WHERE n.participant_id = NEW.id UNION ALL SELECT o.programme_id, o.created_at FROM onward_support o WHERE o.participant_id = NEW.id UNION ALL SELECT g.programme_id, gr.reviewed_at FROM goal_reviews gr JOIN goals g ON g.id = gr.goal_id WHERE g.participant_id = NEW.id UNION ALL SELECT ms.programme_id, ms.taken_on FROM measures ms WHERE ms.participant_id = NEW.id) y) WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- A referral's reasons: the referral's month.
CREATE TRIGGER referral_reasons_figure_mark_insert AFTER INSERT ON referral_reasons BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT r.programme_id, CAST(substr(r.received_on, 1, 4) AS INTEGER) * 12 + CAST(substr(r.received_on, 6, 2) AS INTEGER) - 1, 1
    FROM referrals r WHERE r.id = NEW.referral_id
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER referral_reasons_figure_mark_delete AFTER DELETE ON referral_reasons BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT r.programme_id, CAST(substr(r.received_on, 1, 4) AS INTEGER) * 12 + CAST(substr(r.received_on, 6, 2) AS INTEGER) - 1, 1
    FROM referrals r WHERE r.id = OLD.referral_id
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER referral_reasons_figure_mark_update AFTER UPDATE ON referral_reasons BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT r.programme_id, CAST(substr(r.received_on, 1, 4) AS INTEGER) * 12 + CAST(substr(r.received_on, 6, 2) AS INTEGER) - 1, 1
    FROM referrals r WHERE r.id IN (OLD.referral_id, NEW.referral_id)
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- A person's date of birth, sex or postcode: the months of their referrals.
CREATE TRIGGER participants_figure_mark_update AFTER UPDATE OF date_of_birth, sex, postcode ON participants
WHEN OLD.date_of_birth IS NOT NEW.date_of_birth OR OLD.sex IS NOT NEW.sex OR OLD.postcode IS NOT NEW.postcode
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT r.programme_id, CAST(substr(r.received_on, 1, 4) AS INTEGER) * 12 + CAST(substr(r.received_on, 6, 2) AS INTEGER) - 1, 1
    FROM referrals r WHERE r.participant_id = NEW.id
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- A practice's Deep End flag (or programme): every month of its programme.
CREATE TRIGGER sites_figure_mark_update AFTER UPDATE OF deep_end, programme_id ON sites
WHEN OLD.deep_end IS NOT NEW.deep_end OR OLD.programme_id IS NOT NEW.programme_id
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT p.id, -1, 1 FROM programmes p WHERE p.id IN (OLD.programme_id, NEW.programme_id)
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- The postcode lookup and the SIMD table: every month of every programme.
CREATE TRIGGER postcodes_figure_mark_insert AFTER INSERT ON postcodes WHEN NEW.datazone IS NOT NULL BEGIN
    INSERT INTO figure_marks (programme_id, month, version) SELECT id, -1, 1 FROM programmes WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER postcodes_figure_mark_update AFTER UPDATE OF postcode, datazone ON postcodes
WHEN OLD.postcode IS NOT NEW.postcode OR OLD.datazone IS NOT NEW.datazone
BEGIN
    INSERT INTO figure_marks (programme_id, month, version) SELECT id, -1, 1 FROM programmes WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER postcodes_figure_mark_delete AFTER DELETE ON postcodes WHEN OLD.datazone IS NOT NULL BEGIN
    INSERT INTO figure_marks (programme_id, month, version) SELECT id, -1, 1 FROM programmes WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER simd_datazones_figure_mark_insert AFTER INSERT ON simd_datazones BEGIN
    INSERT INTO figure_marks (programme_id, month, version) SELECT id, -1, 1 FROM programmes WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER simd_datazones_figure_mark_update AFTER UPDATE OF datazone, decile ON simd_datazones
WHEN OLD.datazone IS NOT NEW.datazone OR OLD.decile IS NOT NEW.decile
BEGIN
    INSERT INTO figure_marks (programme_id, month, version) SELECT id, -1, 1 FROM programmes WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER simd_datazones_figure_mark_delete AFTER DELETE ON simd_datazones BEGIN
    INSERT INTO figure_marks (programme_id, month, version) SELECT id, -1, 1 FROM programmes WHERE true
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
