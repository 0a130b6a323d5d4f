-- Every change of a referral's status, kept so that figures for a past
-- period (reopened cases, say) do not depend on where the referral stands
-- today. Earlier changes are taken from the audit trail, which recorded
-- each one as "from → to".
CREATE TABLE referral_status_changes (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    referral_id BIGINT NOT NULL REFERENCES referrals(id),
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX referral_status_changes_at ON referral_status_changes (programme_id, at);
CREATE INDEX referral_status_changes_referral ON referral_status_changes (referral_id);

INSERT INTO referral_status_changes (programme_id, referral_id, from_status, to_status, at)
SELECT r.programme_id, r.id, substr(a.detail, 1, instr(a.detail, ' → ') - 1),
       substr(a.detail, instr(a.detail, ' → ') + length(' → ')), a.at
FROM audit_events a JOIN referrals r ON CAST(r.id AS TEXT) = a.object_id
WHERE a.object_type = 'referral' AND a.outcome = 'success' AND a.action LIKE 'referral.%' AND a.detail LIKE '% → %'
ORDER BY a.id;
