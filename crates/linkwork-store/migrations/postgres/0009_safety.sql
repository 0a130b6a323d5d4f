CREATE TABLE safety_plans (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    participant_id BIGINT NOT NULL REFERENCES participants(id),
    plan TEXT NOT NULL,
    written_by BIGINT REFERENCES users(id),
    written_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX safety_plans_participant ON safety_plans (participant_id, written_at);

CREATE TABLE safeguarding_actions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    participant_id BIGINT NOT NULL REFERENCES participants(id),
    kind TEXT NOT NULL,
    taken_on DATE NOT NULL,
    agency TEXT NOT NULL,
    note TEXT,
    recorded_by BIGINT REFERENCES users(id),
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX safeguarding_actions_participant ON safeguarding_actions (participant_id);
