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

INSERT OR IGNORE INTO referral_reasons (referral_id, programme_id, reason)
WITH RECURSIVE split(referral_id, programme_id, reason, rest) AS (
    SELECT id, programme_id, '', reasons || ',' FROM referrals
    UNION ALL
    SELECT referral_id, programme_id, trim(substr(rest, 1, instr(rest, ',') - 1)),
           substr(rest, instr(rest, ',') + 1)
    FROM split WHERE rest <> ''
)
SELECT referral_id, programme_id, reason FROM split WHERE reason <> '';
