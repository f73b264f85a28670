//! The one error of the use cases. The web layer renders it as a page with an error summary or as
//! an RFC 9457 problem; the command line prints it.

use std::fmt;

use trellis_store::StoreError;

/// A problem with one field of what was sent, shown next to that field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field at fault: a form control id on pages, a JSON path in the API.
    pub field: String,
    pub message: String,
}

impl FieldProblem {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldProblem {
        FieldProblem {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Why a use case did not do what was asked. Every message is written for the person who asked;
/// none holds internals (those stay in [`AppError::Internal`], which is logged, never shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppError {
    /// No such record (or none the actor may know of).
    NotFound(String),
    /// The access rules refuse it; the refusal has been audited.
    Forbidden(String),
    /// The request is valid but the records are not in a state that allows it (a concurrent edit, a
    /// closed assessment, a duplicate); `field` names the field at fault when there is one.
    Conflict {
        message: String,
        field: Option<String>,
    },
    /// What was sent is wrong; one problem per field.
    Invalid(Vec<FieldProblem>),
    /// Anything else: the database failed, a stored framework does not parse. The cause goes to the
    /// log, never to the person.
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn not_found(message: impl Into<String>) -> AppError {
        AppError::NotFound(message.into())
    }

    pub fn forbidden(message: impl Into<String>) -> AppError {
        AppError::Forbidden(message.into())
    }

    pub fn conflict(message: impl Into<String>) -> AppError {
        AppError::Conflict {
            message: message.into(),
            field: None,
        }
    }

    /// One field problem.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::Invalid(vec![FieldProblem::new(field, message)])
    }

    /// Field problems given as (field, message) pairs.
    pub fn fields<F: Into<String>>(problems: Vec<(F, String)>) -> AppError {
        AppError::Invalid(
            problems
                .into_iter()
                .map(|(f, m)| FieldProblem::new(f, m))
                .collect(),
        )
    }

    pub fn internal(cause: impl fmt::Display) -> AppError {
        AppError::Internal(cause.to_string())
    }

    /// Names the field a conflict is about.
    pub fn with_field(self, field: impl Into<String>) -> AppError {
        match self {
            AppError::Conflict { message, .. } => AppError::Conflict {
                message,
                field: Some(field.into()),
            },
            other => other,
        }
    }

    /// An HTTP-like status, for audit details and logs.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound(_) => 404,
            AppError::Forbidden(_) => 403,
            AppError::Conflict { .. } => 409,
            AppError::Invalid(_) => 422,
            AppError::Internal(_) => 500,
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::NotFound(m) | AppError::Forbidden(m) | AppError::Internal(m) => {
                f.write_str(m)
            }
            AppError::Conflict { message, .. } => f.write_str(message),
            AppError::Invalid(problems) => {
                for (i, p) in problems.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{}: {}", p.field, p.message)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for AppError {}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => AppError::not_found("No such record."),
            StoreError::Conflict(m) => AppError::conflict(public_message(&m)),
            StoreError::Invalid(m) => AppError::field("", public_message(&m)),
            StoreError::Backend(m) => AppError::Internal(format!("store: {m}")),
        }
    }
}

/// Store messages for conflicts and refusals are written for people; keep them short all the same.
fn public_message(m: &str) -> String {
    let m = m.trim();
    let mut out: String = m.chars().take(200).collect();
    if out.is_empty() {
        out = "The change conflicts with what is stored.".into();
    }
    out
}
