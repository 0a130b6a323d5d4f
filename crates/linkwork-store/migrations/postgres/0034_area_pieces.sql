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
-- month of its programme is marked, as for a practice's Deep End flag. One
-- function for both, fired only for a row whose columns changed.
DROP TRIGGER sites_figure_mark_update ON sites;
DROP FUNCTION sites_figure_mark_update();
CREATE FUNCTION figure_mark_every_month() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM figure_mark(ARRAY[OLD.programme_id, NEW.programme_id], ARRAY[-1, -1]::BIGINT[]);
    RETURN NULL;
END $$;
CREATE TRIGGER sites_figure_mark_update AFTER UPDATE OF deep_end, programme_id, cluster_id ON sites FOR EACH ROW
    WHEN ((OLD.deep_end, OLD.programme_id, OLD.cluster_id) IS DISTINCT FROM (NEW.deep_end, NEW.programme_id, NEW.cluster_id))
    EXECUTE FUNCTION figure_mark_every_month();
CREATE TRIGGER clusters_figure_mark_update AFTER UPDATE OF area_id, programme_id ON clusters FOR EACH ROW
    WHEN ((OLD.area_id, OLD.programme_id) IS DISTINCT FROM (NEW.area_id, NEW.programme_id))
    EXECUTE FUNCTION figure_mark_every_month();
