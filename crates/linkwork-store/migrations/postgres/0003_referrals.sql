CREATE TABLE referrals (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    site_id BIGINT NOT NULL REFERENCES sites(id),
    participant_id BIGINT REFERENCES participants(id),
    person_name TEXT NOT NULL,
    person_date_of_birth DATE,
    person_chi_number TEXT,
    person_phone TEXT,
    source TEXT NOT NULL,
    referrer TEXT,
    received_on DATE NOT NULL,
    urgency TEXT NOT NULL,
    reasons TEXT NOT NULL,
    details TEXT,
    status TEXT NOT NULL,
    link_worker_id BIGINT REFERENCES users(id),
    decline_reason TEXT,
    closure_reason TEXT,
    closed_on DATE,
    snomed_code TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX referrals_site_status ON referrals (site_id, status);
CREATE INDEX referrals_participant ON referrals (participant_id);
CREATE INDEX referrals_worker_status ON referrals (link_worker_id, status);

CREATE TABLE contact_attempts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    referral_id BIGINT NOT NULL REFERENCES referrals(id),
    at TIMESTAMPTZ NOT NULL,
    method TEXT NOT NULL,
    outcome TEXT NOT NULL,
    note TEXT,
    user_id BIGINT REFERENCES users(id)
);
CREATE INDEX contact_attempts_referral ON contact_attempts (referral_id, at);
