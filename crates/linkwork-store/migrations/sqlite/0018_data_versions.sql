-- Each programme's data version: one more for every change committed (the
-- gate takes it in the change's own transaction). A node that keeps
-- figures counted at one version in its memory knows, by reading this in
-- the snapshot it would count from, whether they still hold - whichever
-- node made the change.
CREATE TABLE data_versions (
    programme_id BIGINT PRIMARY KEY REFERENCES programmes(id),
    version BIGINT NOT NULL
);
