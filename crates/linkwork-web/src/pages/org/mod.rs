//! The organisation of a programme: areas, clusters and sites (with imports).

pub mod areas;
pub mod development;
pub mod sites;
