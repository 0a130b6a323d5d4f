CREATE TABLE consents (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    participant_id BIGINT NOT NULL REFERENCES participants(id),
    kind TEXT NOT NULL,
    partner TEXT,
    recorded_by BIGINT REFERENCES users(id),
    recorded_at TIMESTAMPTZ NOT NULL,
    withdrawn_by BIGINT REFERENCES users(id),
    withdrawn_at TIMESTAMPTZ
);
CREATE INDEX consents_participant ON consents (participant_id);

CREATE TABLE funds (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    name TEXT NOT NULL,
    funder TEXT,
    kind TEXT NOT NULL,
    balance_pence BIGINT NOT NULL CHECK (balance_pence >= 0),
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (programme_id, name)
);

CREATE TABLE fund_movements (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fund_id BIGINT NOT NULL REFERENCES funds(id),
    participant_id BIGINT REFERENCES participants(id),
    amount_pence BIGINT NOT NULL,
    note TEXT,
    user_id BIGINT REFERENCES users(id),
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX fund_movements_fund ON fund_movements (fund_id, at);
CREATE INDEX fund_movements_participant ON fund_movements (participant_id);

CREATE TABLE handovers (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    referral_id BIGINT NOT NULL REFERENCES referrals(id),
    from_site_id BIGINT NOT NULL REFERENCES sites(id),
    to_site_id BIGINT NOT NULL REFERENCES sites(id),
    from_worker_id BIGINT REFERENCES users(id),
    to_worker_id BIGINT NOT NULL REFERENCES users(id),
    summary TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    acknowledged_at TIMESTAMPTZ
);
CREATE INDEX handovers_to_worker ON handovers (to_worker_id, acknowledged_at);
CREATE INDEX handovers_referral ON handovers (referral_id);
