-- Groups (issue 11): the venue as a directory location, the directory
-- service that lists the group (so other link workers can refer to it),
-- a risk assessment kept as a file in the database, feedback on a course
-- or group as a whole, and the directory organisations it is run with.
ALTER TABLE community_groups ADD COLUMN location_id BIGINT REFERENCES dir_locations(id);
ALTER TABLE community_groups ADD COLUMN service_id BIGINT REFERENCES dir_services(id);
CREATE INDEX community_groups_service ON community_groups (service_id);

CREATE TABLE group_files (
    group_id BIGINT PRIMARY KEY REFERENCES community_groups(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by BIGINT REFERENCES users(id),
    uploaded_at TEXT NOT NULL
);

CREATE TABLE group_feedback (
    id INTEGER PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES community_groups(id),
    given_on TEXT NOT NULL,
    feedback TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX group_feedback_group ON group_feedback (group_id, given_on);

CREATE TABLE group_partners (
    group_id BIGINT NOT NULL REFERENCES community_groups(id),
    organization_id BIGINT NOT NULL REFERENCES dir_organizations(id),
    PRIMARY KEY (group_id, organization_id)
);
CREATE INDEX group_partners_organization ON group_partners (organization_id);
