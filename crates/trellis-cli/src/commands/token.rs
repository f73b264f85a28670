//! `trellis token`: API tokens for scripts. Only a hash is stored: a token is printed once.

use std::process::ExitCode;

use anyhow::{Context, Result};
use trellis_app::bootstrap::system_audit;
use trellis_app::secrets as auth;
use trellis_store::prelude::*;
use trellis_store_sql::Database;

use super::database::{DatabaseArgs, StoreTask, with_store};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: TokenCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create an API token for an account and print it (once).
    Create {
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "command line")]
        label: String,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// List an account's tokens (never the tokens themselves).
    List {
        email: String,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Revoke a token by its id (from `trellis token list`).
    Revoke {
        id: i64,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

enum Task {
    Create {
        email: String,
        label: String,
        hash: String,
    },
    List {
        email: String,
    },
    Revoke {
        id: i64,
    },
}

impl StoreTask for Task {
    type Output = Vec<String>;
    async fn run(self, store: Database) -> Result<Vec<String>> {
        store.migrate().await.context("migration failed")?;
        let person = |email: String| {
            let store = store.clone();
            async move {
                store
                    .person_by_email(&email.trim().to_lowercase())
                    .await?
                    .with_context(|| format!("there is no account with the email {email}"))
            }
        };
        match self {
            Task::Create { email, label, hash } => {
                let p = person(email).await?;
                let t = store
                    .create_api_token(p.id, &label, &hash, &system_audit())
                    .await?;
                Ok(vec![format!(
                    "token id {} for {} ({})",
                    t.id, p.email, t.label
                )])
            }
            Task::List { email } => {
                let p = person(email).await?;
                Ok(store
                    .api_tokens(p.id)
                    .await?
                    .into_iter()
                    .map(|t| {
                        format!(
                            "{}\t{}\t{}",
                            t.id,
                            t.label,
                            if t.revoked_at.is_some() {
                                "revoked"
                            } else {
                                "active"
                            }
                        )
                    })
                    .collect())
            }
            Task::Revoke { id } => {
                store.revoke_api_token(id, &system_audit()).await?;
                Ok(vec![format!("Revoked token {id}.")])
            }
        }
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        TokenCommand::Create { email, label, db } => {
            let token = auth::new_api_token();
            let lines = with_store(
                &db.database_url,
                Task::Create {
                    email,
                    label,
                    hash: auth::sha256_hex(&token),
                },
            )?;
            eprintln!("Created {}. It is shown only now:", lines.join(""));
            println!("{token}");
        }
        TokenCommand::List { email, db } => {
            for line in with_store(&db.database_url, Task::List { email })? {
                println!("{line}");
            }
        }
        TokenCommand::Revoke { id, db } => {
            for line in with_store(&db.database_url, Task::Revoke { id })? {
                println!("{line}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
