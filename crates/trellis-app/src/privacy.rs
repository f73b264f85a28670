//! A person's data, all of it, for a subject access request: everything Trellis holds about them
//! and everything they wrote, as JSON (for machines) and as a readable HTML page.
//!
//! Who asks decides what is in it, as everywhere else: the person themselves, and the operator at
//! the command line answering a request on their behalf, get everything, their 1:1 notes included
//! (the shared ones and their own private ones, never the other side's private notes); an
//! administrator gets everything but the content of check-ins, which admins do not read (the
//! series and when they met stay in). Every export is audited, without its content.
//!
//! The export is the person's right of access, so it holds every rating made of them, the
//! manager's ratings and agreed outcome of a review cycle whose results wait for the cycle's
//! sharing day included: the pages and the API wait for that day ([`crate::sharing`]), the
//! answer to a subject access request does not.

use serde::Serialize;
use serde_json::json;
use trellis_store::prelude::*;
use trellis_store::{
    Action, ApiToken, Assessment, AuditEvent, AuditFilter, BreakGlass, CheckIn, EmailMode, Entry,
    Evidence, EvidenceVersion, Goal, Meeting, Millis, NewAuditEvent, Notification, Outcome,
    PeerRequest, Person, PersonId, PlanAction, PlanComment, Rating, SystemRole,
};

use crate::App;
use crate::access::{self, Actor};
use crate::error::AppResult;
use crate::time::now_millis;
use crate::use_cases::By;

/// Everything about one person, section by section.
#[derive(Debug, Clone, Serialize)]
pub struct PersonExport {
    pub generated_at: Millis,
    /// `complete`, or `without check-in content` for an administrator's export.
    pub scope: &'static str,
    pub person: Person,
    pub team: Option<String>,
    pub manager: Option<Someone>,
    pub reports: Vec<Someone>,
    pub email_notifications: EmailMode,
    /// The API tokens they made (never the tokens themselves).
    pub api_tokens: Vec<ApiToken>,
    pub assessments: Vec<AssessmentExport>,
    pub evidence: Vec<EvidenceExport>,
    /// The requests for input addressed to them, with what they answered.
    pub peer_input_given: Vec<PeerRequest>,
    pub check_ins: Vec<CheckInExport>,
    pub plan: PlanExport,
    /// Promotion cases about them, as they see them: the case, the comments, the decision, who
    /// sat on the panel (never the individual votes).
    pub promotion_cases: Vec<PromotionExport>,
    pub notifications: Vec<Notification>,
    /// Events about them (`person:<id>`) and events of their own doing, newest first.
    pub audit_events: Vec<AuditEvent>,
}

/// Another person as the export names them.
#[derive(Debug, Clone, Serialize)]
pub struct Someone {
    pub id: PersonId,
    pub name: String,
    pub email: String,
}

impl From<&Person> for Someone {
    fn from(p: &Person) -> Self {
        Someone {
            id: p.id,
            name: p.name.clone(),
            email: p.email.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AssessmentExport {
    pub assessment: Assessment,
    pub ratings: Vec<Rating>,
    pub peer_requests: Vec<PeerRequest>,
}

/// A piece of evidence, deleted ones too (with when and by whom).
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceExport {
    pub evidence: Evidence,
    /// What it read before each edit.
    pub earlier_versions: Vec<EvidenceVersion>,
    /// When it was deleted and by whom, for deleted evidence (listed after the rest).
    pub deleted_at: Option<Millis>,
    pub deleted_by: Option<PersonId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckInExport {
    pub check_in: CheckIn,
    pub meetings: Vec<Meeting>,
    /// Agenda items and notes; empty in an export without check-in content.
    pub entries: Vec<Entry>,
    pub actions: Vec<Action>,
    pub exceptions: Vec<BreakGlass>,
    /// The notes they shared beyond the pair, and with whom (for series about them).
    pub shared_beyond_the_pair: Vec<trellis_store::NoteShare>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PromotionExport {
    pub case: trellis_store::PromotionCase,
    pub comments: Vec<trellis_store::PromotionComment>,
    pub panel: Vec<PersonId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanExport {
    pub milestones: Vec<trellis_store::Milestone>,
    pub goals: Vec<Goal>,
    pub actions: Vec<PlanAction>,
    pub comments: Vec<PlanComment>,
}

use_case_area!(Privacy, privacy);

impl Privacy<'_> {
    /// The signed-in person's own data, complete.
    pub async fn export_own(&self, actor: &Actor) -> AppResult<PersonExport> {
        let export = gather(self.app, &actor.person, true).await?;
        audit_export(self.app, &actor.audit(), actor.id(), export.scope).await?;
        Ok(export)
    }

    /// Someone's data for an administrator (without check-in content) or for the operator
    /// (complete). Anyone else is refused, audited.
    pub async fn export(&self, by: By<'_>, person: PersonId) -> AppResult<PersonExport> {
        let complete = match by {
            By::Operator => true,
            By::Admin(actor) if actor.role() == SystemRole::Admin => false,
            By::Admin(actor) => {
                return Err(access::deny(
                    self.app.store(),
                    &actor.audit(),
                    format!("person:{person}"),
                    "Only administrators export a person's data.",
                )
                .await);
            }
        };
        let person = self.app.store().person(person).await?;
        let export = gather(self.app, &person, complete).await?;
        audit_export(self.app, &by.audit(), person.id, export.scope).await?;
        Ok(export)
    }
}

async fn audit_export(
    app: &App,
    audit: &trellis_store::Audit,
    person: PersonId,
    scope: &str,
) -> AppResult<()> {
    let event = NewAuditEvent {
        action: "person.export".into(),
        target: format!("person:{person}"),
        outcome: Outcome::Success,
        details: json!({ "scope": scope }),
    };
    Ok(app.store().append_audit(event, audit).await?)
}

async fn gather(app: &App, person: &Person, complete: bool) -> AppResult<PersonExport> {
    let store = app.store();
    let id = person.id;
    let team = match person.team_id {
        Some(team) => store
            .teams()
            .await?
            .into_iter()
            .find(|t| t.id == team)
            .map(|t| t.name),
        None => None,
    };
    // Their own line only, not the whole organisation.
    let manager = match person.manager_id {
        Some(m) => Some(Someone::from(&store.person(m).await?)),
        None => None,
    };
    let reports = store
        .reports(id)
        .await?
        .iter()
        .filter(|p| p.manager_id == Some(id))
        .map(Someone::from)
        .collect();

    let mut assessments = Vec::new();
    for assessment in store.assessments_of(id).await? {
        assessments.push(AssessmentExport {
            ratings: store.ratings(assessment.id).await?,
            peer_requests: store.peer_requests_of_assessment(assessment.id).await?,
            assessment,
        });
    }
    let mut evidence = Vec::new();
    for piece in store.evidence_of(id).await? {
        evidence.push(EvidenceExport {
            earlier_versions: store.evidence_versions(piece.id).await?,
            evidence: piece,
            deleted_at: None,
            deleted_by: None,
        });
    }
    for piece in store.deleted_evidence_of(id).await? {
        let entry = store.evidence_entry(piece.id).await?;
        evidence.push(EvidenceExport {
            earlier_versions: store.evidence_versions(piece.id).await?,
            evidence: piece,
            deleted_at: entry.deleted_at,
            deleted_by: entry.deleted_by,
        });
    }
    let mut check_ins = Vec::new();
    for series in store.check_ins_of(id).await? {
        // Read as the person: the shared content and their own private notes only.
        let record = store.check_in_record(series.id, id).await?;
        let shared_beyond_the_pair = if complete && series.person_id == id {
            store.note_shares(series.id).await?
        } else {
            Vec::new()
        };
        check_ins.push(CheckInExport {
            check_in: record.check_in,
            meetings: record.meetings,
            entries: if complete { record.entries } else { vec![] },
            actions: if complete { record.actions } else { vec![] },
            exceptions: record.break_glass,
            shared_beyond_the_pair,
        });
    }
    let mut promotion_cases = Vec::new();
    for case in store.promotions_for(Some(vec![id]), id).await? {
        if case.person_id != id {
            continue;
        }
        let record = store.promotion_record(case.id).await?;
        promotion_cases.push(PromotionExport {
            case: record.case,
            comments: record.comments,
            panel: record.panel.iter().map(|p| p.member_id).collect(),
        });
    }
    let plan = store.plan_of(id).await?;
    let mut notifications = Vec::new();
    let mut before = None;
    loop {
        let page = store.notifications_of(id, 1000, before).await?;
        before = page.last().map(|n| n.id);
        let last = page.len() < 1000;
        notifications.extend(page);
        if last {
            break;
        }
    }
    let mut audit_events = all_audit_events(
        app,
        AuditFilter {
            target: Some(format!("person:{id}")),
            ..AuditFilter::default()
        },
    )
    .await?;
    audit_events.extend(
        all_audit_events(
            app,
            AuditFilter {
                actor_id: Some(id),
                ..AuditFilter::default()
            },
        )
        .await?,
    );
    audit_events.sort_by_key(|e| std::cmp::Reverse(e.id));
    audit_events.dedup_by_key(|e| e.id);

    Ok(PersonExport {
        generated_at: now_millis(),
        scope: if complete {
            "complete"
        } else {
            "without check-in content"
        },
        person: person.clone(),
        team,
        manager,
        reports,
        email_notifications: store.email_mode(id).await?,
        api_tokens: store.api_tokens(id).await?,
        assessments,
        evidence,
        peer_input_given: store.peer_requests_for(id).await?,
        check_ins,
        promotion_cases,
        plan: PlanExport {
            milestones: plan.milestones,
            goals: plan.goals,
            actions: plan.actions,
            comments: plan.comments,
        },
        notifications,
        audit_events,
    })
}

/// Every event the filter matches, read a thousand at a time.
async fn all_audit_events(app: &App, mut filter: AuditFilter) -> AppResult<Vec<AuditEvent>> {
    let mut events = Vec::new();
    loop {
        filter.limit = 1000;
        let page = app.store().audit_events(filter.clone()).await?;
        filter.before_id = page.last().map(|e| e.id);
        let last = page.len() < 1000;
        events.extend(page);
        if last {
            return Ok(events);
        }
    }
}

/// The export as one readable HTML page: a heading per section, a table per list of records, and
/// times written as dates. Built from the JSON, so it shows exactly what the JSON holds.
pub fn render_html(export: &PersonExport) -> String {
    let title = escape(&format!("Data held about {}", export.person.name));
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>body{{font-family:system-ui,sans-serif;margin:2rem;\
         max-width:80rem}}table{{border-collapse:collapse;margin:.5rem 0 1.5rem}}th,td{{border:1px \
         solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}}th{{background:\
         #f2f2f2}}dt{{font-weight:600}}dd{{margin:0 0 .5rem 1rem}}</style>\n</head>\n<body>\n\
         <h1>{title}</h1>\n<p>Generated {} ({}).</p>\n{}</body>\n</html>\n",
        escape(&crate::time::date_time(export.generated_at)),
        escape(export.scope),
        html_sections(export)
    )
}

/// The sections of [`render_html`]'s page, for a page of the web app to hold: everything in them
/// is escaped.
pub fn html_sections(export: &PersonExport) -> String {
    let mut html = String::new();
    if let Ok(serde_json::Value::Object(sections)) = serde_json::to_value(export) {
        for (name, section) in &sections {
            if matches!(name.as_str(), "generated_at" | "scope") {
                continue;
            }
            html.push_str(&format!("<h2>{}</h2>\n", escape(&heading(name))));
            value_html(&mut html, name, section);
        }
    }
    html
}

fn heading(name: &str) -> String {
    let mut words = name.replace('_', " ");
    if let Some(first) = words.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    words
}

fn value_html(html: &mut String, name: &str, value: &serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Array(items) if items.is_empty() => html.push_str("<p>None.</p>\n"),
        Value::Array(items) if items.iter().all(Value::is_object) => {
            let mut columns: Vec<&String> = Vec::new();
            for item in items {
                for key in item.as_object().into_iter().flat_map(|o| o.keys()) {
                    if !columns.contains(&key) {
                        columns.push(key);
                    }
                }
            }
            html.push_str("<table>\n<tr>");
            for c in &columns {
                html.push_str(&format!("<th scope=\"col\">{}</th>", escape(&heading(c))));
            }
            html.push_str("</tr>\n");
            for item in items {
                html.push_str("<tr>");
                for c in &columns {
                    html.push_str("<td>");
                    value_html(html, c, &item[c.as_str()]);
                    html.push_str("</td>");
                }
                html.push_str("</tr>\n");
            }
            html.push_str("</table>\n");
        }
        Value::Array(items) => {
            html.push_str("<ul>");
            for item in items {
                html.push_str("<li>");
                value_html(html, name, item);
                html.push_str("</li>");
            }
            html.push_str("</ul>\n");
        }
        Value::Object(fields) => {
            html.push_str("<dl>\n");
            for (key, field) in fields {
                html.push_str(&format!("<dt>{}</dt><dd>", escape(&heading(key))));
                value_html(html, key, field);
                html.push_str("</dd>\n");
            }
            html.push_str("</dl>\n");
        }
        Value::Null => {}
        Value::Number(n) if is_time(name) => match n.as_i64() {
            Some(ms) => html.push_str(&escape(&crate::time::date_time(ms))),
            None => html.push_str(&n.to_string()),
        },
        Value::String(s) => html.push_str(&escape(s)),
        other => html.push_str(&escape(&other.to_string())),
    }
}

/// Fields that hold a time in milliseconds.
fn is_time(name: &str) -> bool {
    name == "at" || name.ends_with("_at") || name.ends_with("_since") || name == "due"
}

/// Text made safe to place in HTML, as text or in a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // The text between the characters to escape is copied a run at a time: charts escape a few
    // hundred bytes per page, mostly plain.
    let mut plain = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&text[plain..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_what_people_wrote() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(escape("naïve ☃<é>ü"), "naïve ☃&lt;é&gt;ü");
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape(""), "");
        let mut html = String::new();
        value_html(
            &mut html,
            "evidence",
            &json!([{"title": "<b>", "created_at": 0}, {"title": "ok", "extra": [1, 2]}]),
        );
        assert!(html.contains("<th scope=\"col\">Title</th>"), "{html}");
        assert!(html.contains("<th scope=\"col\">Extra</th>"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(html.contains("1970-01-01"), "times are dates: {html}");
    }
}
