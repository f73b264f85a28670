//! One module per subcommand.

pub mod backup;
pub mod build;
pub mod check;
pub mod database;
pub mod demo;
pub mod diff;
pub mod hiring_kit;
pub mod import;
pub mod init;
pub mod list;
pub mod migrate;
pub mod people;
pub mod person;
pub mod publish;
pub mod schema;
pub mod serve;
pub mod show;
pub mod token;
pub mod user;
