//! 1:1 check-ins: the caller's series, one series' page with its forms, and an administrator's
//! recorded exception; the same in the JSON API. Who reads and writes what is decided in `trellis_app::check_ins`.

pub mod api;
pub mod pages;
