-- Reasons for referral become rows that reports can count: one row per
-- referral and reason. Existing referrals' comma-separated reasons are carried
-- across. (The old `referrals.reasons` column is still written, for app nodes
-- of the previous version during an upgrade; a later contract step drops it.)
CREATE TABLE referral_reasons (
    referral_id BIGINT NOT NULL REFERENCES referrals(id),
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    reason TEXT NOT NULL,
    PRIMARY KEY (referral_id, reason)
);
CREATE INDEX referral_reasons_reason ON referral_reasons (programme_id, reason);

INSERT INTO referral_reasons (referral_id, programme_id, reason)
SELECT r.id, r.programme_id, trim(x.reason)
FROM referrals r CROSS JOIN LATERAL unnest(string_to_array(r.reasons, ',')) AS x(reason)
WHERE trim(x.reason) <> ''
ON CONFLICT DO NOTHING;
