-- The figures (issue 10): the referrals' month pieces keep their
-- dimensions other than the practice (source, sex, SIMD, age, days to
-- contact, reasons) by area, so that an area's long periods are added up
-- from them too; onward support keeps each practice's rows without the
-- service and each area's by service (a third of the rows). The pieces
-- kept before are removed, to be counted again.
DELETE FROM figure_piece_rows WHERE part IN ('referrals', 'referrals:y', 'onward', 'onward:y');
DELETE FROM figure_pieces WHERE part IN ('referrals', 'referrals:y', 'onward', 'onward:y');

-- The months over time read one dimension of a month's rows (the
-- referrals' practices among their other dimensions).
DROP INDEX figure_piece_rows_month;
CREATE INDEX figure_piece_rows_month ON figure_piece_rows (programme_id, part, month, dim);

-- Partners' answers counted from the index alone (ten years: 80 → 30 ms).
DROP INDEX onward_support_responded_by;
CREATE INDEX onward_support_responded_by ON onward_support (responded_by, responded_at, participant_id, status);

-- A practice moved to another cluster, or a cluster to another area,
-- changes which area every month's referrals were counted for: every
-- month of its programme is marked.
DROP TRIGGER sites_figure_mark_update;
CREATE TRIGGER sites_figure_mark_update AFTER UPDATE OF deep_end, programme_id, cluster_id ON sites
WHEN OLD.deep_end IS NOT NEW.deep_end OR OLD.programme_id IS NOT NEW.programme_id
  OR OLD.cluster_id IS NOT NEW.cluster_id
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT p.id, -1, 1 FROM programmes p WHERE p.id IN (OLD.programme_id, NEW.programme_id)
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER clusters_figure_mark_update AFTER UPDATE OF area_id, programme_id ON clusters
WHEN OLD.area_id IS NOT NEW.area_id OR OLD.programme_id IS NOT NEW.programme_id
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT p.id, -1, 1 FROM programmes p WHERE p.id IN (OLD.programme_id, NEW.programme_id)
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

ANALYZE onward_support;
