//! `trellis people import FILE.csv`: people from the HR system (see `trellis_app::people_import`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use trellis_app::people_import::{ImportOptions, ImportPlan};
use trellis_app::use_cases::By;
use trellis_app::{App, AppError, Config};
use trellis_store::prelude::*;
use trellis_store_sql::Database;

use super::database::{DatabaseArgs, StoreTask, with_store};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: PeopleCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum PeopleCommand {
    /// Bring people in line with a CSV file from the HR system, with the columns email, name,
    /// manager_email, team, role_level, start_date (YYYY-MM-DD). People are matched by email;
    /// every change is made in one transaction, or none.
    Import {
        /// The CSV file, its first row naming the columns.
        file: PathBuf,
        /// Show what would change, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Also deactivate active people absent from the file (administrators never are).
        #[arg(long)]
        deactivate_absent: bool,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Apply the organisation's retention period: erase the personal data of everyone deactivated
    /// at least DURATION ago (see `trellis person erase`). For a scheduled job (cron, a systemd
    /// timer); `--dry-run` lists them and changes nothing.
    Retention {
        /// How long after leaving a person's data is kept (d, h, m or s; e.g. 730d).
        #[arg(long, value_name = "DURATION", value_parser = trellis_app::settings::parse_duration)]
        after: std::time::Duration,
        /// Keep the levels of their ratings (without comments) for anonymised aggregates.
        #[arg(long)]
        keep_ratings: bool,
        /// List who is due, and erase nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

struct Retention {
    after: std::time::Duration,
    keep_ratings: bool,
    dry_run: bool,
}

impl StoreTask for Retention {
    type Output = Result<trellis_app::erasure::Retention, AppError>;
    async fn run(self, store: Database) -> Result<Self::Output> {
        store.migrate().await.context("migration failed")?;
        let app = App::new(store, Config::default());
        Ok(app
            .erasures()
            .apply_retention(self.after, self.keep_ratings, self.dry_run)
            .await)
    }
}

fn retention(
    after: std::time::Duration,
    keep_ratings: bool,
    dry_run: bool,
    db: DatabaseArgs,
) -> Result<ExitCode> {
    let task = Retention {
        after,
        keep_ratings,
        dry_run,
    };
    let done = match with_store(&db.database_url, task)? {
        Ok(done) => done,
        Err(e) => {
            eprintln!("retention stopped: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    for (i, person) in done.due.iter().enumerate() {
        // A scheduled job's log keeps no name of someone erased: a dry run is for reviewing.
        if dry_run {
            println!(
                "would erase {} ({}, person {})",
                person.email, person.name, person.id
            );
        } else {
            println!("erased person {}", person.id);
        }
        if let Some(report) = done.erased.get(i) {
            print!("{}", super::person::describe_erasure(report));
        }
    }
    let n = done.due.len();
    if dry_run {
        println!("Dry run: {n} people left long enough ago; nothing was erased.");
    } else {
        println!(
            "Erased the data of {} people who left long enough ago.",
            done.erased.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

struct Import {
    csv: String,
    dry_run: bool,
    options: ImportOptions,
}

impl StoreTask for Import {
    type Output = Result<ImportPlan, AppError>;
    async fn run(self, store: Database) -> Result<Self::Output> {
        store.migrate().await.context("migration failed")?;
        let app = App::new(store, Config::default());
        let imports = app.people_import();
        Ok(if self.dry_run {
            imports.plan(By::Operator, &self.csv, self.options).await
        } else {
            imports.apply(By::Operator, &self.csv, self.options).await
        })
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    let (file, dry_run, deactivate_absent, db) = match args.command {
        PeopleCommand::Import {
            file,
            dry_run,
            deactivate_absent,
            db,
        } => (file, dry_run, deactivate_absent, db),
        PeopleCommand::Retention {
            after,
            keep_ratings,
            dry_run,
            db,
        } => return retention(after, keep_ratings, dry_run, db),
    };
    let csv = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let Ok(csv) = String::from_utf8(csv) else {
        eprintln!(
            "{}: not UTF-8 text: save the file as CSV UTF-8",
            file.display()
        );
        return Ok(ExitCode::FAILURE);
    };
    let options = ImportOptions { deactivate_absent };
    let task = Import {
        csv,
        dry_run,
        options,
    };
    match with_store(&db.database_url, task)? {
        Ok(plan) => {
            print!("{}", describe(&plan, dry_run));
            Ok(ExitCode::SUCCESS)
        }
        Err(AppError::Invalid(problems)) => {
            eprintln!("{}: nothing was imported:", file.display());
            for p in problems {
                eprintln!("  {}", p.message);
            }
            Ok(ExitCode::FAILURE)
        }
        Err(e) => {
            eprintln!("{}: nothing was imported: {e}", file.display());
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The plan as lines for people: each new and changed person with what changes, each deactivated.
fn describe(plan: &ImportPlan, dry_run: bool) -> String {
    let mut out = String::new();
    for p in &plan.created {
        out.push_str(&format!(
            "new      {} ({}), row {}\n",
            p.email, p.name, p.row
        ));
    }
    for p in &plan.changed {
        out.push_str(&format!(
            "changed  {}, row {}: {}\n",
            p.email,
            p.row,
            p.changes.join("; ")
        ));
    }
    for p in &plan.deactivated {
        out.push_str(&format!("deactivated {} ({})\n", p.email, p.name));
    }
    let counts = format!(
        "{} new, {} changed, {} deactivated ({} unchanged; {} absent from the file and kept)",
        plan.created.len(),
        plan.changed.len(),
        plan.deactivated.len(),
        plan.unchanged,
        plan.kept.len(),
    );
    if dry_run {
        out.push_str(&format!(
            "Would change: {counts}.\nDry run: nothing was changed.\n"
        ));
    } else if plan.is_empty() {
        out.push_str(&format!(
            "Nothing to change: the people already match the file ({counts}).\n"
        ));
    } else {
        out.push_str(&format!("Imported: {counts}.\n"));
    }
    out
}
