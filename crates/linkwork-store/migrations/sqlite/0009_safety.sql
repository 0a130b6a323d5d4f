CREATE TABLE safety_plans (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    participant_id BIGINT NOT NULL REFERENCES participants(id),
    plan TEXT NOT NULL,
    written_by BIGINT REFERENCES users(id),
    written_at TEXT NOT NULL
);
CREATE INDEX safety_plans_participant ON safety_plans (participant_id, written_at);

CREATE TABLE safeguarding_actions (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    participant_id BIGINT NOT NULL REFERENCES participants(id),
    kind TEXT NOT NULL,
    taken_on TEXT NOT NULL,
    agency TEXT NOT NULL,
    note TEXT,
    recorded_by BIGINT REFERENCES users(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX safeguarding_actions_participant ON safeguarding_actions (participant_id);
