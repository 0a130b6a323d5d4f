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
