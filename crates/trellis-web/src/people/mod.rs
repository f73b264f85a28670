//! People: the directory, a person's page (readiness, radar, history, assessments and evidence)
//! and the people API, limited to whom the caller may see.

pub mod api;
pub mod assignment;
pub mod directory;
pub mod person;
