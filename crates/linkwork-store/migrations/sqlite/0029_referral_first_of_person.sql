-- Whether a referral is the person's first to the programme, kept on it
-- (issue 10): the figures' "new" and "again" read one column instead of
-- looking for an earlier referral of the same person (an index probe per
-- referral, the last of the three that were a third of a nation's
-- quarter). A person's first is their referral received earliest (the
-- lower id first on the same day); a referral with no person is never a
-- first. Kept by triggers in the transaction of every referral added,
-- removed, moved to another person (a merge) or re-dated, for every
-- referral of the people concerned. docs/REPORTING.md, "How the figures
-- are counted, and kept".
ALTER TABLE referrals ADD COLUMN first_for_person BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE referrals SET first_for_person = TRUE WHERE participant_id IS NOT NULL AND id = (SELECT r2.id FROM referrals r2
    WHERE r2.participant_id = referrals.participant_id ORDER BY r2.received_on, r2.id LIMIT 1);

CREATE TRIGGER referrals_first_for_person_insert AFTER INSERT ON referrals WHEN NEW.participant_id IS NOT NULL BEGIN
    UPDATE referrals SET first_for_person = (id = (SELECT r2.id FROM referrals r2 WHERE r2.participant_id = NEW.participant_id ORDER BY r2.received_on, r2.id LIMIT 1))
    WHERE participant_id = NEW.participant_id AND first_for_person IS NOT (id = (SELECT r2.id FROM referrals r2 WHERE r2.participant_id = NEW.participant_id ORDER BY r2.received_on, r2.id LIMIT 1));
END;
CREATE TRIGGER referrals_first_for_person_update AFTER UPDATE OF participant_id, received_on ON referrals BEGIN
    UPDATE referrals SET first_for_person = (participant_id IS NOT NULL AND id = (SELECT r2.id FROM referrals r2 WHERE r2.participant_id = referrals.participant_id ORDER BY r2.received_on, r2.id LIMIT 1))
    WHERE (participant_id IN (OLD.participant_id, NEW.participant_id) OR id = NEW.id)
      AND first_for_person IS NOT (participant_id IS NOT NULL AND id = (SELECT r2.id FROM referrals r2 WHERE r2.participant_id = referrals.participant_id ORDER BY r2.received_on, r2.id LIMIT 1));
END;
CREATE TRIGGER referrals_first_for_person_delete AFTER DELETE ON referrals WHEN OLD.participant_id IS NOT NULL BEGIN
    UPDATE referrals SET first_for_person = (id = (SELECT r2.id FROM referrals r2 WHERE r2.participant_id = OLD.participant_id ORDER BY r2.received_on, r2.id LIMIT 1))
    WHERE participant_id = OLD.participant_id AND first_for_person IS NOT (id = (SELECT r2.id FROM referrals r2 WHERE r2.participant_id = OLD.participant_id ORDER BY r2.received_on, r2.id LIMIT 1));
END;
