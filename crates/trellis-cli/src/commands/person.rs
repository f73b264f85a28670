//! `trellis person`: what an operator does for one person's data protection rights.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use trellis_app::privacy::{self, PersonExport};
use trellis_app::use_cases::By;
use trellis_app::{App, Config};
use trellis_store::prelude::*;
use trellis_store_sql::Database;

use super::database::{DatabaseArgs, StoreTask, with_store};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: PersonCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum PersonCommand {
    /// Everything held about a person, to answer their request for it: the account, assessments
    /// and ratings, evidence with its earlier versions, peer input, check-ins with their notes
    /// (shared ones and the person's own private ones), the plan, notifications and the audit
    /// events about them or of their doing. Audited.
    Export {
        email: String,
        /// `json` for machines, `html` for a page to read.
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        /// Write here instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    Json,
    Html,
}

struct Export {
    email: String,
}

impl StoreTask for Export {
    type Output = PersonExport;
    async fn run(self, store: Database) -> Result<PersonExport> {
        store.migrate().await.context("migration failed")?;
        let person = store
            .person_by_email(&self.email.trim().to_lowercase())
            .await?
            .with_context(|| format!("there is no account with the email {}", self.email))?;
        let app = App::new(store, Config::default());
        app.privacy()
            .export(By::Operator, person.id)
            .await
            .map_err(|e| anyhow::anyhow!("cannot export the data of {}: {e}", self.email))
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        PersonCommand::Export {
            email,
            format,
            out,
            db,
        } => {
            let export = with_store(&db.database_url, Export { email })?;
            let text = match format {
                ExportFormat::Json => serde_json::to_string_pretty(&export)? + "\n",
                ExportFormat::Html => privacy::render_html(&export),
            };
            match out {
                Some(path) => {
                    std::fs::write(&path, text)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!(
                        "Wrote the data held about {} to {}.",
                        export.person.email,
                        path.display()
                    );
                }
                None => print!("{text}"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
