-- Long work started from a page (a directory import): its progress and its
-- result, kept in the database so that any app node can show them to the
-- person who started it (behind a load balancer, the next page may be
-- served by another node).
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    done BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL DEFAULT 0,
    result TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX jobs_user ON jobs (user_id, created_at);
