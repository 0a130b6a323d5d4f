-- A referral's first contact reached and first attended appointment, as
-- UK days, kept on the referral (issue 10): the figures' days from referral
-- to first contact and to first attended appointment read two columns
-- instead of looking up each referral's contact attempts and appointments
-- (three index probes per referral were a third of a nation's quarter).
-- Kept by triggers in the transaction of every change to a contact attempt
-- or an appointment, so no write path can forget them; the UK day is
-- worked out as dialect.rs's london_date does (BST: 23:xx UTC is the next
-- day). docs/REPORTING.md, "How the figures are counted, and kept".
ALTER TABLE referrals ADD COLUMN first_contact_on TEXT;
ALTER TABLE referrals ADD COLUMN first_attended_on TEXT;

UPDATE referrals SET first_contact_on = (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT (SELECT MIN(ca.at) FROM contact_attempts ca WHERE ca.referral_id = referrals.id AND ca.outcome = 'reached') AS x)), first_attended_on = (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT (SELECT MIN(a.starts_at) FROM appointments a WHERE a.referral_id = referrals.id AND a.status = 'attended') AS x));

CREATE TRIGGER contact_attempts_first_insert AFTER INSERT ON contact_attempts WHEN NEW.outcome = 'reached' BEGIN
    UPDATE referrals SET first_contact_on = (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT (SELECT MIN(ca.at) FROM contact_attempts ca WHERE ca.referral_id = referrals.id AND ca.outcome = 'reached') AS x)) WHERE id = NEW.referral_id;
END;
CREATE TRIGGER contact_attempts_first_update AFTER UPDATE OF referral_id, at, outcome ON contact_attempts WHEN OLD.outcome = 'reached' OR NEW.outcome = 'reached' BEGIN
    UPDATE referrals SET first_contact_on = (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT (SELECT MIN(ca.at) FROM contact_attempts ca WHERE ca.referral_id = referrals.id AND ca.outcome = 'reached') AS x)) WHERE id IN (OLD.referral_id, NEW.referral_id);
END;
CREATE TRIGGER contact_attempts_first_delete AFTER DELETE ON contact_attempts WHEN OLD.outcome = 'reached' BEGIN
    UPDATE referrals SET first_contact_on = (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT (SELECT MIN(ca.at) FROM contact_attempts ca WHERE ca.referral_id = referrals.id AND ca.outcome = 'reached') AS x)) WHERE id = OLD.referral_id;
END;

CREATE TRIGGER appointments_first_insert AFTER INSERT ON appointments WHEN NEW.status = 'attended' BEGIN
    UPDATE referrals SET first_attended_on = (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT (SELECT MIN(a.starts_at) FROM appointments a WHERE a.referral_id = referrals.id AND a.status = 'attended') AS x)) WHERE id = NEW.referral_id;
END;
CREATE TRIGGER appointments_first_update AFTER UPDATE OF referral_id, starts_at, status ON appointments WHEN OLD.status = 'attended' OR NEW.status = 'attended' BEGIN
    UPDATE referrals SET first_attended_on = (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT (SELECT MIN(a.starts_at) FROM appointments a WHERE a.referral_id = referrals.id AND a.status = 'attended') AS x)) WHERE id IN (OLD.referral_id, NEW.referral_id);
END;
CREATE TRIGGER appointments_first_delete AFTER DELETE ON appointments WHEN OLD.status = 'attended' BEGIN
    UPDATE referrals SET first_attended_on = (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT (SELECT MIN(a.starts_at) FROM appointments a WHERE a.referral_id = referrals.id AND a.status = 'attended') AS x)) WHERE id = OLD.referral_id;
END;
