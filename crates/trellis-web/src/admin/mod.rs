//! Administration: accounts, people imported from the HR system, framework versions and the audit log. Admins only (see the route table).

pub mod accounts;
pub mod erasure;
pub mod framework_upload;
pub mod people_import;

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use trellis_app::time::{date_time, day_ms, parse_date};
use trellis_store::prelude::*;
use trellis_store::{AuditFilter, Outcome, PersonId};

use crate::auth::Me;
use crate::error::WebError;
use crate::extract::QueryParams;
use crate::html::view::FieldErrors;
use crate::html::{Frame, render, render_status};
use crate::state::AppState;

// ---------------------------------------------------------------------------------------------
// Framework versions.

#[derive(Debug)]
struct VersionRow {
    href: String,
    name: String,
    version: String,
    framework_id: String,
    published: String,
    by: String,
    current: bool,
}

#[derive(Debug, Template)]
#[template(path = "admin/frameworks.html")]
struct FrameworksPage {
    frame: Frame,
    admin_section: &'static str,
    rows: Vec<VersionRow>,
}

pub async fn frameworks(
    State(state): State<AppState>,
    Me(_, ctx): Me,
) -> Result<Response, WebError> {
    let store = state.store();
    let names: HashMap<PersonId, String> = store
        .people()
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let current = state.current_framework().await?.map(|c| c.summary.id);
    let mut versions = store.framework_versions().await?;
    versions.sort_by(|a, b| b.published_at.cmp(&a.published_at).then(b.id.cmp(&a.id)));
    let rows = versions
        .into_iter()
        .map(|v| VersionRow {
            href: format!("/frameworks/{}", v.id),
            current: Some(v.id) == current,
            name: v.name,
            version: v.version,
            framework_id: v.framework_id,
            published: date_time(v.published_at),
            by: v
                .published_by
                .and_then(|id| names.get(&id).cloned())
                .unwrap_or_else(|| "Command line".into()),
        })
        .collect();
    let page = FrameworksPage {
        frame: Frame::new(Some(&ctx), "Framework versions", "admin"),
        admin_section: "frameworks",
        rows,
    };
    Ok(render(&page)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// Audit log.

const AUDIT_PAGE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    action: Option<String>,
    actor: Option<String>,
    outcome: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<String>,
}

#[derive(Debug)]
struct AuditRow {
    at: String,
    actor: String,
    /// What happened, as a sentence: "changed the role level and manager of Ann Lee".
    what: String,
    action: String,
    target: String,
    outcome: &'static str,
    ip: String,
    details: String,
}

/// A record an event is about, by name where it is a person: `person:9` → "Ann Lee".
fn target_text(target: &str, names: &HashMap<PersonId, String>) -> String {
    match target.split_once(':') {
        Some(("person", id)) => id
            .parse::<PersonId>()
            .ok()
            .and_then(|id| names.get(&id).cloned())
            .unwrap_or_else(|| target.to_owned()),
        Some(("check-in", id)) => format!("check-ins {id}"),
        Some((kind, id)) => format!("{} {id}", kind.replace(['-', '_'], " ")),
        None => target.to_owned(),
    }
}

/// An event as a sentence about its target; unknown actions are named as they are.
fn sentence(action: &str, outcome: Outcome, target: &str, details: &serde_json::Value) -> String {
    let fields = || {
        details["fields"]
            .as_array()
            .map(|f| {
                f.iter()
                    .filter_map(|v| v.as_str())
                    .map(|f| f.trim_end_matches("_id").replace('_', " "))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    let did = match action {
        "sign-in" => "signed in".to_owned(),
        "sign-out" => "signed out".to_owned(),
        "person.create" => format!("created the account of {target}"),
        "person.update" => format!("changed {} of {target}", fields()),
        "person.password" => format!("set the password of {target}"),
        "token.create" => "created an API token".to_owned(),
        "token.revoke" => "revoked an API token".to_owned(),
        "framework.publish" => format!("published {target}"),
        "team.create" => format!("made {target}"),
        "assessment.create" => format!("started an assessment of {target}"),
        "assessment.rate" => format!("submitted ratings on {target}"),
        "assessment.read" => format!("read the assessments of {target}"),
        "evidence.create" => format!("added evidence: {target}"),
        "evidence.read" => format!("read the evidence of {target}"),
        "peer.request" => format!("asked a peer for input on {target}"),
        "peer.submit" => format!("gave input on {target}"),
        "notifications.settings" => format!("changed the email choice of {target}"),
        "access.denied" => format!("was refused {target}"),
        "check_in.create" => format!("set up {target}"),
        "check_in.read" => format!("read {target}"),
        "check_in.break-glass" => format!(
            "recorded an exception to read {target}: {}",
            details["reason"].as_str().unwrap_or("")
        ),
        a if a.starts_with("check_in.") => format!("changed {target} ({})", &a[9..]),
        "plan.read" => format!("read the development plan of {target}"),
        a if a.starts_with("plan.") => {
            format!("changed the development plan of {target} ({})", &a[5..])
        }
        other => format!("{other} on {target}"),
    };
    match outcome {
        Outcome::Success | Outcome::Denied => did,
        Outcome::Failure => format!("failed: {did}"),
    }
}

#[derive(Debug, Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    frame: Frame,
    admin_section: &'static str,
    action: String,
    actor: String,
    outcome: String,
    from: String,
    to: String,
    errors: FieldErrors,
    rows: Vec<AuditRow>,
    older: Option<String>,
    first: Option<String>,
}

pub async fn audit(
    State(state): State<AppState>,
    Me(_, ctx): Me,
    QueryParams(q): QueryParams<AuditQuery>,
) -> Result<Response, WebError> {
    let store = state.store();
    let text = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_owned();
    let (action, actor, outcome, from, to) = (
        text(&q.action),
        text(&q.actor),
        text(&q.outcome),
        text(&q.from),
        text(&q.to),
    );
    let mut errors = FieldErrors::default();
    let mut filter = AuditFilter {
        limit: AUDIT_PAGE,
        action_prefix: (!action.is_empty()).then(|| action.clone()),
        ..AuditFilter::default()
    };
    let mut no_match = false;
    if !actor.is_empty() {
        match actor.parse::<PersonId>() {
            Ok(id) => filter.actor_id = Some(id),
            Err(_) => match store.person_by_email(&actor.to_lowercase()).await? {
                Some(p) => filter.actor_id = Some(p.id),
                None => no_match = true,
            },
        }
    }
    if !outcome.is_empty() {
        match Outcome::parse(&outcome) {
            Some(o) => filter.outcome = Some(o),
            None => errors.add("outcome", "Choose success, failure or denied."),
        }
    }
    if !from.is_empty() {
        match parse_date(&from) {
            Some(t) => filter.since = Some(t),
            None => errors.add("from", "Enter a date as YYYY-MM-DD."),
        }
    }
    if !to.is_empty() {
        match parse_date(&to) {
            // Up to the end of that day (`until` is exclusive).
            Some(t) => filter.until = Some(t + day_ms()),
            None => errors.add("to", "Enter a date as YYYY-MM-DD."),
        }
    }
    filter.before_id = crate::extract::parse_id("before", q.before.as_deref())
        .ok()
        .flatten();
    let events = if errors.is_empty() && !no_match {
        store.audit_events(filter).await?
    } else {
        Vec::new()
    };
    let names: HashMap<PersonId, String> = store
        .people()
        .await?
        .into_iter()
        .map(|p| (p.id, format!("{} ({})", p.name, p.email)))
        .collect();
    let params = |before: Option<i64>| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (k, v) in [
            ("action", &action),
            ("actor", &actor),
            ("outcome", &outcome),
            ("from", &from),
            ("to", &to),
        ] {
            if !v.is_empty() {
                pairs.push((k, v.clone()));
            }
        }
        if let Some(b) = before {
            pairs.push(("before", b.to_string()));
        }
        format!(
            "/admin/audit?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    let older = (events.len() == AUDIT_PAGE as usize)
        .then(|| events.last().map(|e| params(Some(e.id))))
        .flatten();
    let first = q.before.is_some().then(|| params(None));
    let rows = events
        .into_iter()
        .map(|e| AuditRow {
            what: sentence(
                &e.action,
                e.outcome,
                &target_text(&e.target, &names),
                &e.details,
            ),
            at: date_time(e.at),
            actor: e
                .actor_id
                .map(|id| {
                    names
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| format!("person {id}"))
                })
                .unwrap_or_else(|| "System or anonymous".into()),
            action: e.action,
            target: e.target,
            outcome: e.outcome.as_str(),
            ip: e.ip.unwrap_or_default(),
            details: if e.details.as_object().is_some_and(|o| o.is_empty()) || e.details.is_null() {
                String::new()
            } else {
                serde_json::to_string_pretty(&e.details).unwrap_or_default()
            },
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = AuditPage {
        frame: Frame::new(Some(&ctx), "Audit log", "admin"),
        admin_section: "audit",
        action,
        actor,
        outcome,
        from,
        to,
        errors,
        rows,
        older,
        first,
    };
    render_status(status, &page)
}
