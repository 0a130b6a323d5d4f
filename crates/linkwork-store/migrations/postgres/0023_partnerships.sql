-- Partnerships (issue 11): the programme's agreements with directory
-- organisations, and voucher funds a partner funds (matched by the
-- funder's name when the fund is set up).
CREATE TABLE partnerships (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    organization_id BIGINT NOT NULL REFERENCES dir_organizations(id),
    what TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE,
    funding TEXT NOT NULL,
    amount_pence BIGINT,
    notes TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX partnerships_organization ON partnerships (organization_id, starts_on);
ALTER TABLE funds ADD COLUMN organization_id BIGINT REFERENCES dir_organizations(id);
CREATE INDEX funds_organization ON funds (organization_id);
