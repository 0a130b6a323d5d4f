//! Open Referral UK import and export.
