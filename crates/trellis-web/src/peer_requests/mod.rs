//! Peer input: the requests addressed to the caller and answering one, as pages and as JSON.
//! Requests are made from an assessment (`crate::assessments`).

pub mod api;
pub mod pages;
