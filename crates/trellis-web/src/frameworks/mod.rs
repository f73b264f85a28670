//! The framework: the browser pages (tracks and levels, effective role profiles, comparisons, the
//! skills catalogue) and the framework API, for the current version or any published one.

pub mod api;
pub mod pages;
