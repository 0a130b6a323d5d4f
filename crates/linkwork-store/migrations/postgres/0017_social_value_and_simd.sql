-- The social value estimate's settings (one row a programme; absent: the
-- defaults) and the programme's costs, entered by administrators.
CREATE TABLE value_settings (
    programme_id BIGINT PRIMARY KEY REFERENCES programmes(id),
    wellby_value DOUBLE PRECISION NOT NULL,
    price_year INTEGER NOT NULL,
    low_value DOUBLE PRECISION NOT NULL,
    high_value DOUBLE PRECISION NOT NULL,
    uplift DOUBLE PRECISION NOT NULL,
    deadweight DOUBLE PRECISION NOT NULL,
    duration_years DOUBLE PRECISION NOT NULL,
    updated_by BIGINT,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE programme_costs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    first_day DATE NOT NULL,
    last_day DATE NOT NULL,
    amount_pence BIGINT NOT NULL,
    note TEXT NOT NULL,
    created_by BIGINT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX programme_costs_days ON programme_costs (programme_id, first_day);

-- Where a postcode lies: its 2011 data zone (from the same NSPL/ONSPD file
-- as its coordinates), and each data zone's SIMD rank, decile and quintile.
ALTER TABLE postcodes ADD COLUMN datazone TEXT;
CREATE TABLE simd_datazones (
    datazone TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    council TEXT NOT NULL,
    simd_rank INTEGER NOT NULL,
    decile INTEGER NOT NULL,
    quintile INTEGER NOT NULL
);

-- The figures read each kind of event by its date: indexes for those ranges.
CREATE INDEX referrals_received_on ON referrals (received_on);
CREATE INDEX appointments_starts_at ON appointments (starts_at);
CREATE INDEX needs_created_at ON needs (created_at);
CREATE INDEX onward_support_created_at ON onward_support (created_at);
CREATE INDEX goal_reviews_reviewed_at ON goal_reviews (reviewed_at);
CREATE INDEX measures_taken_on ON measures (taken_on);
