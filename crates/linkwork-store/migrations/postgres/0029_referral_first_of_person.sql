-- Whether a referral is the person's first to the programme, kept on it
-- (issue 10): the figures' "new" and "again" read one column instead of
-- looking for an earlier referral of the same person (an index probe per
-- referral, the last of the three that were a third of a nation's
-- quarter). A person's first is their referral received earliest (the
-- lower id first on the same day); a referral with no person is never a
-- first. Kept by statement triggers in the transaction of every referral
-- added, removed, moved to another person (a merge) or re-dated, for every
-- referral of the people concerned. The people's rows are taken first, in
-- id order (FOR NO KEY UPDATE: no conflict with the key-share locks a
-- referral's foreign key takes), so two transactions adding referrals for
-- one person count in turn, the second seeing the first's. A trigger that
-- finds no person concerned changes nothing (its own UPDATE fires the
-- update trigger again, which then stops).
-- docs/REPORTING.md, "How the figures are counted, and kept".
ALTER TABLE referrals ADD COLUMN first_for_person BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE referrals r SET first_for_person = TRUE
FROM (SELECT DISTINCT ON (participant_id) id FROM referrals WHERE participant_id IS NOT NULL
      ORDER BY participant_id, received_on, id) x
WHERE r.id = x.id;

CREATE FUNCTION referral_first_for_person(people BIGINT[], loose BIGINT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(people) > 0 THEN
        PERFORM 1 FROM participants WHERE id = ANY(people) ORDER BY id FOR NO KEY UPDATE;
        UPDATE referrals r SET first_for_person = (r.id = x.first_id)
        FROM (SELECT DISTINCT ON (participant_id) participant_id, id AS first_id FROM referrals
              WHERE participant_id = ANY(people) ORDER BY participant_id, received_on, id) x
        WHERE r.participant_id = x.participant_id AND r.first_for_person IS DISTINCT FROM (r.id = x.first_id);
    END IF;
    IF cardinality(loose) > 0 THEN
        UPDATE referrals SET first_for_person = FALSE
        WHERE id = ANY(loose) AND participant_id IS NULL AND first_for_person;
    END IF;
END $$;

-- Added or removed: the people of the rows (one function; each trigger
-- names its rows `changed_rows`).
CREATE FUNCTION referrals_first_for_person_added_or_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM referral_first_for_person(ARRAY(SELECT DISTINCT x.participant_id FROM changed_rows x
        WHERE x.participant_id IS NOT NULL), '{}');
    RETURN NULL;
END $$;
CREATE TRIGGER referrals_first_for_person_insert AFTER INSERT ON referrals REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_first_for_person_added_or_removed();
CREATE TRIGGER referrals_first_for_person_delete AFTER DELETE ON referrals REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_first_for_person_added_or_removed();

CREATE FUNCTION referrals_first_for_person_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM referral_first_for_person(
        ARRAY(SELECT DISTINCT who FROM old_rows o JOIN new_rows n ON n.id = o.id,
                  unnest(ARRAY[o.participant_id, n.participant_id]) AS who
              WHERE who IS NOT NULL AND (o.participant_id IS DISTINCT FROM n.participant_id OR o.received_on <> n.received_on)),
        ARRAY(SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id
              WHERE n.participant_id IS NULL AND o.participant_id IS NOT NULL));
    RETURN NULL;
END $$;
CREATE TRIGGER referrals_first_for_person_update AFTER UPDATE ON referrals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_first_for_person_update();
