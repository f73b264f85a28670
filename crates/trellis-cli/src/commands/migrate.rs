//! `trellis migrate`: brings the database's schema up to date (also done by `trellis serve`).

use std::process::ExitCode;

use anyhow::{Context, Result};
use trellis_store::prelude::*;
use trellis_store_sql::Database;

use super::database::{DatabaseArgs, StoreTask, redacted, with_store};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub db: DatabaseArgs,
}

struct Migrate;

impl StoreTask for Migrate {
    type Output = ();
    async fn run(self, store: Database) -> Result<()> {
        store.migrate().await.context("migration failed")
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    with_store(&args.db.database_url, Migrate)?;
    println!("{} is up to date.", redacted(&args.db.database_url));
    Ok(ExitCode::SUCCESS)
}
