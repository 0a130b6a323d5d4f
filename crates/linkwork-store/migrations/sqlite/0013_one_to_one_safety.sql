-- Every outcome recorded for an appointment, oldest first: a corrected
-- outcome keeps the one it replaced.
CREATE TABLE appointment_outcomes (
    id INTEGER PRIMARY KEY,
    appointment_id BIGINT NOT NULL REFERENCES appointments(id),
    status TEXT NOT NULL,
    previous TEXT NOT NULL,
    set_by BIGINT REFERENCES users(id),
    set_at TEXT NOT NULL
);
CREATE INDEX appointment_outcomes_appointment ON appointment_outcomes (appointment_id, id);

-- Whether the person agreed to be referred (NULL: not asked, older referrals).
ALTER TABLE referrals ADD COLUMN person_agreed BOOLEAN;

-- A form posted after its session ended, kept for its writer to send again
-- after signing in (for a day at most).
CREATE TABLE form_drafts (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
