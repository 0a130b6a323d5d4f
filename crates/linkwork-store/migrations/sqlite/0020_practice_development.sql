-- Practice development (issue 11): what link workers do with and for their
-- practices (talks, learning sessions, newsletters, stalls, visits), and each
-- practice's development fund: money allocated to it and spent from it. The
-- balance is kept beside the lines and can never go below zero: the check
-- and the change are one statement.
CREATE TABLE practice_activities (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    site_id BIGINT NOT NULL REFERENCES sites(id),
    kind TEXT NOT NULL,
    held_on TEXT NOT NULL,
    staff TEXT,
    attending BIGINT,
    notes TEXT,
    user_id BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX practice_activities_site ON practice_activities (site_id, held_on);
CREATE INDEX practice_activities_held_on ON practice_activities (held_on);

CREATE TABLE practice_funds (
    site_id BIGINT PRIMARY KEY REFERENCES sites(id),
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    balance_pence BIGINT NOT NULL CHECK (balance_pence >= 0)
);

CREATE TABLE practice_fund_lines (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES practice_funds(site_id),
    -- Positive: an allocation; negative: spending.
    amount_pence BIGINT NOT NULL,
    purpose TEXT NOT NULL,
    on_date TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    at TEXT NOT NULL
);
CREATE INDEX practice_fund_lines_site ON practice_fund_lines (site_id, on_date);
