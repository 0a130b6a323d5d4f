-- The wider work's figures kept (issue 10): the whole programme's groups,
-- courses completed, practice development, vouchers and partners' answers
-- and referrals of a period of whole months are kept as one piece, as its
-- wellbeing changes are (migration 31: part 'wider:<first month>', month
-- its last; it holds while no month up to its last is marked). These
-- triggers mark the months those rows are counted in, as migration 31's
-- do for the rest; a change that dates nothing (a group's kind, a fund's
-- or an organisation's name, a user's role) marks every month (-1).
-- docs/REPORTING.md, "How the figures are counted, and kept".

-- Who came to a session: the session's month.
CREATE TRIGGER group_attendance_figure_mark_insert AFTER INSERT ON group_attendance BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT g.programme_id AS p, gs.held_on AS d FROM group_sessions gs JOIN community_groups g ON g.id = gs.group_id WHERE gs.id = NEW.session_id) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER group_attendance_figure_mark_delete AFTER DELETE ON group_attendance BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT g.programme_id AS p, gs.held_on AS d FROM group_sessions gs JOIN community_groups g ON g.id = gs.group_id WHERE gs.id = OLD.session_id) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER group_attendance_figure_mark_update AFTER UPDATE ON group_attendance BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT g.programme_id AS p, gs.held_on AS d FROM group_sessions gs JOIN community_groups g ON g.id = gs.group_id WHERE gs.id = OLD.session_id UNION ALL SELECT g.programme_id AS p, gs.held_on AS d FROM group_sessions gs JOIN community_groups g ON g.id = gs.group_id WHERE gs.id = NEW.session_id) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- A session held, removed, re-dated, moved or its others changed.
CREATE TRIGGER group_sessions_figure_mark_insert AFTER INSERT ON group_sessions BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT g.programme_id AS p, NEW.held_on AS d FROM community_groups g WHERE g.id = NEW.group_id) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER group_sessions_figure_mark_delete AFTER DELETE ON group_sessions BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT g.programme_id AS p, OLD.held_on AS d FROM community_groups g WHERE g.id = OLD.group_id) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER group_sessions_figure_mark_update AFTER UPDATE OF group_id, held_on, others ON group_sessions
WHEN OLD.group_id IS NOT NEW.group_id OR OLD.held_on IS NOT NEW.held_on OR OLD.others IS NOT NEW.others
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT g.programme_id AS p, OLD.held_on AS d FROM community_groups g WHERE g.id = OLD.group_id UNION ALL SELECT g.programme_id AS p, NEW.held_on AS d FROM community_groups g WHERE g.id = NEW.group_id) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- A group's kind (a key of its sessions and attendances) or programme.
CREATE TRIGGER community_groups_figure_mark_update AFTER UPDATE OF kind, programme_id ON community_groups
WHEN OLD.kind IS NOT NEW.kind OR OLD.programme_id IS NOT NEW.programme_id
BEGIN
    INSERT INTO figure_marks (programme_id, month, version) SELECT OLD.programme_id, -1, 1 WHERE OLD.programme_id IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
    INSERT INTO figure_marks (programme_id, month, version) SELECT NEW.programme_id, -1, 1 WHERE NEW.programme_id IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- A course completed: the month of its day.
CREATE TRIGGER group_members_figure_mark_insert AFTER INSERT ON group_members WHEN NEW.completed_on IS NOT NULL BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT g.programme_id AS p, NEW.completed_on AS d FROM community_groups g WHERE g.id = NEW.group_id) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER group_members_figure_mark_delete AFTER DELETE ON group_members WHEN OLD.completed_on IS NOT NULL BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT g.programme_id AS p, OLD.completed_on AS d FROM community_groups g WHERE g.id = OLD.group_id) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER group_members_figure_mark_update AFTER UPDATE OF group_id, participant_id, completed_on ON group_members
WHEN OLD.group_id IS NOT NEW.group_id OR OLD.participant_id IS NOT NEW.participant_id OR OLD.completed_on IS NOT NEW.completed_on
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT g.programme_id AS p, OLD.completed_on AS d FROM community_groups g WHERE g.id = OLD.group_id UNION ALL SELECT g.programme_id AS p, NEW.completed_on AS d FROM community_groups g WHERE g.id = NEW.group_id) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- Practice development activities: the month they were held in.
CREATE TRIGGER practice_activities_figure_mark_insert AFTER INSERT ON practice_activities BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT NEW.programme_id AS p, NEW.held_on AS d) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER practice_activities_figure_mark_delete AFTER DELETE ON practice_activities BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT OLD.programme_id AS p, OLD.held_on AS d) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER practice_activities_figure_mark_update AFTER UPDATE OF programme_id, site_id, kind, held_on, attending, user_id ON practice_activities
WHEN OLD.programme_id IS NOT NEW.programme_id OR OLD.site_id IS NOT NEW.site_id OR OLD.kind IS NOT NEW.kind
    OR OLD.held_on IS NOT NEW.held_on OR OLD.attending IS NOT NEW.attending OR OLD.user_id IS NOT NEW.user_id
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT OLD.programme_id AS p, OLD.held_on AS d UNION ALL SELECT NEW.programme_id AS p, NEW.held_on AS d) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- Vouchers: the UK month of the movement (by the British Summer Time
-- rule, as migration 31's appointments).
CREATE TRIGGER fund_movements_figure_mark_insert AFTER INSERT ON fund_movements BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT f.programme_id AS p, (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT NEW.at AS x)) AS d FROM funds f WHERE f.id = NEW.fund_id) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER fund_movements_figure_mark_delete AFTER DELETE ON fund_movements BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT f.programme_id AS p, (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT OLD.at AS x)) AS d FROM funds f WHERE f.id = OLD.fund_id) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER fund_movements_figure_mark_update AFTER UPDATE OF fund_id, participant_id, amount_pence, at ON fund_movements
WHEN OLD.fund_id IS NOT NEW.fund_id OR OLD.participant_id IS NOT NEW.participant_id
    OR OLD.amount_pence IS NOT NEW.amount_pence OR OLD.at IS NOT NEW.at
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT f.programme_id AS p, (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT OLD.at AS x)) AS d FROM funds f WHERE f.id = OLD.fund_id UNION ALL SELECT f.programme_id AS p, (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT NEW.at AS x)) AS d FROM funds f WHERE f.id = NEW.fund_id) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- A fund's name (the vouchers' key).
CREATE TRIGGER funds_figure_mark_update AFTER UPDATE OF name, programme_id ON funds
WHEN OLD.name IS NOT NEW.name OR OLD.programme_id IS NOT NEW.programme_id
BEGIN
    INSERT INTO figure_marks (programme_id, month, version) SELECT OLD.programme_id, -1, 1 WHERE OLD.programme_id IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
    INSERT INTO figure_marks (programme_id, month, version) SELECT NEW.programme_id, -1, 1 WHERE NEW.programme_id IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- Partners' answers to onward support: the UK month of the answer.
CREATE TRIGGER onward_support_figure_mark_answer_insert AFTER INSERT ON onward_support WHEN NEW.responded_at IS NOT NULL BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT NEW.programme_id AS p, (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT NEW.responded_at AS x)) AS d WHERE NEW.responded_at IS NOT NULL) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER onward_support_figure_mark_answer_delete AFTER DELETE ON onward_support WHEN OLD.responded_at IS NOT NULL BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT OLD.programme_id AS p, (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT OLD.responded_at AS x)) AS d WHERE OLD.responded_at IS NOT NULL) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER onward_support_figure_mark_answer_update AFTER UPDATE OF programme_id, participant_id, status, responded_by, responded_at ON onward_support
WHEN OLD.programme_id IS NOT NEW.programme_id OR OLD.participant_id IS NOT NEW.participant_id OR OLD.status IS NOT NEW.status
    OR OLD.responded_by IS NOT NEW.responded_by OR OLD.responded_at IS NOT NEW.responded_at
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT OLD.programme_id AS p, (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT OLD.responded_at AS x)) AS d WHERE OLD.responded_at IS NOT NULL UNION ALL SELECT NEW.programme_id AS p, (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT NEW.responded_at AS x)) AS d WHERE NEW.responded_at IS NOT NULL) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- Who made a referral (a partner's staff): its month.
CREATE TRIGGER referrals_figure_mark_created_by AFTER UPDATE OF created_by ON referrals
WHEN OLD.created_by IS NOT NEW.created_by
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT NEW.programme_id AS p, NEW.received_on AS d) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- A user's role or organisation, an organisation's name: partners'
-- answers and referrals are counted by them.
CREATE TRIGGER users_figure_mark_update AFTER UPDATE OF role, organization_id, programme_id ON users
WHEN OLD.role IS NOT NEW.role OR OLD.organization_id IS NOT NEW.organization_id OR OLD.programme_id IS NOT NEW.programme_id
BEGIN
    INSERT INTO figure_marks (programme_id, month, version) SELECT OLD.programme_id, -1, 1 WHERE OLD.programme_id IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
    INSERT INTO figure_marks (programme_id, month, version) SELECT NEW.programme_id, -1, 1 WHERE NEW.programme_id IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dir_organizations_figure_mark_update AFTER UPDATE OF name ON dir_organizations
WHEN OLD.name IS NOT NEW.name
BEGIN
    INSERT INTO figure_marks (programme_id, month, version) SELECT NEW.programme_id, -1, 1 WHERE NEW.programme_id IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;

-- A person moved to another practice, or merged: the months of their
-- group attendance, courses completed, vouchers and partners' answers.
CREATE TRIGGER participants_figure_mark_wider AFTER UPDATE OF site_id, merged_into ON participants
WHEN OLD.site_id IS NOT NEW.site_id OR OLD.merged_into IS NOT NEW.merged_into
BEGIN
    INSERT INTO figure_marks (programme_id, month, version)
    SELECT DISTINCT y.p, CAST(substr(y.d, 1, 4) AS INTEGER) * 12 + CAST(substr(y.d, 6, 2) AS INTEGER) - 1, 1 FROM (SELECT g.programme_id AS p, gs.held_on AS d FROM group_attendance a JOIN group_sessions gs ON gs.id = a.session_id JOIN community_groups g ON g.id = gs.group_id WHERE a.participant_id = NEW.id UNION ALL SELECT g.programme_id, m.completed_on FROM group_members m JOIN community_groups g ON g.id = m.group_id WHERE m.participant_id = NEW.id UNION ALL SELECT f.programme_id, (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT fm.at AS x)) FROM fund_movements fm JOIN funds f ON f.id = fm.fund_id WHERE fm.participant_id = NEW.id UNION ALL SELECT o.programme_id, (SELECT CASE WHEN substr(x, 12, 2) = '23' AND x >= date(substr(x, 1, 4) || '-03-25', 'weekday 0') || 'T01:00:00' AND x < date(substr(x, 1, 4) || '-10-25', 'weekday 0') || 'T01:00:00' THEN date(x, '+1 hour') ELSE substr(x, 1, 10) END FROM (SELECT o.responded_at AS x)) FROM onward_support o WHERE o.participant_id = NEW.id AND o.responded_at IS NOT NULL) y WHERE y.p IS NOT NULL AND y.d IS NOT NULL
    ON CONFLICT (programme_id, month) DO UPDATE SET version = version + 1;
END;
