-- Groups, courses and events that link workers run or co-run (issue 11):
-- a group, the people registered with it, its sessions, and who attended
-- each (registered people by name, plus a count of others).
CREATE TABLE community_groups (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT,
    venue TEXT,
    in_kind TEXT,
    partners TEXT,
    facilitators TEXT,
    schedule TEXT,
    risk_assessment TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL,
    UNIQUE (programme_id, name)
);

CREATE TABLE group_members (
    group_id BIGINT NOT NULL REFERENCES community_groups(id),
    participant_id BIGINT NOT NULL REFERENCES participants(id),
    joined_on TEXT NOT NULL,
    completed_on TEXT,
    PRIMARY KEY (group_id, participant_id)
);
CREATE INDEX group_members_participant ON group_members (participant_id);

CREATE TABLE group_sessions (
    id INTEGER PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES community_groups(id),
    held_on TEXT NOT NULL,
    others BIGINT NOT NULL DEFAULT 0 CHECK (others >= 0),
    feedback TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX group_sessions_group ON group_sessions (group_id, held_on);
CREATE INDEX group_sessions_held_on ON group_sessions (held_on);

CREATE TABLE group_attendance (
    session_id BIGINT NOT NULL REFERENCES group_sessions(id),
    participant_id BIGINT NOT NULL REFERENCES participants(id),
    PRIMARY KEY (session_id, participant_id)
);
CREATE INDEX group_attendance_participant ON group_attendance (participant_id);
