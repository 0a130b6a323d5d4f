//! Case work beyond the record page: appointments and the diary, consent,
//! vouchers and funds, handing a case over.

pub mod appointments;
pub mod onward;
pub mod recorded;
pub mod support;
