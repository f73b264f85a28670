//! `trellis`: the command line for framework authors.
#![forbid(unsafe_code)]

mod commands;
mod source;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Trellis: career frameworks as code. Check, explore, compare and publish role profiles.
///
/// Without --framework, commands use ./framework.yaml when there is one, else the built-in starter
/// framework.
#[derive(Debug, Parser)]
#[command(name = "trellis", version, about, long_about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How log lines are written to standard error: `text` for people, `json` for log collectors.
    /// Which lines: `RUST_LOG` (default `info`; e.g. `RUST_LOG=trellis_web=debug`).
    #[arg(long, global = true, value_enum, env = "TRELLIS_LOG_FORMAT", default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// Logs go to standard error, so that they never mix with a command's output.
fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // Colours only for a person at a terminal, not in a file or a log collector.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate a framework like a compiler: errors exit 1, warnings exit 0.
    Check {
        #[arg(long, value_name = "DIR")]
        framework: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Explain a diagnostic code (e.g. T0401) instead of checking.
        #[arg(long, value_name = "CODE")]
        explain: Option<String>,
    },
    /// List tracks and their role levels.
    List {
        #[arg(long, value_name = "DIR")]
        framework: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Show the effective profile of a role level: its own requirements and what it inherits.
    Show(RoleLevelDoc),
    /// The hiring kit of a role level: job advert, interview plan and questions by dimension.
    HiringKit(RoleLevelDoc),
    /// What changes from role level A to role level B: the "what do I need for the next level" answer.
    Diff {
        from: String,
        to: String,
        #[arg(long, value_name = "DIR")]
        framework: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = DiffFormat::Md)]
        format: DiffFormat,
        /// Include text from sources that may not be redistributed (you hold their licence).
        #[arg(long)]
        licensed: bool,
    },
    /// Build a static website of the framework: role profiles, comparisons and a skills catalogue.
    Build {
        #[arg(long, value_name = "DIR")]
        framework: Option<PathBuf>,
        /// Where to write the site.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Publish text from sources that may not be redistributed (you hold their licence).
        #[arg(long)]
        licensed: bool,
    },
    /// Import a framework from SFIA, DDaT, Monzo or role-profile documents into framework files.
    Import {
        /// The input format, or `auto` to detect it.
        #[arg(value_enum, value_name = "FORMAT")]
        source_format: ImportFormat,
        /// Input files (a directory stands for the files in it).
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// Directory to write the framework into (must not exist or be empty).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Name of the imported framework.
        #[arg(long)]
        name: Option<String>,
        /// DDaT: the seniority order of role levels, one title per line, most junior first.
        #[arg(long, value_name = "FILE")]
        level_order: Option<PathBuf>,
        /// How to print the import report.
        #[arg(long = "format", value_name = "REPORT", value_enum, default_value_t = CheckFormat::Text)]
        report_format: CheckFormat,
    },
    /// Print the JSON Schema of a kind of framework file, for editor validation.
    Schema {
        #[arg(value_enum, default_value_t = SchemaKind::Framework)]
        kind: SchemaKind,
    },
    /// Write the starter framework into a directory to adapt it.
    Init {
        /// Directory to create (must not exist or be empty).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Run the web app: SQLite by default (`trellis.db`), PostgreSQL for postgres:// URLs.
    // Boxed: its many settings would make every other command as large.
    Serve(Box<commands::serve::Args>),
    /// Bring the database schema up to date (`trellis serve` does this too).
    Migrate(commands::migrate::Args),
    /// Copy a SQLite database into a new file while the server runs (a consistent snapshot,
    /// checked); for PostgreSQL, says how to use pg_dump.
    Backup(commands::backup::BackupArgs),
    /// Restore a backup into an empty SQLite database (checked and migrated), or with --check,
    /// check a database in place (after pg_restore).
    Restore(commands::backup::RestoreArgs),
    /// Check a framework and store it in the database as a new published version.
    Publish(commands::publish::Args),
    /// Manage accounts.
    User(commands::user::Args),
    /// People from the HR system: `people import FILE.csv [--dry-run]`.
    People(commands::people::Args),
    /// Manage API tokens.
    Token(commands::token::Args),
    /// A person's data: `export` everything held about them (JSON or HTML).
    Person(commands::person::Args),
    /// Generate a large synthetic organisation with assessments and evidence, for load tests.
    Demo(commands::demo::Args),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

/// A document about one role level, and how to print it.
#[derive(Debug, clap::Args)]
struct RoleLevelDoc {
    /// Role-level id, e.g. `product/senior-product-manager` (the slug alone works when unique).
    role_level: String,
    #[arg(long, value_name = "DIR")]
    framework: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = DocFormat::Md)]
    format: DocFormat,
    /// Include text from sources that may not be redistributed (you hold their licence).
    #[arg(long)]
    licensed: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DocFormat {
    Md,
    Html,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DiffFormat {
    Md,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ImportFormat {
    Auto,
    Sfia,
    Ddat,
    Monzo,
    SfiaPages,
    Madetech,
    DdatText,
    Blueprint,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SchemaKind {
    Framework,
    Skills,
    Track,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    let result = match cli.command {
        Command::Check {
            framework,
            format,
            explain,
        } => match explain {
            Some(code) => commands::check::explain(&code),
            None => commands::check::run(framework.as_deref(), matches!(format, CheckFormat::Json)),
        },
        Command::List { framework, format } => {
            commands::list::run(framework.as_deref(), matches!(format, ListFormat::Json))
        }
        Command::Show(doc) => commands::show::run(&doc),
        Command::HiringKit(doc) => commands::hiring_kit::run(&doc),
        Command::Diff {
            from,
            to,
            framework,
            format,
            licensed,
        } => commands::diff::run(
            framework.as_deref(),
            &from,
            &to,
            matches!(format, DiffFormat::Json),
            licensed,
        ),
        Command::Build {
            framework,
            out,
            licensed,
        } => commands::build::run(framework.as_deref(), &out, licensed),
        Command::Import {
            source_format,
            inputs,
            out,
            name,
            level_order,
            report_format,
        } => {
            let format = match source_format {
                ImportFormat::Auto => None,
                other => trellis_formats::import::Format::parse(
                    other
                        .to_possible_value()
                        .map(|v| v.get_name().to_owned())
                        .unwrap_or_default()
                        .as_str(),
                ),
            };
            commands::import::run(commands::import::Args {
                format,
                inputs: &inputs,
                out: &out,
                name,
                level_order: level_order.as_deref(),
                json: matches!(report_format, CheckFormat::Json),
            })
        }
        Command::Schema { kind } => commands::schema::run(kind),
        Command::Init { dir } => commands::init::run(&dir),
        Command::Serve(args) => commands::serve::run(*args),
        Command::Migrate(args) => commands::migrate::run(args),
        Command::Backup(args) => commands::backup::backup(args),
        Command::Restore(args) => commands::backup::restore(args),
        Command::Publish(args) => commands::publish::run(args),
        Command::User(args) => commands::user::run(args),
        Command::People(args) => commands::people::run(args),
        Command::Token(args) => commands::token::run(args),
        Command::Person(args) => commands::person::run(args),
        Command::Demo(args) => commands::demo::run(args),
    };
    match result {
        Ok(code) => code,
        // A reader that stops early (`trellis show … | head`) is not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
