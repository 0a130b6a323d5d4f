CREATE TABLE needs (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    participant_id BIGINT NOT NULL REFERENCES participants(id),
    need TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX needs_participant ON needs (participant_id);

CREATE TABLE need_updates (
    id INTEGER PRIMARY KEY,
    need_id BIGINT NOT NULL REFERENCES needs(id),
    status TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    at TEXT NOT NULL
);
CREATE INDEX need_updates_need ON need_updates (need_id, at);
