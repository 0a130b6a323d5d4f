-- Services hosted in practices by partners (issue 11): a group of the kind
-- `hosted_service` names the practice that hosts it and the directory
-- organisation that runs it; any group may name its partner organisation.
-- Sessions and attendance are the groups' own.
ALTER TABLE community_groups ADD COLUMN site_id BIGINT REFERENCES sites(id);
ALTER TABLE community_groups ADD COLUMN organization_id BIGINT REFERENCES dir_organizations(id);
CREATE INDEX community_groups_site ON community_groups (site_id);
CREATE INDEX community_groups_organization ON community_groups (organization_id);
