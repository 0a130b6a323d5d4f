-- Stamps (issue 12): a counter per practice (kind 1), per person's record
-- (kind 2) and per programme's reference data (kind 3: its users, their
-- practices, sites, reasons, funds, groups, directory organisations and
-- services),
-- moved on by triggers in the same transaction as every change to the rows
-- a page kept in memory is made from. A node keeps such a page with the sum
-- of the stamps it was read at, and reads that sum (one indexed lookup, in
-- the statement that reads the session) before using it: a change made on
-- any node moves a stamp, so no node serves a page older than the data.
-- Generated from one table of which table moves which stamp (see
-- docs/SCALING.md, "Pages kept in memory"); a table added to a kept page
-- needs its triggers here.
CREATE TABLE stamps (
    kind SMALLINT NOT NULL,
    id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (kind, id)
);
INSERT INTO stamps (kind, id, version) SELECT 1, id, 1 FROM sites;
INSERT INTO stamps (kind, id, version) SELECT 3, id, 1 FROM programmes;
INSERT INTO stamps (kind, id, version) SELECT 2, id, 1 FROM participants;

CREATE FUNCTION stamps_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stamps (kind, id, version) VALUES (TG_ARGV[0]::SMALLINT, NEW.id, 1) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER programmes_stamp_row AFTER INSERT ON programmes FOR EACH ROW EXECUTE FUNCTION stamps_row('3');
CREATE TRIGGER sites_stamp_row AFTER INSERT ON sites FOR EACH ROW EXECUTE FUNCTION stamps_row('1');
CREATE FUNCTION participants_stamp_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stamps (kind, id, version) SELECT 2, x.id, 1 FROM new_rows x ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER participants_stamp_row AFTER INSERT ON participants REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION participants_stamp_row();

CREATE FUNCTION participants_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER participants_stamp_insert AFTER INSERT ON participants REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION participants_stamp_insert();

CREATE FUNCTION participants_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.id FROM old_rows x UNION SELECT x.id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER participants_stamp_update AFTER UPDATE ON participants REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION participants_stamp_update();

CREATE FUNCTION participants_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER participants_stamp_delete AFTER DELETE ON participants REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION participants_stamp_delete();

CREATE FUNCTION referrals_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT x.site_id FROM new_rows x);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER referrals_stamp_insert AFTER INSERT ON referrals REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION referrals_stamp_insert();

CREATE FUNCTION referrals_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT x.site_id FROM old_rows x UNION SELECT x.site_id FROM new_rows x);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x UNION SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER referrals_stamp_update AFTER UPDATE ON referrals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION referrals_stamp_update();

CREATE FUNCTION referrals_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT x.site_id FROM old_rows x);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER referrals_stamp_delete AFTER DELETE ON referrals REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION referrals_stamp_delete();

CREATE FUNCTION referral_reasons_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r JOIN new_rows x ON TRUE WHERE r.id = x.referral_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN new_rows x ON TRUE WHERE r.id = x.referral_id);
    RETURN NULL;
END $$;
CREATE TRIGGER referral_reasons_stamp_insert AFTER INSERT ON referral_reasons REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION referral_reasons_stamp_insert();

CREATE FUNCTION referral_reasons_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r JOIN old_rows x ON TRUE WHERE r.id = x.referral_id UNION SELECT r.site_id FROM referrals r JOIN new_rows x ON TRUE WHERE r.id = x.referral_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN old_rows x ON TRUE WHERE r.id = x.referral_id UNION SELECT r.participant_id FROM referrals r JOIN new_rows x ON TRUE WHERE r.id = x.referral_id);
    RETURN NULL;
END $$;
CREATE TRIGGER referral_reasons_stamp_update AFTER UPDATE ON referral_reasons REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION referral_reasons_stamp_update();

CREATE FUNCTION referral_reasons_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r JOIN old_rows x ON TRUE WHERE r.id = x.referral_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN old_rows x ON TRUE WHERE r.id = x.referral_id);
    RETURN NULL;
END $$;
CREATE TRIGGER referral_reasons_stamp_delete AFTER DELETE ON referral_reasons REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION referral_reasons_stamp_delete();

CREATE FUNCTION referral_status_changes_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN new_rows x ON TRUE WHERE r.id = x.referral_id);
    RETURN NULL;
END $$;
CREATE TRIGGER referral_status_changes_stamp_insert AFTER INSERT ON referral_status_changes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION referral_status_changes_stamp_insert();

CREATE FUNCTION referral_status_changes_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN old_rows x ON TRUE WHERE r.id = x.referral_id UNION SELECT r.participant_id FROM referrals r JOIN new_rows x ON TRUE WHERE r.id = x.referral_id);
    RETURN NULL;
END $$;
CREATE TRIGGER referral_status_changes_stamp_update AFTER UPDATE ON referral_status_changes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION referral_status_changes_stamp_update();

CREATE FUNCTION referral_status_changes_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN old_rows x ON TRUE WHERE r.id = x.referral_id);
    RETURN NULL;
END $$;
CREATE TRIGGER referral_status_changes_stamp_delete AFTER DELETE ON referral_status_changes REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION referral_status_changes_stamp_delete();

CREATE FUNCTION contact_attempts_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN new_rows x ON TRUE WHERE r.id = x.referral_id);
    RETURN NULL;
END $$;
CREATE TRIGGER contact_attempts_stamp_insert AFTER INSERT ON contact_attempts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_attempts_stamp_insert();

CREATE FUNCTION contact_attempts_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN old_rows x ON TRUE WHERE r.id = x.referral_id UNION SELECT r.participant_id FROM referrals r JOIN new_rows x ON TRUE WHERE r.id = x.referral_id);
    RETURN NULL;
END $$;
CREATE TRIGGER contact_attempts_stamp_update AFTER UPDATE ON contact_attempts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_attempts_stamp_update();

CREATE FUNCTION contact_attempts_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN old_rows x ON TRUE WHERE r.id = x.referral_id);
    RETURN NULL;
END $$;
CREATE TRIGGER contact_attempts_stamp_delete AFTER DELETE ON contact_attempts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_attempts_stamp_delete();

CREATE FUNCTION appointments_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT x.site_id FROM new_rows x);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN new_rows x ON TRUE WHERE r.id = x.referral_id);
    RETURN NULL;
END $$;
CREATE TRIGGER appointments_stamp_insert AFTER INSERT ON appointments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION appointments_stamp_insert();

CREATE FUNCTION appointments_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT x.site_id FROM old_rows x UNION SELECT x.site_id FROM new_rows x);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN old_rows x ON TRUE WHERE r.id = x.referral_id UNION SELECT r.participant_id FROM referrals r JOIN new_rows x ON TRUE WHERE r.id = x.referral_id);
    RETURN NULL;
END $$;
CREATE TRIGGER appointments_stamp_update AFTER UPDATE ON appointments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION appointments_stamp_update();

CREATE FUNCTION appointments_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT x.site_id FROM old_rows x);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN old_rows x ON TRUE WHERE r.id = x.referral_id);
    RETURN NULL;
END $$;
CREATE TRIGGER appointments_stamp_delete AFTER DELETE ON appointments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION appointments_stamp_delete();

CREATE FUNCTION appointment_outcomes_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN appointments a ON a.referral_id = r.id JOIN new_rows x ON TRUE WHERE a.id = x.appointment_id);
    RETURN NULL;
END $$;
CREATE TRIGGER appointment_outcomes_stamp_insert AFTER INSERT ON appointment_outcomes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION appointment_outcomes_stamp_insert();

CREATE FUNCTION appointment_outcomes_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN appointments a ON a.referral_id = r.id JOIN old_rows x ON TRUE WHERE a.id = x.appointment_id UNION SELECT r.participant_id FROM referrals r JOIN appointments a ON a.referral_id = r.id JOIN new_rows x ON TRUE WHERE a.id = x.appointment_id);
    RETURN NULL;
END $$;
CREATE TRIGGER appointment_outcomes_stamp_update AFTER UPDATE ON appointment_outcomes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION appointment_outcomes_stamp_update();

CREATE FUNCTION appointment_outcomes_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN appointments a ON a.referral_id = r.id JOIN old_rows x ON TRUE WHERE a.id = x.appointment_id);
    RETURN NULL;
END $$;
CREATE TRIGGER appointment_outcomes_stamp_delete AFTER DELETE ON appointment_outcomes REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION appointment_outcomes_stamp_delete();

CREATE FUNCTION handovers_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT x.from_site_id FROM new_rows x UNION SELECT x.to_site_id FROM new_rows x);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN new_rows x ON TRUE WHERE r.id = x.referral_id);
    RETURN NULL;
END $$;
CREATE TRIGGER handovers_stamp_insert AFTER INSERT ON handovers REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION handovers_stamp_insert();

CREATE FUNCTION handovers_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT x.from_site_id FROM old_rows x UNION SELECT x.from_site_id FROM new_rows x UNION SELECT x.to_site_id FROM old_rows x UNION SELECT x.to_site_id FROM new_rows x);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN old_rows x ON TRUE WHERE r.id = x.referral_id UNION SELECT r.participant_id FROM referrals r JOIN new_rows x ON TRUE WHERE r.id = x.referral_id);
    RETURN NULL;
END $$;
CREATE TRIGGER handovers_stamp_update AFTER UPDATE ON handovers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION handovers_stamp_update();

CREATE FUNCTION handovers_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT x.from_site_id FROM old_rows x UNION SELECT x.to_site_id FROM old_rows x);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN old_rows x ON TRUE WHERE r.id = x.referral_id);
    RETURN NULL;
END $$;
CREATE TRIGGER handovers_stamp_delete AFTER DELETE ON handovers REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION handovers_stamp_delete();

CREATE FUNCTION risk_flags_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r JOIN new_rows x ON TRUE WHERE r.participant_id = x.participant_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER risk_flags_stamp_insert AFTER INSERT ON risk_flags REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_flags_stamp_insert();

CREATE FUNCTION risk_flags_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r JOIN old_rows x ON TRUE WHERE r.participant_id = x.participant_id UNION SELECT r.site_id FROM referrals r JOIN new_rows x ON TRUE WHERE r.participant_id = x.participant_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x UNION SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER risk_flags_stamp_update AFTER UPDATE ON risk_flags REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_flags_stamp_update();

CREATE FUNCTION risk_flags_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r JOIN old_rows x ON TRUE WHERE r.participant_id = x.participant_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER risk_flags_stamp_delete AFTER DELETE ON risk_flags REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION risk_flags_stamp_delete();

CREATE FUNCTION onward_support_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r JOIN new_rows x ON TRUE WHERE r.participant_id = x.participant_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER onward_support_stamp_insert AFTER INSERT ON onward_support REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION onward_support_stamp_insert();

CREATE FUNCTION onward_support_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r JOIN old_rows x ON TRUE WHERE r.participant_id = x.participant_id UNION SELECT r.site_id FROM referrals r JOIN new_rows x ON TRUE WHERE r.participant_id = x.participant_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x UNION SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER onward_support_stamp_update AFTER UPDATE ON onward_support REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION onward_support_stamp_update();

CREATE FUNCTION onward_support_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r JOIN old_rows x ON TRUE WHERE r.participant_id = x.participant_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER onward_support_stamp_delete AFTER DELETE ON onward_support REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION onward_support_stamp_delete();

CREATE FUNCTION notes_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER notes_stamp_insert AFTER INSERT ON notes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION notes_stamp_insert();

CREATE FUNCTION notes_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x UNION SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER notes_stamp_update AFTER UPDATE ON notes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION notes_stamp_update();

CREATE FUNCTION notes_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER notes_stamp_delete AFTER DELETE ON notes REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION notes_stamp_delete();

CREATE FUNCTION note_versions_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT n.participant_id FROM notes n JOIN new_rows x ON TRUE WHERE n.id = x.note_id);
    RETURN NULL;
END $$;
CREATE TRIGGER note_versions_stamp_insert AFTER INSERT ON note_versions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_versions_stamp_insert();

CREATE FUNCTION note_versions_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT n.participant_id FROM notes n JOIN old_rows x ON TRUE WHERE n.id = x.note_id UNION SELECT n.participant_id FROM notes n JOIN new_rows x ON TRUE WHERE n.id = x.note_id);
    RETURN NULL;
END $$;
CREATE TRIGGER note_versions_stamp_update AFTER UPDATE ON note_versions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION note_versions_stamp_update();

CREATE FUNCTION note_versions_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT n.participant_id FROM notes n JOIN old_rows x ON TRUE WHERE n.id = x.note_id);
    RETURN NULL;
END $$;
CREATE TRIGGER note_versions_stamp_delete AFTER DELETE ON note_versions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION note_versions_stamp_delete();

CREATE FUNCTION measures_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER measures_stamp_insert AFTER INSERT ON measures REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION measures_stamp_insert();

CREATE FUNCTION measures_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x UNION SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER measures_stamp_update AFTER UPDATE ON measures REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION measures_stamp_update();

CREATE FUNCTION measures_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER measures_stamp_delete AFTER DELETE ON measures REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION measures_stamp_delete();

CREATE FUNCTION goals_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER goals_stamp_insert AFTER INSERT ON goals REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION goals_stamp_insert();

CREATE FUNCTION goals_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x UNION SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER goals_stamp_update AFTER UPDATE ON goals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION goals_stamp_update();

CREATE FUNCTION goals_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER goals_stamp_delete AFTER DELETE ON goals REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION goals_stamp_delete();

CREATE FUNCTION goal_reviews_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT g.participant_id FROM goals g JOIN new_rows x ON TRUE WHERE g.id = x.goal_id);
    RETURN NULL;
END $$;
CREATE TRIGGER goal_reviews_stamp_insert AFTER INSERT ON goal_reviews REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION goal_reviews_stamp_insert();

CREATE FUNCTION goal_reviews_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT g.participant_id FROM goals g JOIN old_rows x ON TRUE WHERE g.id = x.goal_id UNION SELECT g.participant_id FROM goals g JOIN new_rows x ON TRUE WHERE g.id = x.goal_id);
    RETURN NULL;
END $$;
CREATE TRIGGER goal_reviews_stamp_update AFTER UPDATE ON goal_reviews REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION goal_reviews_stamp_update();

CREATE FUNCTION goal_reviews_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT g.participant_id FROM goals g JOIN old_rows x ON TRUE WHERE g.id = x.goal_id);
    RETURN NULL;
END $$;
CREATE TRIGGER goal_reviews_stamp_delete AFTER DELETE ON goal_reviews REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION goal_reviews_stamp_delete();

CREATE FUNCTION needs_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER needs_stamp_insert AFTER INSERT ON needs REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION needs_stamp_insert();

CREATE FUNCTION needs_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x UNION SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER needs_stamp_update AFTER UPDATE ON needs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION needs_stamp_update();

CREATE FUNCTION needs_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER needs_stamp_delete AFTER DELETE ON needs REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION needs_stamp_delete();

CREATE FUNCTION need_updates_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT n.participant_id FROM needs n JOIN new_rows x ON TRUE WHERE n.id = x.need_id);
    RETURN NULL;
END $$;
CREATE TRIGGER need_updates_stamp_insert AFTER INSERT ON need_updates REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION need_updates_stamp_insert();

CREATE FUNCTION need_updates_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT n.participant_id FROM needs n JOIN old_rows x ON TRUE WHERE n.id = x.need_id UNION SELECT n.participant_id FROM needs n JOIN new_rows x ON TRUE WHERE n.id = x.need_id);
    RETURN NULL;
END $$;
CREATE TRIGGER need_updates_stamp_update AFTER UPDATE ON need_updates REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION need_updates_stamp_update();

CREATE FUNCTION need_updates_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT n.participant_id FROM needs n JOIN old_rows x ON TRUE WHERE n.id = x.need_id);
    RETURN NULL;
END $$;
CREATE TRIGGER need_updates_stamp_delete AFTER DELETE ON need_updates REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION need_updates_stamp_delete();

CREATE FUNCTION consents_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER consents_stamp_insert AFTER INSERT ON consents REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION consents_stamp_insert();

CREATE FUNCTION consents_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x UNION SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER consents_stamp_update AFTER UPDATE ON consents REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION consents_stamp_update();

CREATE FUNCTION consents_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER consents_stamp_delete AFTER DELETE ON consents REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION consents_stamp_delete();

CREATE FUNCTION fund_movements_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER fund_movements_stamp_insert AFTER INSERT ON fund_movements REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fund_movements_stamp_insert();

CREATE FUNCTION fund_movements_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x UNION SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER fund_movements_stamp_update AFTER UPDATE ON fund_movements REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fund_movements_stamp_update();

CREATE FUNCTION fund_movements_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER fund_movements_stamp_delete AFTER DELETE ON fund_movements REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION fund_movements_stamp_delete();

CREATE FUNCTION safety_plans_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER safety_plans_stamp_insert AFTER INSERT ON safety_plans REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION safety_plans_stamp_insert();

CREATE FUNCTION safety_plans_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x UNION SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER safety_plans_stamp_update AFTER UPDATE ON safety_plans REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION safety_plans_stamp_update();

CREATE FUNCTION safety_plans_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER safety_plans_stamp_delete AFTER DELETE ON safety_plans REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION safety_plans_stamp_delete();

CREATE FUNCTION safeguarding_actions_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER safeguarding_actions_stamp_insert AFTER INSERT ON safeguarding_actions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION safeguarding_actions_stamp_insert();

CREATE FUNCTION safeguarding_actions_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x UNION SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER safeguarding_actions_stamp_update AFTER UPDATE ON safeguarding_actions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION safeguarding_actions_stamp_update();

CREATE FUNCTION safeguarding_actions_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER safeguarding_actions_stamp_delete AFTER DELETE ON safeguarding_actions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION safeguarding_actions_stamp_delete();

CREATE FUNCTION group_members_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER group_members_stamp_insert AFTER INSERT ON group_members REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION group_members_stamp_insert();

CREATE FUNCTION group_members_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x UNION SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER group_members_stamp_update AFTER UPDATE ON group_members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION group_members_stamp_update();

CREATE FUNCTION group_members_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER group_members_stamp_delete AFTER DELETE ON group_members REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION group_members_stamp_delete();

CREATE FUNCTION group_attendance_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER group_attendance_stamp_insert AFTER INSERT ON group_attendance REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION group_attendance_stamp_insert();

CREATE FUNCTION group_attendance_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x UNION SELECT x.participant_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER group_attendance_stamp_update AFTER UPDATE ON group_attendance REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION group_attendance_stamp_update();

CREATE FUNCTION group_attendance_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT x.participant_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER group_attendance_stamp_delete AFTER DELETE ON group_attendance REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION group_attendance_stamp_delete();

CREATE FUNCTION users_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER users_stamp_insert AFTER INSERT ON users REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION users_stamp_insert();

CREATE FUNCTION users_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM old_rows x UNION SELECT x.programme_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER users_stamp_update AFTER UPDATE ON users REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION users_stamp_update();

CREATE FUNCTION users_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER users_stamp_delete AFTER DELETE ON users REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION users_stamp_delete();

CREATE FUNCTION user_sites_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT u.programme_id FROM users u JOIN new_rows x ON TRUE WHERE u.id = x.user_id);
    RETURN NULL;
END $$;
CREATE TRIGGER user_sites_stamp_insert AFTER INSERT ON user_sites REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION user_sites_stamp_insert();

CREATE FUNCTION user_sites_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT u.programme_id FROM users u JOIN old_rows x ON TRUE WHERE u.id = x.user_id UNION SELECT u.programme_id FROM users u JOIN new_rows x ON TRUE WHERE u.id = x.user_id);
    RETURN NULL;
END $$;
CREATE TRIGGER user_sites_stamp_update AFTER UPDATE ON user_sites REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION user_sites_stamp_update();

CREATE FUNCTION user_sites_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT u.programme_id FROM users u JOIN old_rows x ON TRUE WHERE u.id = x.user_id);
    RETURN NULL;
END $$;
CREATE TRIGGER user_sites_stamp_delete AFTER DELETE ON user_sites REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION user_sites_stamp_delete();

CREATE FUNCTION sites_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER sites_stamp_insert AFTER INSERT ON sites REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sites_stamp_insert();

CREATE FUNCTION sites_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM old_rows x UNION SELECT x.programme_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER sites_stamp_update AFTER UPDATE ON sites REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sites_stamp_update();

CREATE FUNCTION sites_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER sites_stamp_delete AFTER DELETE ON sites REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sites_stamp_delete();

CREATE FUNCTION reasons_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER reasons_stamp_insert AFTER INSERT ON reasons REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reasons_stamp_insert();

CREATE FUNCTION reasons_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM old_rows x UNION SELECT x.programme_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER reasons_stamp_update AFTER UPDATE ON reasons REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reasons_stamp_update();

CREATE FUNCTION reasons_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER reasons_stamp_delete AFTER DELETE ON reasons REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reasons_stamp_delete();

CREATE FUNCTION funds_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER funds_stamp_insert AFTER INSERT ON funds REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION funds_stamp_insert();

CREATE FUNCTION funds_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM old_rows x UNION SELECT x.programme_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER funds_stamp_update AFTER UPDATE ON funds REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION funds_stamp_update();

CREATE FUNCTION funds_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER funds_stamp_delete AFTER DELETE ON funds REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION funds_stamp_delete();

CREATE FUNCTION community_groups_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER community_groups_stamp_insert AFTER INSERT ON community_groups REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION community_groups_stamp_insert();

CREATE FUNCTION community_groups_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM old_rows x UNION SELECT x.programme_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER community_groups_stamp_update AFTER UPDATE ON community_groups REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION community_groups_stamp_update();

CREATE FUNCTION community_groups_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER community_groups_stamp_delete AFTER DELETE ON community_groups REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION community_groups_stamp_delete();

CREATE FUNCTION group_sessions_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT g.programme_id FROM community_groups g JOIN new_rows x ON TRUE WHERE g.id = x.group_id);
    RETURN NULL;
END $$;
CREATE TRIGGER group_sessions_stamp_insert AFTER INSERT ON group_sessions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION group_sessions_stamp_insert();

CREATE FUNCTION group_sessions_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT g.programme_id FROM community_groups g JOIN old_rows x ON TRUE WHERE g.id = x.group_id UNION SELECT g.programme_id FROM community_groups g JOIN new_rows x ON TRUE WHERE g.id = x.group_id);
    RETURN NULL;
END $$;
CREATE TRIGGER group_sessions_stamp_update AFTER UPDATE ON group_sessions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION group_sessions_stamp_update();

CREATE FUNCTION group_sessions_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT g.programme_id FROM community_groups g JOIN old_rows x ON TRUE WHERE g.id = x.group_id);
    RETURN NULL;
END $$;
CREATE TRIGGER group_sessions_stamp_delete AFTER DELETE ON group_sessions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION group_sessions_stamp_delete();

CREATE FUNCTION dir_organizations_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER dir_organizations_stamp_insert AFTER INSERT ON dir_organizations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dir_organizations_stamp_insert();

CREATE FUNCTION dir_organizations_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM old_rows x UNION SELECT x.programme_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER dir_organizations_stamp_update AFTER UPDATE ON dir_organizations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dir_organizations_stamp_update();

CREATE FUNCTION dir_organizations_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER dir_organizations_stamp_delete AFTER DELETE ON dir_organizations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dir_organizations_stamp_delete();

CREATE FUNCTION dir_services_stamp_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER dir_services_stamp_insert AFTER INSERT ON dir_services REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dir_services_stamp_insert();

CREATE FUNCTION dir_services_stamp_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM old_rows x UNION SELECT x.programme_id FROM new_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER dir_services_stamp_update AFTER UPDATE ON dir_services REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dir_services_stamp_update();

CREATE FUNCTION dir_services_stamp_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT x.programme_id FROM old_rows x);
    RETURN NULL;
END $$;
CREATE TRIGGER dir_services_stamp_delete AFTER DELETE ON dir_services REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dir_services_stamp_delete();
