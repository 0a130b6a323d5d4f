-- A referral's first contact reached and first attended appointment, as
-- UK days, kept on the referral (issue 10): the figures' days from referral
-- to first contact and to first attended appointment read two columns
-- instead of looking up each referral's contact attempts and appointments
-- (three index probes per referral were a third of a nation's quarter).
-- Kept by triggers in the transaction of every change to a contact attempt
-- or an appointment, so no write path can forget them. A trigger first
-- takes the referrals' rows in id order (FOR NO KEY UPDATE: no conflict
-- with the key-share locks the rows' foreign keys take), so two
-- transactions changing one referral's appointments at once count its
-- first in turn, each seeing the other's committed rows.
-- docs/REPORTING.md, "How the figures are counted, and kept".
ALTER TABLE referrals ADD COLUMN first_contact_on DATE, ADD COLUMN first_attended_on DATE;

UPDATE referrals r SET first_contact_on = x.d
FROM (SELECT referral_id, CAST(MIN(at) AT TIME ZONE 'Europe/London' AS DATE) AS d
      FROM contact_attempts WHERE outcome = 'reached' GROUP BY referral_id) x
WHERE r.id = x.referral_id;
UPDATE referrals r SET first_attended_on = x.d
FROM (SELECT referral_id, CAST(MIN(starts_at) AT TIME ZONE 'Europe/London' AS DATE) AS d
      FROM appointments WHERE status = 'attended' GROUP BY referral_id) x
WHERE r.id = x.referral_id;

CREATE FUNCTION referral_first_contact(ids BIGINT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM referrals WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    UPDATE referrals r SET first_contact_on = x.d
    FROM (SELECT i.id, (SELECT CAST(MIN(ca.at) AT TIME ZONE 'Europe/London' AS DATE) FROM contact_attempts ca
                        WHERE ca.referral_id = i.id AND ca.outcome = 'reached') AS d
          FROM unnest(ids) AS i(id)) x
    WHERE r.id = x.id AND r.first_contact_on IS DISTINCT FROM x.d;
END $$;

CREATE FUNCTION referral_first_attended(ids BIGINT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM referrals WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    UPDATE referrals r SET first_attended_on = x.d
    FROM (SELECT i.id, (SELECT CAST(MIN(a.starts_at) AT TIME ZONE 'Europe/London' AS DATE) FROM appointments a
                        WHERE a.referral_id = i.id AND a.status = 'attended') AS d
          FROM unnest(ids) AS i(id)) x
    WHERE r.id = x.id AND r.first_attended_on IS DISTINCT FROM x.d;
END $$;

CREATE FUNCTION contact_attempts_first_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM referral_first_contact(ARRAY(SELECT DISTINCT x.referral_id FROM new_rows x WHERE x.outcome = 'reached'));
    RETURN NULL;
END $$;
CREATE TRIGGER contact_attempts_first_insert AFTER INSERT ON contact_attempts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_attempts_first_insert();
CREATE FUNCTION contact_attempts_first_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM referral_first_contact(ARRAY(SELECT o.referral_id FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.outcome = 'reached' OR n.outcome = 'reached')
          AND (o.referral_id <> n.referral_id OR o.at <> n.at OR o.outcome <> n.outcome)
        UNION SELECT n.referral_id FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.outcome = 'reached' OR n.outcome = 'reached')
          AND (o.referral_id <> n.referral_id OR o.at <> n.at OR o.outcome <> n.outcome)));
    RETURN NULL;
END $$;
CREATE TRIGGER contact_attempts_first_update AFTER UPDATE ON contact_attempts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_attempts_first_update();
CREATE FUNCTION contact_attempts_first_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM referral_first_contact(ARRAY(SELECT DISTINCT x.referral_id FROM old_rows x WHERE x.outcome = 'reached'));
    RETURN NULL;
END $$;
CREATE TRIGGER contact_attempts_first_delete AFTER DELETE ON contact_attempts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_attempts_first_delete();

CREATE FUNCTION appointments_first_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM referral_first_attended(ARRAY(SELECT DISTINCT x.referral_id FROM new_rows x WHERE x.status = 'attended'));
    RETURN NULL;
END $$;
CREATE TRIGGER appointments_first_insert AFTER INSERT ON appointments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION appointments_first_insert();
CREATE FUNCTION appointments_first_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM referral_first_attended(ARRAY(SELECT o.referral_id FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.status = 'attended' OR n.status = 'attended')
          AND (o.referral_id <> n.referral_id OR o.starts_at <> n.starts_at OR o.status <> n.status)
        UNION SELECT n.referral_id FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.status = 'attended' OR n.status = 'attended')
          AND (o.referral_id <> n.referral_id OR o.starts_at <> n.starts_at OR o.status <> n.status)));
    RETURN NULL;
END $$;
CREATE TRIGGER appointments_first_update AFTER UPDATE ON appointments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION appointments_first_update();
CREATE FUNCTION appointments_first_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM referral_first_attended(ARRAY(SELECT DISTINCT x.referral_id FROM old_rows x WHERE x.status = 'attended'));
    RETURN NULL;
END $$;
CREATE TRIGGER appointments_first_delete AFTER DELETE ON appointments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION appointments_first_delete();
