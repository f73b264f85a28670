//! Evidence of a person's skills: listing it and adding a piece, as pages and as JSON.

pub mod api;
pub mod pages;
