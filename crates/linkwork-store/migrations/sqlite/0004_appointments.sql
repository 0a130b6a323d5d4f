CREATE TABLE appointments (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    referral_id BIGINT NOT NULL REFERENCES referrals(id),
    site_id BIGINT NOT NULL REFERENCES sites(id),
    link_worker_id BIGINT REFERENCES users(id),
    starts_at TEXT NOT NULL,
    duration_minutes BIGINT NOT NULL,
    mode TEXT NOT NULL,
    status TEXT NOT NULL,
    notes TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX appointments_worker_start ON appointments (link_worker_id, starts_at);
CREATE INDEX appointments_referral ON appointments (referral_id, starts_at);

CREATE TABLE calendar_feeds (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
