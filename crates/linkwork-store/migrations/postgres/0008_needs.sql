CREATE TABLE needs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    participant_id BIGINT NOT NULL REFERENCES participants(id),
    need TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX needs_participant ON needs (participant_id);

CREATE TABLE need_updates (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    need_id BIGINT NOT NULL REFERENCES needs(id),
    status TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX need_updates_need ON need_updates (need_id, at);
