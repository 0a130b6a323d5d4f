-- The partner's side of the loop (issue 11): a partner organisation's staff
-- are tied to one directory organisation, see the onward referrals sent to
-- its services, and answer them (accept, decline with a reason, record the
-- outcome). A consent to share with a partner may name the directory
-- organisation, which decides how much of the person its staff see.
ALTER TABLE users ADD COLUMN organization_id BIGINT REFERENCES dir_organizations(id);
CREATE INDEX users_organization ON users (organization_id);
ALTER TABLE consents ADD COLUMN organization_id BIGINT REFERENCES dir_organizations(id);
CREATE INDEX consents_organization ON consents (organization_id);
ALTER TABLE onward_support ADD COLUMN partner_reason TEXT;
ALTER TABLE onward_support ADD COLUMN responded_by BIGINT REFERENCES users(id);
ALTER TABLE onward_support ADD COLUMN responded_at TEXT;
CREATE INDEX onward_support_responded ON onward_support (responded_at);
