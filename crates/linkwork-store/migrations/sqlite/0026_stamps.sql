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

CREATE TRIGGER programmes_stamp_row AFTER INSERT ON programmes BEGIN
    INSERT OR IGNORE INTO stamps (kind, id, version) VALUES (3, NEW.id, 1);
END;

CREATE TRIGGER sites_stamp_row AFTER INSERT ON sites BEGIN
    INSERT OR IGNORE INTO stamps (kind, id, version) VALUES (1, NEW.id, 1);
END;

CREATE TRIGGER participants_stamp_row AFTER INSERT ON participants BEGIN
    INSERT OR IGNORE INTO stamps (kind, id, version) VALUES (2, NEW.id, 1);
END;

CREATE TRIGGER participants_stamp_insert AFTER INSERT ON participants BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT NEW.id);
END;

CREATE TRIGGER participants_stamp_update AFTER UPDATE ON participants BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.id UNION SELECT NEW.id);
END;

CREATE TRIGGER participants_stamp_delete AFTER DELETE ON participants BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.id);
END;

CREATE TRIGGER referrals_stamp_insert AFTER INSERT ON referrals BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT NEW.site_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT NEW.participant_id);
END;

CREATE TRIGGER referrals_stamp_update AFTER UPDATE ON referrals BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT OLD.site_id UNION SELECT NEW.site_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id UNION SELECT NEW.participant_id);
END;

CREATE TRIGGER referrals_stamp_delete AFTER DELETE ON referrals BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT OLD.site_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id);
END;

CREATE TRIGGER referral_reasons_stamp_insert AFTER INSERT ON referral_reasons BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r WHERE r.id = NEW.referral_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r WHERE r.id = NEW.referral_id);
END;

CREATE TRIGGER referral_reasons_stamp_update AFTER UPDATE ON referral_reasons BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r WHERE r.id = OLD.referral_id UNION SELECT r.site_id FROM referrals r WHERE r.id = NEW.referral_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r WHERE r.id = OLD.referral_id UNION SELECT r.participant_id FROM referrals r WHERE r.id = NEW.referral_id);
END;

CREATE TRIGGER referral_reasons_stamp_delete AFTER DELETE ON referral_reasons BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r WHERE r.id = OLD.referral_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r WHERE r.id = OLD.referral_id);
END;

CREATE TRIGGER referral_status_changes_stamp_insert AFTER INSERT ON referral_status_changes BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r WHERE r.id = NEW.referral_id);
END;

CREATE TRIGGER referral_status_changes_stamp_update AFTER UPDATE ON referral_status_changes BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r WHERE r.id = OLD.referral_id UNION SELECT r.participant_id FROM referrals r WHERE r.id = NEW.referral_id);
END;

CREATE TRIGGER referral_status_changes_stamp_delete AFTER DELETE ON referral_status_changes BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r WHERE r.id = OLD.referral_id);
END;

CREATE TRIGGER contact_attempts_stamp_insert AFTER INSERT ON contact_attempts BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r WHERE r.id = NEW.referral_id);
END;

CREATE TRIGGER contact_attempts_stamp_update AFTER UPDATE ON contact_attempts BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r WHERE r.id = OLD.referral_id UNION SELECT r.participant_id FROM referrals r WHERE r.id = NEW.referral_id);
END;

CREATE TRIGGER contact_attempts_stamp_delete AFTER DELETE ON contact_attempts BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r WHERE r.id = OLD.referral_id);
END;

CREATE TRIGGER appointments_stamp_insert AFTER INSERT ON appointments BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT NEW.site_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r WHERE r.id = NEW.referral_id);
END;

CREATE TRIGGER appointments_stamp_update AFTER UPDATE ON appointments BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT OLD.site_id UNION SELECT NEW.site_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r WHERE r.id = OLD.referral_id UNION SELECT r.participant_id FROM referrals r WHERE r.id = NEW.referral_id);
END;

CREATE TRIGGER appointments_stamp_delete AFTER DELETE ON appointments BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT OLD.site_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r WHERE r.id = OLD.referral_id);
END;

CREATE TRIGGER appointment_outcomes_stamp_insert AFTER INSERT ON appointment_outcomes BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN appointments a ON a.referral_id = r.id WHERE a.id = NEW.appointment_id);
END;

CREATE TRIGGER appointment_outcomes_stamp_update AFTER UPDATE ON appointment_outcomes BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN appointments a ON a.referral_id = r.id WHERE a.id = OLD.appointment_id UNION SELECT r.participant_id FROM referrals r JOIN appointments a ON a.referral_id = r.id WHERE a.id = NEW.appointment_id);
END;

CREATE TRIGGER appointment_outcomes_stamp_delete AFTER DELETE ON appointment_outcomes BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r JOIN appointments a ON a.referral_id = r.id WHERE a.id = OLD.appointment_id);
END;

CREATE TRIGGER handovers_stamp_insert AFTER INSERT ON handovers BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT NEW.from_site_id UNION SELECT NEW.to_site_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r WHERE r.id = NEW.referral_id);
END;

CREATE TRIGGER handovers_stamp_update AFTER UPDATE ON handovers BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT OLD.from_site_id UNION SELECT NEW.from_site_id UNION SELECT OLD.to_site_id UNION SELECT NEW.to_site_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r WHERE r.id = OLD.referral_id UNION SELECT r.participant_id FROM referrals r WHERE r.id = NEW.referral_id);
END;

CREATE TRIGGER handovers_stamp_delete AFTER DELETE ON handovers BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT OLD.from_site_id UNION SELECT OLD.to_site_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT r.participant_id FROM referrals r WHERE r.id = OLD.referral_id);
END;

CREATE TRIGGER risk_flags_stamp_insert AFTER INSERT ON risk_flags BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r WHERE r.participant_id = NEW.participant_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT NEW.participant_id);
END;

CREATE TRIGGER risk_flags_stamp_update AFTER UPDATE ON risk_flags BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r WHERE r.participant_id = OLD.participant_id UNION SELECT r.site_id FROM referrals r WHERE r.participant_id = NEW.participant_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id UNION SELECT NEW.participant_id);
END;

CREATE TRIGGER risk_flags_stamp_delete AFTER DELETE ON risk_flags BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r WHERE r.participant_id = OLD.participant_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id);
END;

CREATE TRIGGER onward_support_stamp_insert AFTER INSERT ON onward_support BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r WHERE r.participant_id = NEW.participant_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT NEW.participant_id);
END;

CREATE TRIGGER onward_support_stamp_update AFTER UPDATE ON onward_support BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r WHERE r.participant_id = OLD.participant_id UNION SELECT r.site_id FROM referrals r WHERE r.participant_id = NEW.participant_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id UNION SELECT NEW.participant_id);
END;

CREATE TRIGGER onward_support_stamp_delete AFTER DELETE ON onward_support BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 1 AND id IN (SELECT r.site_id FROM referrals r WHERE r.participant_id = OLD.participant_id);
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id);
END;

CREATE TRIGGER notes_stamp_insert AFTER INSERT ON notes BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT NEW.participant_id);
END;

CREATE TRIGGER notes_stamp_update AFTER UPDATE ON notes BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id UNION SELECT NEW.participant_id);
END;

CREATE TRIGGER notes_stamp_delete AFTER DELETE ON notes BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id);
END;

CREATE TRIGGER note_versions_stamp_insert AFTER INSERT ON note_versions BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT n.participant_id FROM notes n WHERE n.id = NEW.note_id);
END;

CREATE TRIGGER note_versions_stamp_update AFTER UPDATE ON note_versions BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT n.participant_id FROM notes n WHERE n.id = OLD.note_id UNION SELECT n.participant_id FROM notes n WHERE n.id = NEW.note_id);
END;

CREATE TRIGGER note_versions_stamp_delete AFTER DELETE ON note_versions BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT n.participant_id FROM notes n WHERE n.id = OLD.note_id);
END;

CREATE TRIGGER measures_stamp_insert AFTER INSERT ON measures BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT NEW.participant_id);
END;

CREATE TRIGGER measures_stamp_update AFTER UPDATE ON measures BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id UNION SELECT NEW.participant_id);
END;

CREATE TRIGGER measures_stamp_delete AFTER DELETE ON measures BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id);
END;

CREATE TRIGGER goals_stamp_insert AFTER INSERT ON goals BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT NEW.participant_id);
END;

CREATE TRIGGER goals_stamp_update AFTER UPDATE ON goals BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id UNION SELECT NEW.participant_id);
END;

CREATE TRIGGER goals_stamp_delete AFTER DELETE ON goals BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id);
END;

CREATE TRIGGER goal_reviews_stamp_insert AFTER INSERT ON goal_reviews BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT g.participant_id FROM goals g WHERE g.id = NEW.goal_id);
END;

CREATE TRIGGER goal_reviews_stamp_update AFTER UPDATE ON goal_reviews BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT g.participant_id FROM goals g WHERE g.id = OLD.goal_id UNION SELECT g.participant_id FROM goals g WHERE g.id = NEW.goal_id);
END;

CREATE TRIGGER goal_reviews_stamp_delete AFTER DELETE ON goal_reviews BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT g.participant_id FROM goals g WHERE g.id = OLD.goal_id);
END;

CREATE TRIGGER needs_stamp_insert AFTER INSERT ON needs BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT NEW.participant_id);
END;

CREATE TRIGGER needs_stamp_update AFTER UPDATE ON needs BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id UNION SELECT NEW.participant_id);
END;

CREATE TRIGGER needs_stamp_delete AFTER DELETE ON needs BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id);
END;

CREATE TRIGGER need_updates_stamp_insert AFTER INSERT ON need_updates BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT n.participant_id FROM needs n WHERE n.id = NEW.need_id);
END;

CREATE TRIGGER need_updates_stamp_update AFTER UPDATE ON need_updates BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT n.participant_id FROM needs n WHERE n.id = OLD.need_id UNION SELECT n.participant_id FROM needs n WHERE n.id = NEW.need_id);
END;

CREATE TRIGGER need_updates_stamp_delete AFTER DELETE ON need_updates BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT n.participant_id FROM needs n WHERE n.id = OLD.need_id);
END;

CREATE TRIGGER consents_stamp_insert AFTER INSERT ON consents BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT NEW.participant_id);
END;

CREATE TRIGGER consents_stamp_update AFTER UPDATE ON consents BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id UNION SELECT NEW.participant_id);
END;

CREATE TRIGGER consents_stamp_delete AFTER DELETE ON consents BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id);
END;

CREATE TRIGGER fund_movements_stamp_insert AFTER INSERT ON fund_movements BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT NEW.participant_id);
END;

CREATE TRIGGER fund_movements_stamp_update AFTER UPDATE ON fund_movements BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id UNION SELECT NEW.participant_id);
END;

CREATE TRIGGER fund_movements_stamp_delete AFTER DELETE ON fund_movements BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id);
END;

CREATE TRIGGER safety_plans_stamp_insert AFTER INSERT ON safety_plans BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT NEW.participant_id);
END;

CREATE TRIGGER safety_plans_stamp_update AFTER UPDATE ON safety_plans BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id UNION SELECT NEW.participant_id);
END;

CREATE TRIGGER safety_plans_stamp_delete AFTER DELETE ON safety_plans BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id);
END;

CREATE TRIGGER safeguarding_actions_stamp_insert AFTER INSERT ON safeguarding_actions BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT NEW.participant_id);
END;

CREATE TRIGGER safeguarding_actions_stamp_update AFTER UPDATE ON safeguarding_actions BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id UNION SELECT NEW.participant_id);
END;

CREATE TRIGGER safeguarding_actions_stamp_delete AFTER DELETE ON safeguarding_actions BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id);
END;

CREATE TRIGGER group_members_stamp_insert AFTER INSERT ON group_members BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT NEW.participant_id);
END;

CREATE TRIGGER group_members_stamp_update AFTER UPDATE ON group_members BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id UNION SELECT NEW.participant_id);
END;

CREATE TRIGGER group_members_stamp_delete AFTER DELETE ON group_members BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id);
END;

CREATE TRIGGER group_attendance_stamp_insert AFTER INSERT ON group_attendance BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT NEW.participant_id);
END;

CREATE TRIGGER group_attendance_stamp_update AFTER UPDATE ON group_attendance BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id UNION SELECT NEW.participant_id);
END;

CREATE TRIGGER group_attendance_stamp_delete AFTER DELETE ON group_attendance BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 2 AND id IN (SELECT OLD.participant_id);
END;

CREATE TRIGGER users_stamp_insert AFTER INSERT ON users BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT NEW.programme_id);
END;

CREATE TRIGGER users_stamp_update AFTER UPDATE ON users BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT OLD.programme_id UNION SELECT NEW.programme_id);
END;

CREATE TRIGGER users_stamp_delete AFTER DELETE ON users BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT OLD.programme_id);
END;

CREATE TRIGGER user_sites_stamp_insert AFTER INSERT ON user_sites BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT u.programme_id FROM users u WHERE u.id = NEW.user_id);
END;

CREATE TRIGGER user_sites_stamp_update AFTER UPDATE ON user_sites BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT u.programme_id FROM users u WHERE u.id = OLD.user_id UNION SELECT u.programme_id FROM users u WHERE u.id = NEW.user_id);
END;

CREATE TRIGGER user_sites_stamp_delete AFTER DELETE ON user_sites BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT u.programme_id FROM users u WHERE u.id = OLD.user_id);
END;

CREATE TRIGGER sites_stamp_insert AFTER INSERT ON sites BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT NEW.programme_id);
END;

CREATE TRIGGER sites_stamp_update AFTER UPDATE ON sites BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT OLD.programme_id UNION SELECT NEW.programme_id);
END;

CREATE TRIGGER sites_stamp_delete AFTER DELETE ON sites BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT OLD.programme_id);
END;

CREATE TRIGGER reasons_stamp_insert AFTER INSERT ON reasons BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT NEW.programme_id);
END;

CREATE TRIGGER reasons_stamp_update AFTER UPDATE ON reasons BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT OLD.programme_id UNION SELECT NEW.programme_id);
END;

CREATE TRIGGER reasons_stamp_delete AFTER DELETE ON reasons BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT OLD.programme_id);
END;

CREATE TRIGGER funds_stamp_insert AFTER INSERT ON funds BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT NEW.programme_id);
END;

CREATE TRIGGER funds_stamp_update AFTER UPDATE ON funds BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT OLD.programme_id UNION SELECT NEW.programme_id);
END;

CREATE TRIGGER funds_stamp_delete AFTER DELETE ON funds BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT OLD.programme_id);
END;

CREATE TRIGGER community_groups_stamp_insert AFTER INSERT ON community_groups BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT NEW.programme_id);
END;

CREATE TRIGGER community_groups_stamp_update AFTER UPDATE ON community_groups BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT OLD.programme_id UNION SELECT NEW.programme_id);
END;

CREATE TRIGGER community_groups_stamp_delete AFTER DELETE ON community_groups BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT OLD.programme_id);
END;

CREATE TRIGGER group_sessions_stamp_insert AFTER INSERT ON group_sessions BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT g.programme_id FROM community_groups g WHERE g.id = NEW.group_id);
END;

CREATE TRIGGER group_sessions_stamp_update AFTER UPDATE ON group_sessions BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT g.programme_id FROM community_groups g WHERE g.id = OLD.group_id UNION SELECT g.programme_id FROM community_groups g WHERE g.id = NEW.group_id);
END;

CREATE TRIGGER group_sessions_stamp_delete AFTER DELETE ON group_sessions BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT g.programme_id FROM community_groups g WHERE g.id = OLD.group_id);
END;

CREATE TRIGGER dir_organizations_stamp_insert AFTER INSERT ON dir_organizations BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT NEW.programme_id);
END;

CREATE TRIGGER dir_organizations_stamp_update AFTER UPDATE ON dir_organizations BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT OLD.programme_id UNION SELECT NEW.programme_id);
END;

CREATE TRIGGER dir_organizations_stamp_delete AFTER DELETE ON dir_organizations BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT OLD.programme_id);
END;

CREATE TRIGGER dir_services_stamp_insert AFTER INSERT ON dir_services BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT NEW.programme_id);
END;

CREATE TRIGGER dir_services_stamp_update AFTER UPDATE ON dir_services BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT OLD.programme_id UNION SELECT NEW.programme_id);
END;

CREATE TRIGGER dir_services_stamp_delete AFTER DELETE ON dir_services BEGIN
    UPDATE stamps SET version = version + 1 WHERE kind = 3 AND id IN (SELECT OLD.programme_id);
END;
