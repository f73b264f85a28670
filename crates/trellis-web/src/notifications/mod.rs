//! The caller's notifications: the inbox page with its email choice, and the same as JSON. Only
//! ever the caller's own; what causes them is decided in `trellis_app::notifications`.

pub mod api;
pub mod pages;
