-- A referral's first attended appointment (on every referral read: the
-- referral page, the record page, booking) found by one seek, however many
-- appointments the referral has: the index on (referral_id, starts_at)
-- alone made it read every appointment of the referral.
CREATE INDEX appointments_referral_status ON appointments (referral_id, status, starts_at);
