//! `trellis publish`: checks a framework and stores it as a new published version.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use trellis_model::Framework;
use trellis_store::StoreError;
use trellis_store::prelude::*;
use trellis_store_sql::Database;

use super::database::{DatabaseArgs, StoreTask, redacted, with_store};
use crate::source;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The framework directory (default: ./framework.yaml's directory, else the built-in starter).
    #[arg(long, value_name = "DIR")]
    pub framework: Option<PathBuf>,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

struct Publish(Framework);

impl StoreTask for Publish {
    type Output = trellis_store::FrameworkVersion;
    async fn run(self, store: Database) -> Result<Self::Output> {
        store.migrate().await.context("migration failed")?;
        let fw = self.0;
        let new = trellis_app::bootstrap::framework_version(&fw)?;
        match store
            .publish_framework(new, &trellis_app::bootstrap::system_audit())
            .await
        {
            Ok(v) => Ok(v),
            Err(StoreError::Conflict(_)) => bail!(
                "version {} of framework `{}` is already published; published versions never \
                 change, so raise `version` in framework.yaml and publish again",
                fw.version,
                fw.id
            ),
            Err(e) => Err(e.into()),
        }
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    // Errors are printed like `trellis check` does, and stop the publication.
    let fw = source::valid(args.framework.as_deref())?;
    let (skills, levels) = (
        fw.skills.len(),
        fw.tracks.iter().map(|t| t.levels.len()).sum::<usize>(),
    );
    let version = with_store(&args.db.database_url, Publish(fw))?;
    println!(
        "Published {} {} (version id {}, {skills} skills, {levels} role levels) to {}.",
        version.name,
        version.version,
        version.id,
        redacted(&args.db.database_url)
    );
    Ok(ExitCode::SUCCESS)
}
