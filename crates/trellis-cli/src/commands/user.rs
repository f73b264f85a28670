//! `trellis user`: accounts from the command line, for the first administrator, scripts, and
//! getting back in when every administrator has forgotten their password.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use trellis_app::accounts::{self, NewAccount};
use trellis_app::bootstrap::system_audit;
use trellis_app::secrets as auth;
use trellis_app::use_cases::By;
use trellis_app::{App, Config};
use trellis_store::SystemRole;
use trellis_store::prelude::*;
use trellis_store_sql::Database;

use super::database::{DatabaseArgs, StoreTask, migrated_account, with_store};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RoleArg {
    Admin,
    PeopleTeam,
    Member,
}

impl From<RoleArg> for SystemRole {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Admin => SystemRole::Admin,
            RoleArg::PeopleTeam => SystemRole::PeopleTeam,
            RoleArg::Member => SystemRole::Member,
        }
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create an account. Without --password-stdin a strong password is generated and printed once.
    Add {
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum, default_value_t = RoleArg::Member)]
        role: RoleArg,
        /// The manager's email.
        #[arg(long, value_name = "EMAIL")]
        manager: Option<String>,
        /// Team name; created if it does not exist.
        #[arg(long)]
        team: Option<String>,
        /// Role-level id in the current framework, e.g. `product/product-manager`.
        #[arg(long, value_name = "ID")]
        role_level: Option<String>,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Set a new password and end every session of the account.
    SetPassword {
        email: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

fn read_password(email: &str) -> Result<String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("cannot read the password from standard input")?;
    let password = input.trim_end_matches(['\r', '\n']).to_owned();
    if let Some(problem) = auth::password_problem(&password, email) {
        bail!("that password will not do: {problem}");
    }
    Ok(password)
}

struct Add {
    new: NewAccount,
    manager: Option<String>,
}

impl StoreTask for Add {
    type Output = trellis_store::Person;
    async fn run(self, store: Database) -> Result<Self::Output> {
        store.migrate().await.context("migration failed")?;
        let mut new = self.new;
        if let Some(m) = self.manager {
            let manager = store
                .person_by_email(&m.trim().to_lowercase())
                .await?
                .with_context(|| {
                    format!("there is no account with the email {m} to be the manager")
                })?;
            new.manager_id = Some(manager.id);
        }
        let app = App::new(store, Config::default());
        app.accounts()
            .create(By::Operator, new)
            .await
            .map_err(|r| anyhow::anyhow!("cannot create the account: {r}"))
    }
}

struct SetPassword {
    email: String,
    hash: String,
}

impl StoreTask for SetPassword {
    type Output = u64;
    async fn run(self, store: Database) -> Result<u64> {
        let person = migrated_account(&store, &self.email).await?;
        store
            .set_password(person.id, &self.hash, &system_audit())
            .await?;
        Ok(store.delete_sessions_of(person.id).await?)
    }
}

/// A password for an account: read from stdin, or generated (and then shown once).
struct NewPassword {
    text: String,
    generated: bool,
    hash: String,
}

impl NewPassword {
    fn for_account(email: &str, from_stdin: bool) -> Result<NewPassword> {
        let (text, generated) = if from_stdin {
            (read_password(email)?, false)
        } else {
            (auth::generate_password(), true)
        };
        let hash = auth::hash_password(&text)?;
        Ok(NewPassword {
            text,
            generated,
            hash,
        })
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        UserCommand::Add {
            email,
            name,
            role,
            manager,
            team,
            role_level,
            password_stdin,
            db,
        } => {
            let email = accounts::normalise_email(&email);
            let password = NewPassword::for_account(&email, password_stdin)?;
            let person = with_store(
                &db.database_url,
                Add {
                    new: NewAccount {
                        email,
                        name,
                        role: role.into(),
                        team,
                        manager_id: None,
                        role_level,
                        password_hash: Some(password.hash),
                    },
                    manager,
                },
            )?;
            println!(
                "Created {} <{}> ({}, id {}).",
                person.name,
                person.email,
                person.system_role.as_str(),
                person.id
            );
            if password.generated {
                println!("Password (shown only now): {}", password.text);
            }
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::SetPassword {
            email,
            password_stdin,
            db,
        } => {
            let email = accounts::normalise_email(&email);
            let password = NewPassword::for_account(&email, password_stdin)?;
            let ended = with_store(
                &db.database_url,
                SetPassword {
                    email: email.clone(),
                    hash: password.hash,
                },
            )?;
            println!("New password set for {email}; {ended} session(s) ended.");
            if password.generated {
                println!("Password (shown only now): {}", password.text);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
