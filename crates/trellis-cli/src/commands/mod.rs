//! One module per subcommand.

pub mod build;
pub mod check;
pub mod diff;
pub mod import;
pub mod init;
pub mod list;
pub mod schema;
pub mod show;
