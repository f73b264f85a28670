//! `trellis serve`: the web app. With no configuration at all it opens `trellis.db`, migrates it,
//! publishes the starter framework if nothing is published, and creates a first administrator with
//! a generated password printed once.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use trellis_app::mail::{MailSettings, Mailer};
use trellis_app::settings::{IpRange, parse_duration, parse_size};
use trellis_app::{Config, bootstrap, demo, secrets as auth};
use trellis_store_sql::Database;
use trellis_web::AppState;

use super::database::{DatabaseArgs, StoreTask, migrate_with_starter, redacted, with_store_sized};

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
    /// How long a password reset link sent by email works (s, m, h or d). Without --smtp-url no
    /// link is sent: an administrator sets forgotten passwords.
    #[arg(long, env = "TRELLIS_PASSWORD_RESET_EXPIRY", value_name = "DURATION", default_value = "1h", value_parser = parse_duration)]
    pub password_reset_expiry: Duration,
    #[command(flatten)]
    pub sso: SsoArgs,
    #[command(flatten)]
    pub ops: OpsArgs,
}

/// Single sign-on through the organisation's OpenID Connect provider.
#[derive(Debug, clap::Args)]
pub struct SsoArgs {
    /// Offer sign-in through this OpenID Connect provider (its issuer URL, e.g.
    /// https://login.example.org/realms/staff). Register Trellis with it as a web client whose
    /// redirect URL is PUBLIC_URL/sign-in/sso/callback. People are matched to accounts by the
    /// email the provider has verified.
    #[arg(
        long,
        env = "TRELLIS_OIDC_ISSUER",
        value_name = "URL",
        requires = "oidc_client_id"
    )]
    pub oidc_issuer: Option<String>,
    /// The client id Trellis has at the provider.
    #[arg(
        long,
        env = "TRELLIS_OIDC_CLIENT_ID",
        value_name = "ID",
        requires = "oidc_issuer"
    )]
    pub oidc_client_id: Option<String>,
    /// The client secret Trellis has at the provider (none for a public client).
    #[arg(
        long,
        env = "TRELLIS_OIDC_CLIENT_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub oidc_client_secret: Option<String>,
    /// Email domains whose people get an account (as members) the first time they sign in
    /// through the provider, comma-separated: example.org,example.com. Without it, only people
    /// with an account may sign in.
    #[arg(
        long,
        env = "TRELLIS_OIDC_CREATE_ACCOUNTS",
        value_name = "DOMAINS",
        value_delimiter = ','
    )]
    pub oidc_create_accounts: Vec<String>,
    /// How the sign-in page names the provider: "Sign in with LABEL".
    #[arg(
        long,
        env = "TRELLIS_OIDC_LABEL",
        value_name = "LABEL",
        default_value = "your organisation's account"
    )]
    pub oidc_label: String,
    /// Whether people may also sign in with a Trellis password. `false` needs --oidc-issuer: the
    /// provider alone then decides who signs in.
    #[arg(
        long,
        env = "TRELLIS_PASSWORD_SIGN_IN",
        value_name = "BOOL",
        default_value_t = true,
        action = clap::ArgAction::Set
    )]
    pub password_sign_in: bool,
}

impl SsoArgs {
    /// The settings, for a server whose public address is `base_url`.
    fn settings(&self, base_url: &str) -> Result<Option<trellis_app::sso::SsoSettings>> {
        let issuer = self
            .oidc_issuer
            .as_deref()
            .map(str::trim)
            .filter(|i| !i.is_empty());
        let Some(issuer) = issuer else {
            if !self.password_sign_in {
                anyhow::bail!(
                    "--password-sign-in false leaves nobody a way to sign in: set up single \
                     sign-on with --oidc-issuer and --oidc-client-id too"
                );
            }
            return Ok(None);
        };
        let client_id = self
            .oidc_client_id
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .context("--oidc-issuer needs --oidc-client-id")?;
        let mut create_accounts_for = Vec::new();
        for domain in &self.oidc_create_accounts {
            let domain = domain.trim().trim_start_matches('@').to_lowercase();
            if domain.is_empty() {
                continue;
            }
            if domain.contains(['@', '/', ' ']) || !domain.contains('.') {
                anyhow::bail!(
                    "--oidc-create-accounts: `{domain}` is not an email domain (like example.org)"
                );
            }
            create_accounts_for.push(domain);
        }
        Ok(Some(trellis_app::sso::SsoSettings {
            issuer: issuer.to_owned(),
            client_id: client_id.to_owned(),
            client_secret: self
                .oidc_client_secret
                .clone()
                .filter(|s| !s.trim().is_empty()),
            redirect_url: format!("{}/sign-in/sso/callback", base_url.trim_end_matches('/')),
            create_accounts_for,
            label: self.oidc_label.trim().to_owned(),
        }))
    }
}

/// HTTPS, proxies, limits and timeouts, and what operators' tools call.
#[derive(Debug, clap::Args)]
pub struct OpsArgs {
    /// Serve HTTPS with this certificate chain (PEM), with --tls-key. Browsers keep Trellis's
    /// sign-in cookies only over HTTPS (or on this machine's loopback address).
    #[arg(
        long,
        env = "TRELLIS_TLS_CERT",
        value_name = "FILE",
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(
        long,
        env = "TRELLIS_TLS_KEY",
        value_name = "FILE",
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,
    /// Addresses or ranges of proxies whose X-Forwarded-For (the client's address) and
    /// X-Forwarded-Proto (https) are believed, comma-separated: 127.0.0.1,10.0.0.0/8,fd00::/8.
    /// Nobody's by default.
    #[arg(long, env = "TRELLIS_TRUSTED_PROXIES", value_name = "RANGES", value_delimiter = ',', value_parser = parse_range)]
    pub trusted_proxies: Vec<IpRange>,
    /// Send Strict-Transport-Security with this max-age (e.g. 365d) on HTTPS answers. Off by
    /// default: browsers then refuse plain HTTP to this site for that long.
    #[arg(long, env = "TRELLIS_HSTS", value_name = "DURATION", value_parser = parse_duration)]
    pub hsts: Option<Duration>,
    /// Serve /metrics (Prometheus text) to callers sending `Authorization: Bearer TOKEN`.
    /// Without it, /metrics is not served.
    #[arg(
        long,
        env = "TRELLIS_METRICS_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,
    /// A session ends after this long without a request (s, m, h or d).
    #[arg(long, env = "TRELLIS_IDLE_TIMEOUT", value_name = "DURATION", default_value = "30m", value_parser = parse_duration)]
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, whatever the activity.
    #[arg(long, env = "TRELLIS_ABSOLUTE_TIMEOUT", value_name = "DURATION", default_value = "12h", value_parser = parse_duration)]
    pub absolute_timeout: Duration,
    /// Requests with a larger body are refused with 413 (bytes, KiB or MiB).
    #[arg(long, env = "TRELLIS_BODY_LIMIT", value_name = "SIZE", default_value = "64KiB", value_parser = parse_size)]
    pub body_limit: usize,
    /// Failed sign-ins are counted over this window, which is also the longest wait.
    #[arg(long, env = "TRELLIS_THROTTLE_WINDOW", value_name = "DURATION", default_value = "15m", value_parser = parse_duration)]
    pub throttle_window: Duration,
    /// Failed sign-ins for one email from one address before each further attempt waits.
    #[arg(
        long,
        env = "TRELLIS_THROTTLE_FREE_FAILURES",
        value_name = "N",
        default_value_t = 5
    )]
    pub throttle_free_failures: u32,
    /// The first wait after those failures; each further one doubles it.
    #[arg(long, env = "TRELLIS_THROTTLE_FIRST_DELAY", value_name = "DURATION", default_value = "1s", value_parser = parse_duration)]
    pub throttle_first_delay: Duration,
    /// Failed sign-ins from one address within the window before it is refused altogether.
    #[arg(
        long,
        env = "TRELLIS_THROTTLE_MAX_PER_ADDRESS",
        value_name = "N",
        default_value_t = 50
    )]
    pub throttle_max_per_address: u32,
    /// Database connections at most (default: 8 on SQLite; two per core, 4 to 32, on PostgreSQL).
    #[arg(long, env = "TRELLIS_POOL_SIZE", value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub pool_size: Option<u32>,
}

fn parse_range(text: &str) -> Result<IpRange, String> {
    text.parse()
}

/// How often the mailer looks for notifications to email.
const MAIL_EVERY: std::time::Duration = std::time::Duration::from_secs(10);
/// How often check-ins and plan steps due tomorrow are looked for.
const REMIND_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// `serve` once it can listen: the socket bound (and TLS read) before the database is opened, so
/// that a port in use or a bad certificate leaves no new database behind.
struct Serve {
    args: Args,
    listener: std::net::TcpListener,
    tls: Option<Arc<trellis_web::tls::ServerConfig>>,
}

impl StoreTask for Serve {
    type Output = ();
    async fn run(self, store: Database) -> Result<()> {
        let Serve {
            args,
            listener,
            tls,
        } = self;
        let listener = tokio::net::TcpListener::from_std(listener)
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        migrate_with_starter(&store).await?;
        let local = listener.local_addr()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{local}");

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

        let base_url = args.public_url.clone().unwrap_or_else(|| url.clone());
        let sso = args.sso.settings(&base_url)?;
        if let Some(sso) = &sso {
            println!(
                "Single sign-on through {} (register {} as the redirect URL there).",
                sso.issuer, sso.redirect_url
            );
        }
        let mailer = match args.smtp_url.filter(|u| !u.trim().is_empty()) {
            Some(smtp_url) => {
                let settings = MailSettings {
                    smtp_url,
                    from: args.mail_from,
                    base_url: args.public_url.unwrap_or_else(|| url.clone()),
                };
                let mailer = Mailer::new(&settings).map_err(|e| anyhow::anyhow!("email: {e}"))?;
                println!(
                    "Notifications and password reset links are emailed from {}.",
                    settings.from
                );
                Some(mailer)
            }
            None => {
                println!(
                    "No email is sent (no --smtp-url): notifications are shown in Trellis only, \
                     and forgotten passwords are set by an administrator."
                );
                None
            }
        };
        let ops = args.ops;
        let config = Config {
            licensed: args.licensed,
            idle_timeout: ops.idle_timeout,
            absolute_timeout: ops.absolute_timeout,
            body_limit: ops.body_limit,
            throttle_window: ops.throttle_window,
            free_failures_per_pair: ops.throttle_free_failures,
            first_delay: ops.throttle_first_delay,
            max_failures_per_ip: ops.throttle_max_per_address,
            trusted_proxies: ops.trusted_proxies.clone(),
            hsts: ops.hsts,
            metrics_token: ops.metrics_token.filter(|t| !t.trim().is_empty()),
            tls: tls.is_some(),
            mailer: mailer.clone(),
            password_reset_expiry: args.password_reset_expiry,
            sso,
            password_sign_in: args.sso.password_sign_in,
            ..Config::default()
        };
        if tls.is_none() && !local.ip().is_loopback() {
            warn_plain_http(&local, &ops.trusted_proxies);
        }
        let state = AppState::new(store, config);
        // The day-before reminders (check-ins, plan steps) go to the inbox whether or not email is
        // set up.
        trellis_app::reminders::spawn(state.app().clone(), REMIND_EVERY);
        if let Some(mailer) = mailer {
            mailer.spawn(state.app().clone(), MAIL_EVERY);
        }
        println!(
            "Trellis is running at {url}/ on {} (Ctrl-C to stop).",
            redacted(&args.db.database_url)
        );
        match tls {
            Some(config) => {
                let listener = trellis_web::tls::TlsListener::new(listener, config)?;
                trellis_web::serve_tls(listener, state, trellis_web::shutdown_signal()).await
            }
            None => trellis_web::serve(listener, state, trellis_web::shutdown_signal()).await,
        }
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

/// Says at start-up what the sign-in page says to visitors: over plain HTTP from another machine,
/// browsers drop the sign-in cookies.
fn warn_plain_http(local: &std::net::SocketAddr, proxies: &[IpRange]) {
    eprintln!(
        "WARNING: serving plain HTTP on {local}, which other machines can reach. Browsers keep \
         Trellis's sign-in cookies only over HTTPS, so signing in from another machine will fail."
    );
    if proxies.is_empty() {
        eprintln!(
            "  Serve HTTPS with --tls-cert FILE --tls-key FILE, or listen on 127.0.0.1 behind a \
             TLS proxy and name it with --trusted-proxies so that its X-Forwarded-Proto counts."
        );
    } else {
        eprintln!(
            "  Requests through the trusted proxies count as HTTPS when they send \
             X-Forwarded-Proto: https."
        );
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    // Everything that can be checked without the database first: a bad certificate or a port in
    // use must not leave a new (or newly migrated) database behind.
    let tls = match (&args.ops.tls_cert, &args.ops.tls_key) {
        (Some(cert), Some(key)) => Some(
            trellis_web::tls::server_config(cert, key).map_err(|e| anyhow::anyhow!("TLS: {e}"))?,
        ),
        _ => None,
    };
    args.sso.settings("http://127.0.0.1")?;
    let listener = std::net::TcpListener::bind(&args.addr)
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    listener
        .set_nonblocking(true)
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let url = args.db.database_url.clone();
    let pool = args.ops.pool_size;
    with_store_sized(
        &url,
        pool,
        Serve {
            args,
            listener,
            tls,
        },
    )?;
    Ok(ExitCode::SUCCESS)
}
