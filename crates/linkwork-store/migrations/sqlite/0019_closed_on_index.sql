-- Cases closed in a period (the figures' closures, the month-by-month
-- chart) are found by the day they closed.
CREATE INDEX referrals_closed_on ON referrals (closed_on);
