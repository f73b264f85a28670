//! The home page: what waits for you, your role level, what the next one asks, and your reports if
//! you manage people.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use trellis_formats::render::name_with_version;
use trellis_store::SystemRole;

use crate::auth::Me;
use crate::error::WebError;
use crate::html::view::{compare_href, profile_href, role_title};
use crate::html::{Frame, render};
use crate::state::AppState;

#[derive(Debug)]
pub(crate) struct RoleSummary {
    pub title: String,
    pub track: String,
    pub href: String,
    pub summary: Option<String>,
    pub next: Option<NextLevel>,
}

/// The level after a role level: its profile and what changes on the way to it.
#[derive(Debug)]
pub(crate) struct NextLevel {
    pub title: String,
    pub href: String,
    pub compare_href: String,
}

#[derive(Debug)]
pub(crate) struct PersonLink {
    pub name: String,
    pub href: String,
    pub role: String,
}

/// A direct report and how they are doing.
#[derive(Debug)]
pub(crate) struct ReportRow {
    pub name: String,
    pub href: String,
    pub role: String,
    pub readiness: String,
    pub assessment: String,
    pub plan: String,
    pub plan_href: String,
    pub check_in: String,
}

/// Readiness for a role level in a few words.
#[derive(Debug)]
struct GlanceRow {
    which: &'static str,
    title: String,
    verdict: String,
    ready: bool,
}

#[derive(Debug)]
struct ChangeRow {
    subject: String,
    link: String,
    at: String,
}

fn verdict(g: &trellis_app::home::Glance) -> String {
    if !g.assessed {
        "Not yet assessed".to_owned()
    } else if g.ready {
        format!("Ready ({}%)", g.percent)
    } else {
        format!("Not ready yet ({}%)", g.percent)
    }
}

#[derive(Debug, Template)]
#[template(path = "home/home.html")]
struct HomePage {
    frame: Frame,
    name: String,
    role: Option<RoleSummary>,
    /// A role level that the current framework no longer has.
    role_missing: Option<String>,
    manager: Option<String>,
    team: Option<String>,
    reports: Vec<ReportRow>,
    indirect: usize,
    glance: Vec<GlanceRow>,
    changed: Vec<ChangeRow>,
    sees_everyone: bool,
    framework: Option<String>,
    /// Your person page: assessments, readiness, evidence.
    me_href: String,
    /// Requests for your input not yet answered.
    pending_requests: usize,
    /// What waits for you, oldest first.
    todo: Vec<TodoRow>,
}

#[derive(Debug)]
struct TodoRow {
    text: String,
    href: String,
    /// "since 2026-12-01", "on 2026-12-10", "due 2026-12-12".
    when: String,
}

pub async fn home(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
) -> Result<Html<String>, WebError> {
    let me = &caller.person;
    let current = state.current_framework().await?;
    let (role, role_missing) = match (&me.role_level, &current) {
        (Some(id), Some(p)) => match trellis_model::resolve(&p.framework, id) {
            Ok(profile) => {
                let next = profile.next.as_ref().map(|n| NextLevel {
                    title: role_title(&p.framework, n),
                    href: profile_href("current", n),
                    compare_href: compare_href("current", &profile.id, n),
                });
                (
                    Some(RoleSummary {
                        title: profile.title.clone(),
                        track: profile.track_name.clone(),
                        href: profile_href("current", &profile.id),
                        summary: profile.summary.clone(),
                        next,
                    }),
                    None,
                )
            }
            Err(_) => (None, Some(id.clone())),
        },
        (Some(id), None) => (None, Some(id.clone())),
        _ => (None, None),
    };
    let overview = state.app().home().overview(&caller.actor(&ctx)).await?;
    let (manager, team) = (overview.manager.clone(), overview.team.clone());
    let reports: Vec<ReportRow> = overview
        .reports
        .iter()
        .map(|r| ReportRow {
            name: r.person.name.clone(),
            href: format!("/people/{}", r.person.id),
            role: r
                .role_title
                .clone()
                .unwrap_or_else(|| "No role level yet".into()),
            readiness: r
                .readiness
                .as_ref()
                .map(verdict)
                .unwrap_or_else(|| "—".into()),
            assessment: r
                .open_stage
                .map_or("None open", trellis_app::growth::stage_label)
                .to_owned(),
            plan: if r.goals == 0 {
                "No goals".to_owned()
            } else {
                format!("{} of {} goals met", r.goals_met, r.goals)
            },
            plan_href: format!("/people/{}/plan", r.person.id),
            check_in: match (&r.next_check_in, r.last_check_in) {
                (Some(next), _) => format!("next {next}"),
                (None, Some(last)) => format!("last {}", trellis_app::time::date(last)),
                (None, None) => "None set up".to_owned(),
            },
        })
        .collect();
    let glance = overview
        .glance
        .iter()
        .enumerate()
        .map(|(i, g)| GlanceRow {
            which: if i == 0 { "Your level" } else { "Next level" },
            title: g.title.clone(),
            verdict: verdict(g),
            ready: g.ready && g.assessed,
        })
        .collect();
    let changed = overview
        .changed
        .iter()
        .map(|n| ChangeRow {
            subject: n.subject.clone(),
            link: n.link.clone(),
            at: trellis_app::time::date_time(n.at),
        })
        .collect();
    let pending_requests = overview
        .todo
        .iter()
        .filter(|t| t.kind == "peer-input")
        .count();
    let todo = overview
        .todo
        .iter()
        .map(|t| TodoRow {
            when: match (t.kind, &t.due) {
                ("check-in", Some(d)) => format!("on {d}"),
                (_, Some(d)) => format!("due {d}"),
                (_, None) => format!("since {}", trellis_app::time::date(t.since)),
            },
            text: t.text.clone(),
            href: t.href.clone(),
        })
        .collect();
    let page = HomePage {
        todo,
        frame: Frame::new(Some(&ctx), "Home", "home"),
        me_href: format!("/people/{}", me.id),
        pending_requests,
        name: me.name.clone(),
        role,
        role_missing,
        manager,
        team,
        indirect: overview.indirect_reports,
        reports,
        glance,
        changed,
        sees_everyone: me.system_role != SystemRole::Member,
        framework: current
            .as_ref()
            .map(|c| name_with_version(&c.summary.name, &c.summary.version)),
    };
    render(&page)
}
