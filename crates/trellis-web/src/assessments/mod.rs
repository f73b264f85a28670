//! Assessments: starting one for a person, the self → manager → compare → agreed stages, and
//! asking peers for input on one, as pages and as JSON.

pub mod api;
pub mod pages;
pub(crate) mod view;
