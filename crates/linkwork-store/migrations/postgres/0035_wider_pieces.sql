-- The wider work's figures kept (issue 10): the whole programme's groups,
-- courses completed, practice development, vouchers and partners' answers
-- and referrals of a period of whole months are kept as one piece, as its
-- wellbeing changes are (migration 31: part 'wider:<first month>', month
-- its last; it holds while no month up to its last is marked). These
-- triggers mark the months those rows are counted in, as migration 31's
-- do for the rest; a change that dates nothing (a group's kind, a fund's
-- or an organisation's name, a user's role) marks every month (-1).
-- docs/REPORTING.md, "How the figures are counted, and kept".

-- The (programme, month) each changed row of `rows` (as JSON) is counted
-- in, by table (for updates, which are few rows at a time).
CREATE FUNCTION wider_figure_months(tbl TEXT, rows JSONB) RETURNS TABLE (p BIGINT, m BIGINT) LANGUAGE sql STABLE AS $$
    SELECT g.programme_id, figure_month(gs.held_on)
    FROM jsonb_to_recordset(rows) AS x(session_id BIGINT)
    JOIN group_sessions gs ON gs.id = x.session_id JOIN community_groups g ON g.id = gs.group_id
    WHERE tbl = 'group_attendance'
    UNION SELECT g.programme_id, figure_month(x.held_on)
    FROM jsonb_to_recordset(rows) AS x(group_id BIGINT, held_on DATE) JOIN community_groups g ON g.id = x.group_id
    WHERE tbl = 'group_sessions'
    UNION SELECT g.programme_id, figure_month(x.completed_on)
    FROM jsonb_to_recordset(rows) AS x(group_id BIGINT, completed_on DATE) JOIN community_groups g ON g.id = x.group_id
    WHERE tbl = 'group_members' AND x.completed_on IS NOT NULL
    UNION SELECT x.programme_id, figure_month(x.held_on)
    FROM jsonb_to_recordset(rows) AS x(programme_id BIGINT, held_on DATE)
    WHERE tbl = 'practice_activities'
    UNION SELECT f.programme_id, figure_month(CAST(x.at AT TIME ZONE 'Europe/London' AS DATE))
    FROM jsonb_to_recordset(rows) AS x(fund_id BIGINT, at TIMESTAMPTZ) JOIN funds f ON f.id = x.fund_id
    WHERE tbl = 'fund_movements'
    UNION SELECT x.programme_id, figure_month(CAST(x.responded_at AT TIME ZONE 'Europe/London' AS DATE))
    FROM jsonb_to_recordset(rows) AS x(programme_id BIGINT, responded_at TIMESTAMPTZ)
    WHERE tbl = 'onward_support' AND x.responded_at IS NOT NULL
$$;

-- The columns each table's rows are counted by (a change to any other
-- column marks nothing).
CREATE FUNCTION wider_figure_columns(tbl TEXT, r JSONB) RETURNS JSONB LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE tbl
        WHEN 'group_attendance' THEN jsonb_build_object('s', r->'session_id', 'p', r->'participant_id')
        WHEN 'group_sessions' THEN jsonb_build_object('id', r->'id', 'g', r->'group_id', 'h', r->'held_on', 'o', r->'others')
        WHEN 'group_members' THEN jsonb_build_object('g', r->'group_id', 'p', r->'participant_id', 'c', r->'completed_on')
        WHEN 'practice_activities' THEN jsonb_build_object('id', r->'id', 'pr', r->'programme_id', 's', r->'site_id',
            'k', r->'kind', 'h', r->'held_on', 'a', r->'attending', 'u', r->'user_id')
        WHEN 'fund_movements' THEN jsonb_build_object('id', r->'id', 'f', r->'fund_id', 'p', r->'participant_id',
            'a', r->'amount_pence', 't', r->'at')
        ELSE jsonb_build_object('id', r->'id', 'pr', r->'programme_id', 'p', r->'participant_id', 's', r->'status',
            'b', r->'responded_by', 't', r->'responded_at')
    END
$$;

-- Rows added or removed: their months (read from the rows themselves: a
-- bulk load's statements add many).
CREATE FUNCTION wider_figure_mark() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[]; ms BIGINT[];
BEGIN
    IF TG_TABLE_NAME = 'group_attendance' THEN
        SELECT array_agg(v.p), array_agg(v.m) INTO ps, ms FROM (
            SELECT DISTINCT g.programme_id AS p, figure_month(gs.held_on) AS m FROM changed_rows x
            JOIN group_sessions gs ON gs.id = x.session_id JOIN community_groups g ON g.id = gs.group_id) v;
    ELSIF TG_TABLE_NAME = 'group_sessions' THEN
        SELECT array_agg(v.p), array_agg(v.m) INTO ps, ms FROM (
            SELECT DISTINCT g.programme_id AS p, figure_month(x.held_on) AS m FROM changed_rows x
            JOIN community_groups g ON g.id = x.group_id) v;
    ELSIF TG_TABLE_NAME = 'group_members' THEN
        SELECT array_agg(v.p), array_agg(v.m) INTO ps, ms FROM (
            SELECT DISTINCT g.programme_id AS p, figure_month(x.completed_on) AS m FROM changed_rows x
            JOIN community_groups g ON g.id = x.group_id WHERE x.completed_on IS NOT NULL) v;
    ELSIF TG_TABLE_NAME = 'practice_activities' THEN
        SELECT array_agg(v.p), array_agg(v.m) INTO ps, ms FROM (
            SELECT DISTINCT x.programme_id AS p, figure_month(x.held_on) AS m FROM changed_rows x) v;
    ELSIF TG_TABLE_NAME = 'fund_movements' THEN
        SELECT array_agg(v.p), array_agg(v.m) INTO ps, ms FROM (
            SELECT DISTINCT f.programme_id AS p, figure_month(CAST(x.at AT TIME ZONE 'Europe/London' AS DATE)) AS m
            FROM changed_rows x JOIN funds f ON f.id = x.fund_id) v;
    ELSE
        SELECT array_agg(v.p), array_agg(v.m) INTO ps, ms FROM (
            SELECT DISTINCT x.programme_id AS p, figure_month(CAST(x.responded_at AT TIME ZONE 'Europe/London' AS DATE)) AS m
            FROM changed_rows x WHERE x.responded_at IS NOT NULL) v;
    END IF;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, ms); END IF;
    RETURN NULL;
END $$;

-- Rows changed: the months of the rows before and after, of those changed
-- in what they are counted by (a row before whose counted columns no row
-- after has, and the other way round).
CREATE FUNCTION wider_figure_mark_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[]; ms BIGINT[];
BEGIN
    WITH o AS (SELECT to_jsonb(x) AS r FROM old_rows x), n AS (SELECT to_jsonb(x) AS r FROM new_rows x),
         changed AS (
            SELECT o.r FROM o WHERE wider_figure_columns(TG_TABLE_NAME, o.r) NOT IN (SELECT wider_figure_columns(TG_TABLE_NAME, n.r) FROM n)
            UNION ALL
            SELECT n.r FROM n WHERE wider_figure_columns(TG_TABLE_NAME, n.r) NOT IN (SELECT wider_figure_columns(TG_TABLE_NAME, o.r) FROM o))
    SELECT array_agg(v.p), array_agg(v.m) INTO ps, ms
    FROM wider_figure_months(TG_TABLE_NAME, (SELECT jsonb_agg(changed.r) FROM changed)) v;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, ms); END IF;
    RETURN NULL;
END $$;

-- Each table's three statement triggers (partners' answers on
-- onward_support are named "answer", beside migration 31's own).
DO $$
DECLARE t TEXT; name TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['group_attendance', 'group_sessions', 'group_members', 'practice_activities',
                             'fund_movements', 'onward_support'] LOOP
        name := t || CASE WHEN t = 'onward_support' THEN '_figure_mark_answer' ELSE '_figure_mark' END;
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS changed_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION wider_figure_mark()', name || '_insert', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS changed_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION wider_figure_mark()', name || '_delete', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION wider_figure_mark_update()', name || '_update', t);
    END LOOP;
END $$;

-- A group's kind, a fund's name, a user's role or organisation, an
-- organisation's name: every month.
CREATE TRIGGER community_groups_figure_mark_update AFTER UPDATE OF kind, programme_id ON community_groups FOR EACH ROW
    WHEN ((OLD.kind, OLD.programme_id) IS DISTINCT FROM (NEW.kind, NEW.programme_id))
    EXECUTE FUNCTION figure_mark_every_month();
CREATE TRIGGER funds_figure_mark_update AFTER UPDATE OF name, programme_id ON funds FOR EACH ROW
    WHEN ((OLD.name, OLD.programme_id) IS DISTINCT FROM (NEW.name, NEW.programme_id))
    EXECUTE FUNCTION figure_mark_every_month();
CREATE TRIGGER users_figure_mark_update AFTER UPDATE OF role, organization_id, programme_id ON users FOR EACH ROW
    WHEN ((OLD.role, OLD.organization_id, OLD.programme_id) IS DISTINCT FROM (NEW.role, NEW.organization_id, NEW.programme_id))
    EXECUTE FUNCTION figure_mark_every_month();
CREATE TRIGGER dir_organizations_figure_mark_update AFTER UPDATE OF name ON dir_organizations FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION figure_mark_every_month();

-- Who made a referral (a partner's staff): its month.
CREATE FUNCTION referrals_figure_mark_created_by() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM figure_mark(ARRAY[NEW.programme_id], ARRAY[figure_month(NEW.received_on)]);
    RETURN NULL;
END $$;
CREATE TRIGGER referrals_figure_mark_created_by AFTER UPDATE OF created_by ON referrals FOR EACH ROW
    WHEN (OLD.created_by IS DISTINCT FROM NEW.created_by)
    EXECUTE FUNCTION referrals_figure_mark_created_by();

-- A person moved to another practice, or merged: the months of their
-- group attendance, courses completed, vouchers and partners' answers.
CREATE FUNCTION participants_figure_mark_wider() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[]; ms BIGINT[];
BEGIN
    SELECT array_agg(v.p), array_agg(v.m) INTO ps, ms FROM (
        SELECT g.programme_id AS p, figure_month(gs.held_on) AS m FROM group_attendance a
        JOIN group_sessions gs ON gs.id = a.session_id JOIN community_groups g ON g.id = gs.group_id WHERE a.participant_id = NEW.id
        UNION SELECT g.programme_id, figure_month(gm.completed_on) FROM group_members gm
        JOIN community_groups g ON g.id = gm.group_id WHERE gm.participant_id = NEW.id AND gm.completed_on IS NOT NULL
        UNION SELECT f.programme_id, figure_month(CAST(fm.at AT TIME ZONE 'Europe/London' AS DATE)) FROM fund_movements fm
        JOIN funds f ON f.id = fm.fund_id WHERE fm.participant_id = NEW.id
        UNION SELECT o.programme_id, figure_month(CAST(o.responded_at AT TIME ZONE 'Europe/London' AS DATE)) FROM onward_support o
        WHERE o.participant_id = NEW.id AND o.responded_at IS NOT NULL) v;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, ms); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER participants_figure_mark_wider AFTER UPDATE OF site_id, merged_into ON participants FOR EACH ROW
    WHEN ((OLD.site_id, OLD.merged_into) IS DISTINCT FROM (NEW.site_id, NEW.merged_into))
    EXECUTE FUNCTION participants_figure_mark_wider();
