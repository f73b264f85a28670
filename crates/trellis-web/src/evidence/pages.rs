//! A person's evidence: the list, grouped by skill, and the form that adds a piece.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use trellis_app::growth::{self, EvidenceInput};
use trellis_app::time::date;
use trellis_app::{AppError, Relation};
use trellis_model::Framework;
use trellis_store::prelude::*;
use trellis_store::{Evidence, PersonId};

use crate::auth::{Ctx, Me};
use crate::error::WebError;
use crate::extract::{PageForm, PathParams, QueryParams};
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

impl EvidenceForm {
    fn has_skill(&self, skill: &str) -> bool {
        self.skills.iter().any(|s| s == skill)
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
    groups: Vec<SkillGroup>,
    added: bool,
    entries: Vec<EvidenceView>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AddedQuery {
    added: Option<String>,
}

async fn evidence_page(
    state: &AppState,
    ctx: &Ctx,
    person: &trellis_store::Person,
    relation: Relation,
    form: EvidenceForm,
    errors: FieldErrors,
    added: bool,
) -> Result<EvidencePage, WebError> {
    let current = state
        .current_framework()
        .await?
        .ok_or_else(|| WebError::not_found_because("No framework has been published yet."))?;
    let evidence = state.store().evidence_of(person.id).await?;
    let ids: Vec<PersonId> = evidence.iter().map(|e| e.created_by).collect();
    let names = growth::names(state.store(), ids).await?;
    Ok(EvidencePage {
        frame: Frame::new(Some(ctx), format!("Evidence: {}", person.name), "people"),
        person_id: person.id,
        person_name: person.name.clone(),
        is_self: relation == Relation::Myself,
        form,
        errors,
        groups: skill_groups(&current.framework),
        added,
        entries: evidence_views(&current.framework, &evidence, &names),
    })
}

/// `GET /people/{id}/evidence`: the evidence log with the form to add to it.
pub async fn evidence(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<PersonId>,
    QueryParams(q): QueryParams<AddedQuery>,
) -> Result<Response, WebError> {
    let (person, relation) = growth::person_for(state.app(), &caller.actor(&ctx), id).await?;
    let form = EvidenceForm {
        happened_on: date(trellis_app::time::now_millis()),
        ..EvidenceForm::default()
    };
    let page = evidence_page(
        &state,
        &ctx,
        &person,
        relation,
        form,
        FieldErrors::default(),
        q.added.is_some(),
    )
    .await?;
    state.audit_read(
        ctx.audit(),
        "evidence.read",
        format!("person:{id}"),
        json!({ "view": "evidence-page" }),
    );
    Ok(render(&page)?.into_response())
}

/// `POST /people/{id}/evidence`: `happened_on`, `title`, `description`, `links` (one per line),
/// `skills` (repeated), `corroborators` (one per line).
pub async fn evidence_add(
    State(state): State<AppState>,
    Me(caller, ctx): Me,
    PathParams(id): PathParams<PersonId>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, WebError> {
    let form = EvidenceForm {
        happened_on: field(&f, "happened_on").unwrap_or_default().to_owned(),
        title: field(&f, "title").unwrap_or_default().to_owned(),
        description: field(&f, "description").unwrap_or_default().to_owned(),
        links: field(&f, "links").unwrap_or_default().to_owned(),
        skills: all_of(&f, "skills"),
        corroborators: field(&f, "corroborators").unwrap_or_default().to_owned(),
    };
    let input = EvidenceInput {
        happened_on: form.happened_on.clone(),
        title: form.title.clone(),
        description: form.description.clone(),
        links: vec![form.links.clone()],
        skills: form.skills.clone(),
        corroborators: vec![form.corroborators.clone()],
    };
    let actor = caller.actor(&ctx);
    match state.app().evidence().add(&actor, id, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/people/{id}/evidence?added=1")).into_response()),
        Err(refusal) => match refusal {
            AppError::Invalid(problems) => {
                let (person, relation) = growth::person_for(state.app(), &actor, id).await?;
                let mut errors = FieldErrors::default();
                for p in problems {
                    errors.add(p.field, p.message);
                }
                let page =
                    evidence_page(&state, &ctx, &person, relation, form, errors, false).await?;
                render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
            }
            e => Err(e.into()),
        },
    }
}
