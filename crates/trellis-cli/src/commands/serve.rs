//! `trellis serve`: the web app. With no configuration at all it opens `trellis.db`, migrates it,
//! publishes the starter framework if nothing is published, and creates a first administrator with
//! a generated password printed once.

use std::process::ExitCode;

use anyhow::{Context, Result};
use trellis_app::mail::{MailSettings, Mailer};
use trellis_app::{Config, bootstrap, demo, secrets as auth};
use trellis_store::prelude::*;
use trellis_store_sql::Database;
use trellis_web::AppState;

use super::database::{DatabaseArgs, StoreTask, redacted, with_store};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(
        long,
        env = "TRELLIS_ADDR",
        default_value = "127.0.0.1:8080",
        value_name = "ADDR"
    )]
    pub addr: String,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Also load a demo organisation (40 people in five teams) to explore Trellis with.
    #[arg(long)]
    pub demo: bool,
    /// The email of the first administrator, created when there is none.
    #[arg(
        long,
        env = "TRELLIS_ADMIN_EMAIL",
        default_value = "admin@localhost",
        value_name = "EMAIL"
    )]
    pub admin_email: String,
    /// Show text from framework sources that may not be redistributed: only if your organisation
    /// holds their licence.
    #[arg(long, env = "TRELLIS_LICENSED")]
    pub licensed: bool,
    /// Email notifications through this SMTP server: `smtps://user:pass@host:465`, or
    /// `smtp://user:pass@host:587?tls=required` for STARTTLS. Without it, notifications are shown
    /// in the app only.
    #[arg(long, env = "TRELLIS_SMTP_URL", value_name = "URL")]
    pub smtp_url: Option<String>,
    /// The sender of notification emails.
    #[arg(
        long,
        env = "TRELLIS_MAIL_FROM",
        default_value = "Trellis <trellis@localhost>",
        value_name = "ADDRESS"
    )]
    pub mail_from: String,
    /// The address people open Trellis at, for the links in emails (default: the address served).
    #[arg(long, env = "TRELLIS_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
}

/// How often the mailer looks for notifications to email.
const MAIL_EVERY: std::time::Duration = std::time::Duration::from_secs(10);
/// How often check-ins and plan steps due tomorrow are looked for.
const REMIND_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

struct Serve(Args);

impl StoreTask for Serve {
    type Output = ();
    async fn run(self, store: Database) -> Result<()> {
        let args = self.0;
        store
            .migrate()
            .await
            .context("cannot migrate the database")?;
        if let Some(v) = bootstrap::publish_starter_if_empty(&store).await? {
            println!("Published the starter framework: {} {}.", v.name, v.version);
        }
        let listener = tokio::net::TcpListener::bind(&args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let url = format!("http://{}", listener.local_addr()?);

        if let Some(admin) = bootstrap::ensure_admin(&store, &args.admin_email).await? {
            println!();
            println!(
                "First sign-in (this password is shown only now; change it after signing in):"
            );
            println!("  URL:      {url}/sign-in");
            println!("  Email:    {}", admin.email);
            println!("  Password: {}", admin.password);
            println!();
        }
        if args.demo {
            load_demo(&store).await?;
        }

        let config = Config {
            licensed: args.licensed,
            ..Config::default()
        };
        let state = AppState::new(store, config);
        // The day-before reminders (check-ins, plan steps) go to the inbox whether or not email is
        // set up.
        trellis_app::reminders::spawn(state.app().clone(), REMIND_EVERY);
        if let Some(smtp_url) = args.smtp_url.filter(|u| !u.trim().is_empty()) {
            let settings = MailSettings {
                smtp_url,
                from: args.mail_from,
                base_url: args.public_url.unwrap_or_else(|| url.clone()),
            };
            let mailer = Mailer::new(&settings).map_err(|e| anyhow::anyhow!("email: {e}"))?;
            mailer.spawn(state.app().clone(), MAIL_EVERY);
            println!("Notifications are emailed from {}.", settings.from);
        }
        println!(
            "Trellis is running at {url}/ on {} (Ctrl-C to stop).",
            redacted(&args.db.database_url)
        );
        trellis_web::serve(listener, state, trellis_web::shutdown_signal())
            .await
            .context("the server stopped with an error")?;
        println!("Stopped.");
        Ok(())
    }
}

/// Loads the demo organisation. The demo accounts share one password, printed here, which is for
/// trying Trellis out only.
async fn load_demo(store: &Database) -> Result<()> {
    let password = std::env::var("TRELLIS_DEMO_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(auth::generate_password);
    let pw = password.clone();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&pw)).await??;
    let report = demo::load(store, &hash).await?;
    if report.created == 0 {
        println!(
            "The demo organisation is already loaded ({} people); its accounts keep the password \
             printed when it was loaded.",
            report.existing
        );
        return Ok(());
    }
    println!(
        "Loaded the demo organisation: {} people in five teams, with {} assessments and {} series \
         of 1:1 check-ins.",
        report.created, report.assessments, report.check_ins
    );
    println!("DEMO ONLY: every demo account has the password {password}");
    println!("(Never use demo accounts with real data.) Try signing in as:");
    for (email, what) in demo::suggested_accounts() {
        println!("  {email:<28} {what}");
    }
    println!();
    Ok(())
}

pub fn run(args: Args) -> Result<ExitCode> {
    let url = args.db.database_url.clone();
    with_store(&url, Serve(args))?;
    Ok(ExitCode::SUCCESS)
}
