//! The web server's tests, in-process through the router (`tower::ServiceExt::oneshot`) on a fresh
//! database per test: SQLite always, PostgreSQL too when `TRELLIS_TEST_POSTGRES_URL` is set.

mod support;

mod access;
mod api;
mod calibration;
mod check_ins;
mod control_characters;
mod cycle_results;
mod cycles;
mod cycles_api;
mod framework_upload;
mod growth;
mod hiring;
mod notifications;
mod operations;
mod organisation;
mod pages;
mod paging;
mod password_reset;
mod people_import;
mod plans;
mod privacy;
mod promotions;
mod races;
mod server;
mod sign_in;
mod sso;
mod team_planning;
