-- The reasons for referral (and needs) become each programme's own list:
-- managers add, rename and retire them; codes never change, so history keeps
-- its meaning. Existing programmes get the seed list.
CREATE TABLE reasons (
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    position BIGINT NOT NULL,
    retired_at TIMESTAMPTZ,
    PRIMARY KEY (programme_id, code),
    UNIQUE (programme_id, label)
);
INSERT INTO reasons (programme_id, code, label, position)
SELECT p.id, v.column1, v.column2, v.column3 FROM programmes p CROSS JOIN (VALUES
    ('mental_health', 'Mental health', 1),
    ('loneliness', 'Loneliness or isolation', 2),
    ('housing', 'Housing', 3),
    ('money', 'Money, debt or benefits', 4),
    ('food', 'Food', 5),
    ('fuel', 'Fuel or energy', 6),
    ('bereavement', 'Bereavement', 7),
    ('addiction', 'Addiction', 8),
    ('abuse', 'Abuse or violence', 9),
    ('caring', 'Caring', 10),
    ('employment', 'Employment or learning', 11),
    ('physical_activity', 'Physical activity', 12),
    ('long_term_condition', 'Long-term condition', 13),
    ('immigration', 'Immigration or asylum', 14),
    ('legal', 'Legal', 15),
    ('family', 'Family or parenting', 16),
    ('other', 'Other', 17)
) AS v;

-- Two records of one person can be merged: the duplicate stays, marked as
-- merged into the other, and everything recorded against it moves across.
ALTER TABLE participants ADD COLUMN merged_into BIGINT REFERENCES participants(id);
ALTER TABLE participants ADD COLUMN merged_at TIMESTAMPTZ;
