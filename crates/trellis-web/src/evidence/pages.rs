//! A person's evidence: the list, grouped by skill, and the form that adds a piece.

use std::collections::HashMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use trellis_app::growth::{self, EvidenceInput};
use trellis_app::time::{date, date_time};
use trellis_app::{Actor, AppError, Relation};
use trellis_model::Framework;
use trellis_store::prelude::*;
use trellis_store::{Evidence, PersonId};

use crate::auth::{Ctx, OnRecord};
use crate::error::WebError;
use crate::extract::{PageForm, QueryParams};
use crate::html::form::{Fields, all_of, field};
use crate::html::view::{Choice, FieldErrors};
use crate::html::{Frame, render, render_status};
use crate::state::AppState;

#[derive(Debug, Default)]
struct EvidenceForm {
    happened_on: String,
    title: String,
    description: String,
    links: String,
    skills: Vec<String>,
    corroborators: String,
}

/// Skills chosen with checkboxes: a first group (the person's role level's skills, or the
/// requirements asked about), then the others by category in a disclosure.
#[derive(Debug)]
pub(crate) struct SkillPicker {
    /// The form field, and the fieldset's id.
    pub name: &'static str,
    pub legend: String,
    pub primary_heading: String,
    pub primary: Vec<Choice>,
    pub others: Vec<SkillGroup>,
    pub selected: Vec<String>,
}

impl SkillPicker {
    pub(crate) fn is_selected(&self, skill: &str) -> bool {
        self.selected.iter().any(|s| s == skill)
    }

    pub(crate) fn any_other_selected(&self) -> bool {
        self.others
            .iter()
            .flat_map(|g| &g.skills)
            .any(|c| self.is_selected(&c.value))
    }

    /// Every skill of the framework, those of the person's role level first (by name), the
    /// others by category.
    pub(crate) fn for_person(
        fw: &Framework,
        role_level: Option<&str>,
        legend: &str,
        selected: Vec<String>,
    ) -> SkillPicker {
        let profile = role_level.and_then(|l| trellis_model::resolve(fw, l).ok());
        let mut primary: Vec<Choice> = profile
            .as_ref()
            .map(|p| {
                p.requirements
                    .iter()
                    .map(|r| Choice::new(r.skill.clone(), r.skill_name.clone()))
                    .collect()
            })
            .unwrap_or_default();
        primary.sort_by(|a, b| a.label.cmp(&b.label));
        let mut others = skill_groups(fw);
        for g in &mut others {
            g.skills
                .retain(|c| !primary.iter().any(|p| p.value == c.value));
        }
        others.retain(|g| !g.skills.is_empty());
        SkillPicker {
            name: "skills",
            legend: legend.to_owned(),
            primary_heading: profile
                .map(|p| format!("Skills of {}", p.title))
                .unwrap_or_default(),
            primary,
            others,
            selected,
        }
    }
}

#[derive(Debug)]
pub(crate) struct SkillGroup {
    pub category: String,
    pub skills: Vec<Choice>,
}

/// Every skill of a framework, grouped by category, for multi-selects.
pub(crate) fn skill_groups(fw: &Framework) -> Vec<SkillGroup> {
    let mut groups: Vec<SkillGroup> = Vec::new();
    for s in &fw.skills {
        let category = s.category.clone().unwrap_or_else(|| "Other".to_owned());
        match groups.iter_mut().find(|g| g.category == category) {
            Some(g) => g.skills.push(Choice::new(s.id.clone(), s.name.clone())),
            None => groups.push(SkillGroup {
                category,
                skills: vec![Choice::new(s.id.clone(), s.name.clone())],
            }),
        }
    }
    for g in &mut groups {
        g.skills.sort_by(|a, b| a.label.cmp(&b.label));
    }
    groups
}

/// One piece of evidence as shown.
#[derive(Debug)]
pub(crate) struct EvidenceView {
    pub id: i64,
    pub date: String,
    pub title: String,
    pub description: String,
    pub links: Vec<String>,
    pub skills: Vec<String>,
    pub corroborators: Vec<String>,
    pub added: String,
    /// Where to edit or delete it, for whoever may (on the evidence page).
    pub change: Option<EvidenceChange>,
}

#[derive(Debug)]
pub(crate) struct EvidenceChange {
    pub edit_href: String,
    pub delete_action: String,
    pub csrf: String,
}

pub(crate) fn evidence_views(
    fw: &Framework,
    evidence: &[Evidence],
    names: &HashMap<PersonId, String>,
) -> Vec<EvidenceView> {
    evidence
        .iter()
        .map(|e| EvidenceView {
            id: e.id,
            date: e.happened_on.clone(),
            title: e.title.clone(),
            description: e.description.clone(),
            links: e.links.clone(),
            skills: e
                .skills
                .iter()
                .map(|s| fw.skill(s).map_or_else(|| s.clone(), |k| k.name.clone()))
                .collect(),
            corroborators: e.corroborators.clone(),
            added: format!(
                "Added by {} on {}",
                names.get(&e.created_by).cloned().unwrap_or_default(),
                date(e.created_at)
            ),
            change: None,
        })
        .collect()
}

#[derive(Debug, Template)]
#[template(path = "evidence/evidence.html")]
struct EvidencePage {
    frame: Frame,
    person_id: PersonId,
    person_name: String,
    is_self: bool,
    form: EvidenceForm,
    errors: FieldErrors,
    skills: SkillPicker,
    notice: Option<&'static str>,
    entries: Vec<EvidenceView>,
    /// The next (older) page, and the first, when this is not it.
    older: Option<String>,
    newest: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "evidence/edit.html")]
struct EditPage {
    frame: Frame,
    person_id: PersonId,
    person_name: String,
    evidence_id: i64,
    title: String,
    added: String,
    form: EvidenceForm,
    errors: FieldErrors,
    skills: SkillPicker,
    /// What it read before each edit, the latest replaced first.
    history: Vec<VersionRow>,
}

/// One earlier version of a piece of evidence, as the edit page lists it.
#[derive(Debug)]
struct VersionRow {
    replaced: String,
    happened_on: String,
    title: String,
    description: String,
    skills: String,
    links: Vec<String>,
    corroborators: String,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AddedQuery {
    added: Option<String>,
    updated: Option<String>,
    deleted: Option<String>,
    /// Where the page starts (the "Older evidence" link's).
    cursor: Option<String>,
}

const SKILLS_LEGEND: &str = "Skills it shows";

/// The evidence page of a person: the form, and one page of their evidence (the newest when
/// `cursor` is `None`).
async fn evidence_page(
    state: &AppState,
    (actor, ctx): (&Actor, &Ctx),
    person: PersonId,
    cursor: Option<&str>,
    form: EvidenceForm,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<EvidencePage, WebError> {
    let (person, relation, page) = state
        .app()
        .evidence()
        .page_of_person(actor, person, cursor, None)
        .await?;
    let person = &person;
    let current = state
        .current_framework()
        .await?
        .ok_or_else(|| WebError::not_found_because("No framework has been published yet."))?;
    let evidence = page.evidence;
    let link = |cursor: &str| {
        format!(
            "/people/{}/evidence?{}#log-heading",
            person.id,
            serde_urlencoded::to_string([("cursor", cursor)]).unwrap_or_default()
        )
    };
    let older = page.next.as_deref().map(link);
    let newest = cursor
        .filter(|c| !c.trim().is_empty())
        .map(|_| format!("/people/{}/evidence#log-heading", person.id));
    let ids: Vec<PersonId> = evidence.iter().map(|e| e.created_by).collect();
    let names = growth::names(state.store(), ids).await?;
    let frame = Frame::new(Some(ctx), format!("Evidence: {}", person.name), "people");
    let mut entries = evidence_views(&current.framework, &evidence, &names);
    for (view, e) in entries.iter_mut().zip(&evidence) {
        let viewer = ctx.caller.as_ref().map(|c| c.id());
        if viewer.is_some_and(|v| growth::may_change_evidence(v, e)) {
            view.change = Some(EvidenceChange {
                edit_href: format!("/people/{}/evidence/{}/edit", person.id, e.id),
                delete_action: format!("/people/{}/evidence/{}/delete", person.id, e.id),
                csrf: frame.csrf.clone(),
            });
        }
    }
    let skills = SkillPicker::for_person(
        &current.framework,
        person.role_level.as_deref(),
        SKILLS_LEGEND,
        form.skills.clone(),
    );
    Ok(EvidencePage {
        frame,
        person_id: person.id,
        person_name: person.name.clone(),
        is_self: relation == Relation::Myself,
        form,
        errors,
        skills,
        notice,
        entries,
        older,
        newest,
    })
}

/// `GET /people/{id}/evidence`: the evidence log with the form to add to it.
pub async fn evidence(
    on: OnRecord<PersonId>,
    QueryParams(q): QueryParams<AddedQuery>,
) -> Result<Response, WebError> {
    let id = on.id;
    let form = EvidenceForm {
        happened_on: date(trellis_app::time::now_millis()),
        ..EvidenceForm::default()
    };
    let page = evidence_page(
        &on.state,
        (&on.actor, &on.ctx),
        id,
        q.cursor.as_deref(),
        form,
        FieldErrors::default(),
        if q.added.is_some() {
            Some("The evidence is added. It shows next to each skill it supports.")
        } else if q.updated.is_some() {
            Some("The evidence is updated; its earlier version is kept in its history.")
        } else if q.deleted.is_some() {
            Some("The evidence is deleted. It no longer counts toward readiness.")
        } else {
            None
        },
    )
    .await?;
    on.state.audit_read(
        on.ctx.audit(),
        "evidence.read",
        format!("person:{id}"),
        json!({ "view": "evidence-page" }),
    );
    Ok(render(&page)?.into_response())
}

/// `POST /people/{id}/evidence`: `happened_on`, `title`, `description`, `links` (one per line),
/// `skills` (repeated), `corroborators` (one per line).
pub async fn evidence_add(
    on: OnRecord<PersonId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let id = on.id;
    let (form, input) = typed_evidence(&f);
    match on.app().evidence().add(&on.actor, id, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/people/{id}/evidence?added=1")).into_response()),
        Err(refusal) => match refusal {
            AppError::Invalid(problems) => {
                let errors = FieldErrors::from(problems);
                let page = evidence_page(
                    &on.state,
                    (&on.actor, &on.ctx),
                    id,
                    None,
                    form,
                    errors,
                    None,
                )
                .await?;
                render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
            }
            e => Err(e.into()),
        },
    }
}

/// What an evidence form sent, to show again and to check.
fn typed_evidence(f: &Fields) -> (EvidenceForm, EvidenceInput) {
    let form = EvidenceForm {
        happened_on: field(f, "happened_on").unwrap_or_default().to_owned(),
        title: field(f, "title").unwrap_or_default().to_owned(),
        description: field(f, "description").unwrap_or_default().to_owned(),
        links: field(f, "links").unwrap_or_default().to_owned(),
        skills: all_of(f, "skills"),
        corroborators: field(f, "corroborators").unwrap_or_default().to_owned(),
    };
    let input = EvidenceInput {
        happened_on: form.happened_on.clone(),
        title: form.title.clone(),
        description: form.description.clone(),
        links: vec![form.links.clone()],
        skills: form.skills.clone(),
        corroborators: vec![form.corroborators.clone()],
    };
    (form, input)
}

async fn edit_page(
    state: &AppState,
    ctx: &Ctx,
    person: &trellis_store::Person,
    evidence: &Evidence,
    form: EvidenceForm,
    errors: FieldErrors,
) -> Result<EditPage, WebError> {
    let current = state
        .current_framework()
        .await?
        .ok_or_else(|| WebError::not_found_because("No framework has been published yet."))?;
    let mut versions = state.store().evidence_versions(evidence.id).await?;
    versions.sort_by_key(|v| std::cmp::Reverse(v.replaced_at));
    let mut people = vec![evidence.created_by];
    people.extend(versions.iter().map(|v| v.replaced_by));
    let names = growth::names(state.store(), people).await?;
    let skill_name = |id: &String| {
        current
            .framework
            .skill(id)
            .map_or_else(|| id.clone(), |s| s.name.clone())
    };
    let history = versions
        .iter()
        .map(|v| VersionRow {
            replaced: format!(
                "Replaced by {} on {}",
                names.get(&v.replaced_by).cloned().unwrap_or_default(),
                date_time(v.replaced_at)
            ),
            happened_on: v.happened_on.clone(),
            title: v.title.clone(),
            description: v.description.clone(),
            skills: v
                .skills
                .iter()
                .map(skill_name)
                .collect::<Vec<_>>()
                .join(", "),
            links: v.links.clone(),
            corroborators: v.corroborators.join(", "),
        })
        .collect();
    let skills = SkillPicker::for_person(
        &current.framework,
        person.role_level.as_deref(),
        SKILLS_LEGEND,
        form.skills.clone(),
    );
    Ok(EditPage {
        frame: Frame::new(
            Some(ctx),
            format!("Edit evidence: {}", evidence.title),
            "people",
        ),
        person_id: person.id,
        person_name: person.name.clone(),
        evidence_id: evidence.id,
        title: evidence.title.clone(),
        added: format!(
            "Added by {} on {}",
            names.get(&evidence.created_by).cloned().unwrap_or_default(),
            date(evidence.created_at)
        ),
        form,
        errors,
        skills,
        history,
    })
}

/// `GET /people/{id}/evidence/{evidence}/edit`: the form that edits a piece of evidence, and the
/// button that deletes it, for whoever added it and the person it is about.
pub async fn evidence_edit_form(on: OnRecord<(PersonId, i64)>) -> Result<Response, WebError> {
    let (id, evidence) = on.id;
    let (person, e) = on
        .app()
        .evidence()
        .changeable(&on.actor, id, evidence)
        .await?;
    let form = EvidenceForm {
        happened_on: e.happened_on.clone(),
        title: e.title.clone(),
        description: e.description.clone(),
        links: e.links.join("\n"),
        skills: e.skills.clone(),
        corroborators: e.corroborators.join("\n"),
    };
    let page = edit_page(
        &on.state,
        &on.ctx,
        &person,
        &e,
        form,
        FieldErrors::default(),
    )
    .await?;
    on.state.audit_read(
        on.ctx.audit(),
        "evidence.read",
        format!("person:{id}"),
        json!({ "view": "evidence-edit", "evidence": evidence }),
    );
    Ok(render(&page)?.into_response())
}

/// `POST /people/{id}/evidence/{evidence}`: the edited evidence, with the fields of the form that
/// adds it.
pub async fn evidence_update(
    on: OnRecord<(PersonId, i64)>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let (id, evidence) = on.id;
    let (form, input) = typed_evidence(&f);
    match on
        .app()
        .evidence()
        .edit(&on.actor, id, evidence, input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/people/{id}/evidence?updated=1#evidence-{evidence}"
        ))
        .into_response()),
        Err(AppError::Invalid(problems)) => {
            let (person, e) = on
                .app()
                .evidence()
                .changeable(&on.actor, id, evidence)
                .await?;
            let errors = FieldErrors::from(problems);
            let page = edit_page(&on.state, &on.ctx, &person, &e, form, errors).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /people/{id}/evidence/{evidence}/delete`: deletes it softly.
pub async fn evidence_delete(on: OnRecord<(PersonId, i64)>) -> Result<Response, WebError> {
    let (id, evidence) = on.id;
    on.app().evidence().delete(&on.actor, id, evidence).await?;
    Ok(Redirect::to(&format!("/people/{id}/evidence?deleted=1")).into_response())
}
