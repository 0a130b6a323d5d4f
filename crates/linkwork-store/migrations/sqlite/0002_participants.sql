CREATE TABLE participants (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id),
    site_id BIGINT NOT NULL REFERENCES sites(id),
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    preferred_name TEXT,
    date_of_birth TEXT NOT NULL,
    chi_number TEXT,
    nhs_number TEXT,
    sex TEXT,
    phone TEXT,
    email TEXT,
    address TEXT,
    postcode TEXT,
    preferred_contact TEXT,
    contact_times TEXT,
    language TEXT,
    interpreter_needed BOOLEAN NOT NULL DEFAULT FALSE,
    accessibility_needs TEXT,
    emergency_contact TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX participants_site ON participants (site_id);
CREATE INDEX participants_chi ON participants (programme_id, chi_number);
CREATE INDEX participants_nhs ON participants (programme_id, nhs_number);
CREATE INDEX participants_name_dob ON participants (programme_id, date_of_birth, family_name);
