CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    participant_id BIGINT NOT NULL REFERENCES participants(id),
    author_id BIGINT REFERENCES users(id),
    restricted BOOLEAN NOT NULL DEFAULT FALSE,
    body TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX notes_participant ON notes (participant_id, created_at);

CREATE TABLE note_versions (
    id INTEGER PRIMARY KEY,
    note_id BIGINT NOT NULL REFERENCES notes(id),
    body TEXT NOT NULL,
    restricted BOOLEAN NOT NULL,
    edited_by BIGINT REFERENCES users(id),
    replaced_at TEXT NOT NULL
);
CREATE INDEX note_versions_note ON note_versions (note_id);

CREATE TABLE risk_flags (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    participant_id BIGINT NOT NULL REFERENCES participants(id),
    kind TEXT NOT NULL,
    details TEXT,
    review_on TEXT,
    raised_by BIGINT REFERENCES users(id),
    raised_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by BIGINT REFERENCES users(id)
);
CREATE INDEX risk_flags_participant ON risk_flags (participant_id);

CREATE TABLE measures (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    participant_id BIGINT NOT NULL REFERENCES participants(id),
    kind TEXT NOT NULL,
    stage TEXT NOT NULL,
    taken_on TEXT NOT NULL,
    answers TEXT NOT NULL,
    score REAL NOT NULL,
    recorded_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX measures_participant ON measures (participant_id, taken_on);
