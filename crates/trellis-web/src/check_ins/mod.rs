//! 1:1 check-ins: the caller's series, one series' page with its forms, and an administrator's
//! recorded exception. Who reads and writes what is decided in `trellis_app::check_ins`.

pub mod pages;
