-- Cases in the figures' month pieces (issue 10): a referral's status
-- (whether it is closed or declined: the steps between do not count),
-- link worker, closing day and closure reason now mark its month too, and
-- the month it was closed in (before and after the change), so that the
-- cases closed in each month (part `closed`) and the cases open at each
-- month's end (part `open`, good while no month up to its own is marked,
-- as the wellbeing changes are) can be kept. docs/REPORTING.md, "Month
-- pieces".
DROP TRIGGER referrals_figure_mark_insert;
DROP TRIGGER referrals_figure_mark_delete;
DROP TRIGGER referrals_figure_mark_update;

CREATE TRIGGER referrals_figure_mark_insert AFTER INSERT ON referrals BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    VALUES (NEW.programme_id, CAST(substr(NEW.received_on, 1, 4) AS INTEGER) * 12 + CAST(substr(NEW.received_on, 6, 2) AS INTEGER) - 1, 1)
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT NEW.programme_id, CAST(substr(NEW.closed_on, 1, 4) AS INTEGER) * 12 + CAST(substr(NEW.closed_on, 6, 2) AS INTEGER) - 1, 1 WHERE NEW.closed_on IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER referrals_figure_mark_delete AFTER DELETE ON referrals BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    VALUES (OLD.programme_id, CAST(substr(OLD.received_on, 1, 4) AS INTEGER) * 12 + CAST(substr(OLD.received_on, 6, 2) AS INTEGER) - 1, 1)
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT OLD.programme_id, CAST(substr(OLD.closed_on, 1, 4) AS INTEGER) * 12 + CAST(substr(OLD.closed_on, 6, 2) AS INTEGER) - 1, 1 WHERE OLD.closed_on IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER referrals_figure_mark_update AFTER UPDATE OF programme_id, site_id, participant_id,
    person_date_of_birth, source, received_on, first_for_person, first_contact_on, first_attended_on,
    status, link_worker_id, closed_on, closure_reason ON referrals
WHEN OLD.programme_id IS NOT NEW.programme_id OR OLD.site_id IS NOT NEW.site_id
    OR OLD.participant_id IS NOT NEW.participant_id OR OLD.person_date_of_birth IS NOT NEW.person_date_of_birth
    OR OLD.source IS NOT NEW.source OR OLD.received_on IS NOT NEW.received_on
    OR OLD.first_for_person IS NOT NEW.first_for_person OR OLD.first_contact_on IS NOT NEW.first_contact_on
    OR OLD.first_attended_on IS NOT NEW.first_attended_on
    OR (OLD.status = 'closed') IS NOT (NEW.status = 'closed')
    OR (OLD.status = 'declined') IS NOT (NEW.status = 'declined')
    OR OLD.link_worker_id IS NOT NEW.link_worker_id OR OLD.closed_on IS NOT NEW.closed_on
    OR OLD.closure_reason IS NOT NEW.closure_reason
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    VALUES (OLD.programme_id, CAST(substr(OLD.received_on, 1, 4) AS INTEGER) * 12 + CAST(substr(OLD.received_on, 6, 2) AS INTEGER) - 1, 1)
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
    INSERT INTO figure_marks (programme_id, month, version)
    VALUES (NEW.programme_id, CAST(substr(NEW.received_on, 1, 4) AS INTEGER) * 12 + CAST(substr(NEW.received_on, 6, 2) AS INTEGER) - 1, 1)
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT OLD.programme_id, CAST(substr(OLD.closed_on, 1, 4) AS INTEGER) * 12 + CAST(substr(OLD.closed_on, 6, 2) AS INTEGER) - 1, 1 WHERE OLD.closed_on IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT NEW.programme_id, CAST(substr(NEW.closed_on, 1, 4) AS INTEGER) * 12 + CAST(substr(NEW.closed_on, 6, 2) AS INTEGER) - 1, 1 WHERE NEW.closed_on IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
