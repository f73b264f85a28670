//! Small pieces the page structs share: field errors, wording of levels and dates, links.

use axum::http::StatusCode;
use trellis_app::AppError;
use trellis_model::Framework;

use crate::error::WebError;

/// One choice of a select: the value the form sends and the label shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Choice {
        Choice {
            value: value.into(),
            label: label.into(),
        }
    }
}

/// The query of a page shown again after a change, `?done=…`: what was done, for the notice that
/// says so.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DoneQuery {
    pub done: Option<String>,
}

/// A problem with one field of a submitted form.
#[derive(Debug, Clone)]
pub(crate) struct FieldError {
    pub field: String,
    pub message: String,
}

/// Problems with a submitted form, by field name, shown next to each field.
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn get(&self, field: impl AsRef<str>) -> Option<&str> {
        let field = field.as_ref();
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn all(&self) -> &[FieldError] {
        &self.0
    }

    /// The problems of a refused form with the status to answer with: what was sent (422), or a
    /// conflict with what is stored (409), shown at its own field or else at `field_at_fault`.
    /// Any other error is not the form's to show: it goes up to the error page.
    pub fn of_refusal(
        e: AppError,
        field_at_fault: &str,
    ) -> Result<(StatusCode, FieldErrors), WebError> {
        match e {
            AppError::Invalid(problems) => Ok((StatusCode::UNPROCESSABLE_ENTITY, problems.into())),
            AppError::Conflict { message, field } => {
                let mut errors = FieldErrors::default();
                errors.add(field.unwrap_or_else(|| field_at_fault.into()), message);
                Ok((StatusCode::CONFLICT, errors))
            }
            other => Err(other.into()),
        }
    }
}

impl From<Vec<trellis_app::FieldProblem>> for FieldErrors {
    fn from(problems: Vec<trellis_app::FieldProblem>) -> Self {
        let mut errors = FieldErrors::default();
        for p in problems {
            errors.add(p.field, p.message);
        }
        errors
    }
}

pub(crate) use trellis_app::growth::level_text;

/// The page of a role level in a framework version ("current" or an id).
pub(crate) fn profile_href(version: &str, role_level: &str) -> String {
    format!("/frameworks/{version}/role-levels/{role_level}")
}

pub(crate) fn compare_href(version: &str, from: &str, to: &str) -> String {
    format!(
        "/frameworks/{version}/compare?{}",
        serde_urlencoded::to_string([("from", from), ("to", to)]).unwrap_or_default()
    )
}

/// A role level's title, or its id when the framework does not have it.
pub(crate) fn role_title(fw: &Framework, id: &str) -> String {
    fw.role_level(id)
        .map(|(_, _, l)| l.title.clone())
        .unwrap_or_else(|| id.to_owned())
}

/// "Senior Product Manager (Product)".
pub(crate) fn role_title_with_track(fw: &Framework, id: &str) -> String {
    match fw.role_level(id) {
        Some((t, _, l)) => format!("{} ({})", l.title, t.name),
        None => id.to_owned(),
    }
}

/// Every role level as a choice labelled "Title (Track)", in track order, for selects.
pub(crate) fn role_level_options(fw: &Framework) -> Vec<Choice> {
    fw.role_levels()
        .map(|(id, t, l)| Choice::new(id, format!("{} ({})", l.title, t.name)))
        .collect()
}
