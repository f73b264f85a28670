//! `trellis person`: what an operator does for one person's data protection rights.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use trellis_app::privacy::{self, PersonExport};
use trellis_app::use_cases::By;
use trellis_app::{App, Config};
use trellis_store_sql::Database;

use super::database::{DatabaseArgs, StoreTask, migrated_account, with_store};

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
    /// Erase the personal data of someone who has left (deactivate them first): their evidence,
    /// plan, check-ins, inbox, tokens and the assessments about them are removed, their account is
    /// kept as "Erased person" so that what others wrote keeps an author. Cannot be undone;
    /// audited as `person.erase` with counts only.
    Erase {
        email: String,
        /// Keep the levels of the ratings about them (every comment removed), with their team and
        /// role level, for anonymised aggregates; without it, their assessments go too.
        #[arg(long)]
        keep_ratings: bool,
        /// Confirm: erasure cannot be undone.
        #[arg(long)]
        yes: bool,
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
        let person = migrated_account(&store, &self.email).await?;
        let app = App::new(store, Config::default());
        app.privacy()
            .export(By::Operator, person.id)
            .await
            .map_err(|e| anyhow::anyhow!("cannot export the data of {}: {e}", self.email))
    }
}

struct Erase {
    email: String,
    keep_ratings: bool,
}

impl StoreTask for Erase {
    type Output = trellis_store::ErasureReport;
    async fn run(self, store: Database) -> Result<Self::Output> {
        let person = migrated_account(&store, &self.email).await?;
        let app = App::new(store, Config::default());
        app.erasures()
            .erase(By::Operator, person.id, self.keep_ratings)
            .await
            .map_err(|e| anyhow::anyhow!("cannot erase the data of {}: {e}", self.email))
    }
}

/// An erasure's counts as one line each.
pub(crate) fn describe_erasure(report: &trellis_store::ErasureReport) -> String {
    let mut out = String::new();
    for (what, n) in &report.removed {
        out.push_str(&format!("  {what}: {n} removed\n"));
    }
    if report.kept_ratings {
        out.push_str("  ratings: kept for aggregates, without comments\n");
    }
    out
}

pub fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        PersonCommand::Erase {
            email,
            keep_ratings,
            yes,
            db,
        } => {
            if !yes {
                eprintln!(
                    "Erasing {email}'s data cannot be undone: run again with --yes to confirm \
                     (and --keep-ratings to keep their ratings for anonymised aggregates)."
                );
                return Ok(ExitCode::FAILURE);
            }
            let report = with_store(
                &db.database_url,
                Erase {
                    email: email.clone(),
                    keep_ratings,
                },
            )?;
            println!(
                "Erased the personal data of {email} (now person {}, \"Erased person\"):",
                report.person_id
            );
            print!("{}", describe_erasure(&report));
        }
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
