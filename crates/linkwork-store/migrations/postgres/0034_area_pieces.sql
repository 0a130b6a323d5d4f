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
CREATE OR REPLACE FUNCTION sites_figure_mark_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[];
BEGIN
    SELECT array_agg(p) INTO ps
    FROM (SELECT o.programme_id AS p FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE (o.deep_end, o.programme_id, o.cluster_id) IS DISTINCT FROM (n.deep_end, n.programme_id, n.cluster_id)
          UNION SELECT n.programme_id FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE (o.deep_end, o.programme_id, o.cluster_id) IS DISTINCT FROM (n.deep_end, n.programme_id, n.cluster_id)) v;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, array_fill(-1::BIGINT, ARRAY[cardinality(ps)])); END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION clusters_figure_mark_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[];
BEGIN
    SELECT array_agg(p) INTO ps
    FROM (SELECT o.programme_id AS p FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE (o.area_id, o.programme_id) IS DISTINCT FROM (n.area_id, n.programme_id)
          UNION SELECT n.programme_id FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE (o.area_id, o.programme_id) IS DISTINCT FROM (n.area_id, n.programme_id)) v;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, array_fill(-1::BIGINT, ARRAY[cardinality(ps)])); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER clusters_figure_mark_update AFTER UPDATE ON clusters REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION clusters_figure_mark_update();
