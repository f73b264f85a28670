//! The check every text sent to Trellis goes through before a use case sees it: no control
//! characters, except tabs and line breaks in text of several lines (a description, a comment, a
//! list given one per line). A NUL cannot be stored by PostgreSQL at all, and the others are never
//! meant: they come from pasted binary, a broken client or someone probing.
//!
//! The server applies it to every form, JSON body and query string as it reads them, so that no
//! handler can forget it; a refusal names the field.

use crate::error::{AppError, AppResult, FieldProblem};

/// Fields whose text may hold several lines: form controls that are text areas (evidence, rating
/// comments, check-in agenda items and notes, an exception's reason, a plan's goal and comments,
/// the comment on an agreed outcome, a job advert, an interviewer's notes),
/// and the JSON fields they correspond to. A field is known by its first or last name:
/// `comment.{skill}` on the rating pages, `ratings[2].comment` in the API.
const MULTI_LINE: &[&str] = &[
    "description",
    "comment",
    "links",
    "corroborators",
    "item",
    "note",
    "reason",
    "why",
    "outcome_comment",
    "advert",
    "notes",
    "case_text",
    "decision_reason",
    "missing",
    "panel",
];

/// Fields left alone: passwords are hashed, never stored or shown, and refusing a character in
/// one could lock out someone who chose it.
pub fn exempt(field: &str) -> bool {
    field.contains("password")
}

/// Whether `field` takes text of several lines (tabs and line breaks allowed), by the same rule
/// the check applies; the API's document states it as a pattern on each field.
pub fn multi_line(field: &str) -> bool {
    let mut names = field
        .split(['.', '[', ']'])
        .filter(|n| !n.is_empty() && !n.bytes().all(|b| b.is_ascii_digit()));
    // The first name for `comment.{skill}` (pages), the last for `ratings[2].comment` (API).
    let first = names.next().unwrap_or_default();
    let last = names.next_back().unwrap_or(first);
    MULTI_LINE.contains(&first) || MULTI_LINE.contains(&last)
}

/// What is wrong with `value` as the text of `field`, if anything.
pub fn text_problem(field: &str, value: &str) -> Option<FieldProblem> {
    if exempt(field) {
        return None;
    }
    let lines = multi_line(field);
    let (at, bad) = value
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() && !(lines && matches!(c, '\t' | '\n' | '\r')))?;
    let allowed = if lines {
        "only tabs and line breaks are allowed here"
    } else {
        "it takes one line of text"
    };
    Some(FieldProblem::new(
        field,
        format!(
            "`{field}` contains a control character (U+{:04X}, character {}), which cannot be \
             accepted: {allowed}. Remove it and send again.",
            u32::from(bad),
            at + 1
        ),
    ))
}

/// Checks the fields of a form or a query string, as (name, value) pairs. Field names are
/// checked as well: they end up in messages.
pub fn check_fields<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> AppResult<()> {
    let mut problems = Vec::new();
    for (name, value) in fields {
        if name.chars().any(char::is_control) {
            problems.push(FieldProblem::new(
                "",
                "A field name contains a control character, which cannot be accepted.",
            ));
        } else if let Some(p) = text_problem(name, value) {
            problems.push(p);
        }
    }
    done(problems)
}

/// Checks every string (and every key) of a JSON document, naming fields as paths like
/// `ratings[0].comment`.
pub fn check_json(value: &serde_json::Value) -> AppResult<()> {
    let mut problems = Vec::new();
    walk(value, &mut String::new(), &mut problems);
    done(problems)
}

fn walk(value: &serde_json::Value, path: &mut String, problems: &mut Vec<FieldProblem>) {
    match value {
        serde_json::Value::String(s) => {
            let field = if path.is_empty() { "." } else { path.as_str() };
            problems.extend(text_problem(field, s));
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path, problems);
                path.truncate(len);
            }
        }
        serde_json::Value::Object(fields) => {
            for (key, item) in fields {
                if key.chars().any(char::is_control) {
                    problems.push(FieldProblem::new(
                        path.clone(),
                        "A field name contains a control character, which cannot be accepted.",
                    ));
                    continue;
                }
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                walk(item, path, problems);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

fn done(problems: Vec<FieldProblem>) -> AppResult<()> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(problems))
    }
}

/// Checks text typed into a form of several lines: present when `required`, at most `max`
/// characters, without control characters (tabs and line breaks apart). Gives the trimmed text, or
/// the field and what is wrong, in words about `what` ("the note").
pub fn typed_text(
    field: &str,
    value: &str,
    what: &str,
    max: usize,
    required: bool,
) -> Result<String, (String, String)> {
    let value = value.trim();
    let problem = if value.is_empty() && required {
        format!("Write the {what}.")
    } else if value.chars().count() > max {
        format!("Keep the {what} to {max} characters.")
    } else if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        format!("The {what} contains a control character; remove it.")
    } else {
        return Ok(value.to_owned());
    };
    Err((field.to_owned(), problem))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields_of(err: AppError) -> Vec<String> {
        match err {
            AppError::Invalid(problems) => problems.into_iter().map(|p| p.field).collect(),
            other => panic!("expected field problems, got {other:?}"),
        }
    }

    #[test]
    fn control_characters_are_refused_and_the_field_named() {
        assert!(text_problem("cycle", "2026 H1").is_none());
        assert!(text_problem("cycle", "émigré ✓ 🌱").is_none());
        let p = text_problem("cycle", "a\u{0}b").unwrap();
        assert_eq!(p.field, "cycle");
        assert!(p.message.contains("U+0000"), "{}", p.message);
        assert!(p.message.contains("character 2"), "{}", p.message);
        assert!(text_problem("title", "one\ntwo").is_some(), "one line only");
        assert!(text_problem("title", "a\u{7f}").is_some(), "DEL");
        assert!(text_problem("title", "a\u{85}").is_some(), "C1 controls");
    }

    #[test]
    fn text_of_several_lines_keeps_tabs_and_line_breaks() {
        for field in [
            "description",
            "comment.sfia/prog",
            "ratings[3].comment",
            "links",
        ] {
            assert!(
                text_problem(field, "one\r\ntwo\tthree").is_none(),
                "{field}"
            );
            assert!(text_problem(field, "one\u{0}").is_some(), "{field}");
        }
        assert!(text_problem("title", "a\nb").is_some());
        assert!(
            text_problem("note", "agenda:\n- one").is_none(),
            "a check-in note"
        );
    }

    #[test]
    fn passwords_are_left_alone() {
        assert!(text_problem("password", "a\u{0}b").is_none());
        assert!(text_problem("current_password", "a\tb").is_none());
    }

    #[test]
    fn forms_and_json_are_walked_whole() {
        assert!(check_fields([("email", "a@b.c"), ("password", "x\u{1}")]).is_ok());
        let err = check_fields([("email", "a\u{0}@b.c"), ("cycle", "\u{1b}[31m")]).unwrap_err();
        assert_eq!(fields_of(err), ["email", "cycle"]);
        let body = json!({
            "title": "ok",
            "links": ["https://example.org/\u{0}"],
            "ratings": [{ "skill": "a", "comment": "fine\nhere" }, { "comment": "x\u{0}" }],
        });
        let err = check_json(&body).unwrap_err();
        assert_eq!(fields_of(err), ["links[0]", "ratings[1].comment"]);
        assert!(check_json(&json!({ "description": "a\r\nb", "n": 3 })).is_ok());
        assert!(check_json(&json!("\u{0}")).is_err());
    }
}
