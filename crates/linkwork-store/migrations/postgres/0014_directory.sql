-- The community asset directory, shaped after Open Referral UK 3.0 / HSDS 3.
-- Every row belongs to one programme; `uuid` is the HSDS identifier (kept
-- across export and import, so a re-import updates instead of duplicating).

-- One row per programme: bumped by every change to its directory, so each
-- app node's search index knows when (and from where) to catch up.
CREATE TABLE dir_state (
    programme_id BIGINT PRIMARY KEY REFERENCES programmes(id),
    version BIGINT NOT NULL
);

CREATE TABLE dir_organizations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    uuid TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    url TEXT,
    email TEXT,
    phone TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (programme_id, uuid)
);

CREATE TABLE dir_locations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    uuid TEXT NOT NULL,
    organization_id BIGINT REFERENCES dir_organizations(id),
    name TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    postcode TEXT,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    -- Accessibility features, as `|`-separated plain words.
    accessibility TEXT NOT NULL DEFAULT '',
    UNIQUE (programme_id, uuid)
);

CREATE TABLE dir_services (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    uuid TEXT NOT NULL,
    organization_id BIGINT NOT NULL REFERENCES dir_organizations(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    url TEXT,
    email TEXT,
    phone TEXT,
    -- active, temporarily_closed, inactive, defunct
    status TEXT NOT NULL,
    closed_reason TEXT,
    closed_until DATE,
    -- local, regional, national
    reach TEXT NOT NULL DEFAULT 'local',
    min_age BIGINT,
    max_age BIGINT,
    free BOOLEAN NOT NULL DEFAULT TRUE,
    cost TEXT,
    languages TEXT NOT NULL DEFAULT '',
    -- How to refer: `|`-separated codes (self, form, phone, email, handover).
    referral_routes TEXT NOT NULL DEFAULT '',
    referral_notes TEXT,
    capacity_note TEXT,
    -- Seen only by programme staff; never exported or served to the public.
    staff_notes TEXT,
    assured_on DATE,
    assured_by TEXT,
    change_seq BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (programme_id, uuid)
);
CREATE INDEX dir_services_change ON dir_services (programme_id, change_seq);
CREATE INDEX dir_services_organization ON dir_services (organization_id);

CREATE TABLE dir_service_locations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    uuid TEXT NOT NULL,
    service_id BIGINT NOT NULL REFERENCES dir_services(id),
    location_id BIGINT NOT NULL REFERENCES dir_locations(id),
    UNIQUE (service_id, location_id),
    UNIQUE (programme_id, uuid)
);
CREATE INDEX dir_service_locations_location ON dir_service_locations (location_id);

-- When a service runs (RFC 5545 style). WEEKLY with
-- (freq_interval 2) fortnightly counted from `dtstart`; MONTHLY takes ordinal days (`1TU`).
-- `valid_from`/`valid_to` bound a season or a term. Times are UK local time.
CREATE TABLE dir_schedules (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_id BIGINT NOT NULL REFERENCES dir_services(id),
    freq TEXT NOT NULL,
    freq_interval BIGINT NOT NULL DEFAULT 1,
    byday TEXT NOT NULL,
    opens_at TEXT,
    closes_at TEXT,
    dtstart DATE,
    valid_from DATE,
    valid_to DATE,
    note TEXT
);
CREATE INDEX dir_schedules_service ON dir_schedules (service_id);

-- Taxonomy terms: `what` (categories), `who` (audiences), seeded from ALISS.
CREATE TABLE dir_terms (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    uuid TEXT NOT NULL,
    taxonomy TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_id BIGINT REFERENCES dir_terms(id),
    UNIQUE (programme_id, taxonomy, code),
    UNIQUE (programme_id, uuid)
);

CREATE TABLE dir_service_terms (
    service_id BIGINT NOT NULL REFERENCES dir_services(id),
    term_id BIGINT NOT NULL REFERENCES dir_terms(id),
    PRIMARY KEY (service_id, term_id)
);

-- The practices (sites) a service serves, when it serves only some.
CREATE TABLE dir_service_sites (
    service_id BIGINT NOT NULL REFERENCES dir_services(id),
    site_id BIGINT NOT NULL REFERENCES sites(id),
    PRIMARY KEY (service_id, site_id)
);

-- Problems reported by anyone signed in; open until someone resolves them.
CREATE TABLE dir_reports (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    service_id BIGINT NOT NULL REFERENCES dir_services(id),
    kind TEXT NOT NULL,
    details TEXT,
    reported_by BIGINT REFERENCES users(id),
    reported_at TIMESTAMPTZ NOT NULL,
    resolved_by BIGINT REFERENCES users(id),
    resolved_at TIMESTAMPTZ,
    resolution TEXT
);
CREATE INDEX dir_reports_open ON dir_reports (programme_id, resolved_at);

-- Every change to a service, kept: who, when, what.
CREATE TABLE dir_history (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_id BIGINT NOT NULL REFERENCES dir_services(id),
    changed_by BIGINT REFERENCES users(id),
    changed_by_name TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX dir_history_service ON dir_history (service_id, id);

-- Link workers' visits to organisations.
CREATE TABLE dir_visits (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    organization_id BIGINT NOT NULL REFERENCES dir_organizations(id),
    visited_on DATE NOT NULL,
    visited_by BIGINT REFERENCES users(id),
    met TEXT,
    pathway TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX dir_visits_organization ON dir_visits (organization_id);

-- Postcode → coordinates (ONS NSPL/ONSPD columns), imported by an
-- administrator; reference data shared by every programme.
CREATE TABLE postcodes (
    postcode TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL
);
CREATE INDEX postcodes_district ON postcodes (district);

-- Onward support points at a directory service when there is one.
ALTER TABLE onward_support ADD COLUMN service_id BIGINT REFERENCES dir_services(id);
CREATE INDEX onward_support_service ON onward_support (service_id);

-- A site (a food bank where link workers are based) can point at its
-- directory organisation.
ALTER TABLE sites ADD COLUMN organization_id BIGINT REFERENCES dir_organizations(id);
