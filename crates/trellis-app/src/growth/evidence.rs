//! Evidence: what happened, when, which skills it shows and who can vouch for it.

use trellis_model::Framework;
use trellis_store::{
    Evidence, EvidenceAfter, EvidenceId, NewEvidence, Person, PersonId, StoreError,
};

use crate::App;
use crate::access::{self, Actor};
use crate::error::{AppError, AppResult};
use trellis_store::prelude::*;

const MAX_TITLE: usize = 200;
const MAX_DESCRIPTION: usize = 10_000;
const MAX_LINKS: usize = 20;
const MAX_CORROBORATORS: usize = 20;

// ---------------------------------------------------------------------------------------------
// Evidence.

/// Evidence as typed in.
#[derive(Debug, Clone, Default)]
pub struct EvidenceInput {
    pub happened_on: String,
    pub title: String,
    pub description: String,
    pub links: Vec<String>,
    pub skills: Vec<String>,
    pub corroborators: Vec<String>,
}

fn lines(items: Vec<String>) -> Vec<String> {
    items
        .iter()
        .flat_map(|i| i.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn check_evidence(
    fw: &Framework,
    person: PersonId,
    input: EvidenceInput,
) -> Result<NewEvidence, Vec<(String, String)>> {
    let mut problems: Vec<(String, String)> = Vec::new();
    let mut add = |f: &str, m: String| problems.push((f.to_owned(), m));
    let happened_on = input.happened_on.trim().to_owned();
    match crate::time::parse_date(&happened_on) {
        None if happened_on.is_empty() => add("happened_on", "Enter the date it happened.".into()),
        None => add(
            "happened_on",
            "Enter the date as YYYY-MM-DD, for example 2026-03-14.".into(),
        ),
        // A day of slack for time zones ahead of UTC.
        Some(d) if d > crate::time::now_millis() + crate::time::day_ms() => {
            add("happened_on", "The date is in the future.".into());
        }
        Some(_) => {}
    }
    let title = input.title.trim().to_owned();
    if title.is_empty() {
        add("title", "Say in a few words what happened.".into());
    } else if title.chars().count() > MAX_TITLE {
        add(
            "title",
            format!("Keep the title to {MAX_TITLE} characters."),
        );
    }
    let description = input.description.trim().to_owned();
    if description.chars().count() > MAX_DESCRIPTION {
        add(
            "description",
            format!("Keep the description to {MAX_DESCRIPTION} characters."),
        );
    }
    let links = lines(input.links);
    if links.len() > MAX_LINKS {
        add("links", format!("Give at most {MAX_LINKS} links."));
    }
    for l in &links {
        let ok = (l.starts_with("https://") || l.starts_with("http://"))
            && l.len() <= 2_000
            && !l.chars().any(char::is_whitespace)
            && l.split_once("://")
                .is_some_and(|(_, rest)| !rest.is_empty());
        if !ok {
            add(
                "links",
                format!("`{l}` is not a web address; links start with https://."),
            );
            break;
        }
    }
    let mut skills: Vec<String> = Vec::new();
    for s in input
        .skills
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        if fw.skill(s).is_none() {
            add(
                "skills",
                format!("There is no skill `{s}` in the framework."),
            );
        } else if !skills.iter().any(|x| x == s) {
            skills.push(s.to_owned());
        }
    }
    if skills.is_empty() && !problems.iter().any(|(f, _)| f == "skills") {
        problems.push((
            "skills".into(),
            "Choose at least one skill this shows.".into(),
        ));
    }
    let corroborators = lines(input.corroborators);
    if corroborators.len() > MAX_CORROBORATORS {
        problems.push((
            "corroborators".into(),
            format!("Name at most {MAX_CORROBORATORS} people."),
        ));
    }
    if corroborators.iter().any(|c| c.chars().count() > 200) {
        problems.push((
            "corroborators".into(),
            "Give each person's name on its own line.".into(),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(NewEvidence {
        person_id: person,
        happened_on,
        title,
        description,
        links,
        skills,
        corroborators,
    })
}

pub async fn add_evidence(
    app: &App,
    actor: &Actor,
    person: &Person,
    input: EvidenceInput,
) -> AppResult<Evidence> {
    let current = app.current_framework().await?.ok_or_else(|| {
        AppError::conflict("No framework has been published yet, so there are no skills to link.")
    })?;
    let new = check_evidence(&current.framework, person.id, input).map_err(AppError::fields)?;
    Ok(app.store().add_evidence(new, &actor.audit()).await?)
}

/// Whether the actor may edit or delete a piece of evidence: whoever added it, or the person it
/// is about (seeing the person's records is decided before).
pub fn may_change_evidence(actor: PersonId, e: &Evidence) -> bool {
    actor == e.created_by || actor == e.person_id
}

/// A piece of a person's evidence the actor may change, with the person: refused (audited) for
/// anyone else; "no such evidence" when it is not the person's, or was deleted.
pub async fn changeable_evidence(
    app: &App,
    actor: &Actor,
    person: PersonId,
    id: EvidenceId,
) -> AppResult<(Person, Evidence)> {
    let (person, _) = super::person_for(app, actor, person).await?;
    let missing = || AppError::not_found("There is no such evidence.");
    let entry = match app.store().evidence_entry(id).await {
        Ok(e) if e.evidence.person_id == person.id => e,
        Ok(_) | Err(StoreError::NotFound(_)) => return Err(missing()),
        Err(e) => return Err(e.into()),
    };
    if !may_change_evidence(actor.id(), &entry.evidence) {
        return Err(access::deny(
            app.store(),
            &actor.audit(),
            format!("evidence:{id}"),
            format!(
                "Only whoever added this evidence, or {}, can change it.",
                person.name
            ),
        )
        .await);
    }
    if entry.deleted_at.is_some() {
        return Err(AppError::not_found("This evidence was deleted."));
    }
    Ok((person, entry.evidence))
}

/// Edits a piece of evidence; the version it replaces is kept.
pub async fn edit_evidence(
    app: &App,
    actor: &Actor,
    person: PersonId,
    id: EvidenceId,
    input: EvidenceInput,
) -> AppResult<Evidence> {
    let (person, _) = changeable_evidence(app, actor, person, id).await?;
    let current = app.current_framework().await?.ok_or_else(|| {
        AppError::conflict("No framework has been published yet, so there are no skills to link.")
    })?;
    let new = check_evidence(&current.framework, person.id, input).map_err(AppError::fields)?;
    app.store()
        .update_evidence(id, new, &actor.audit())
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => AppError::not_found("This evidence was deleted."),
            other => other.into(),
        })
}

/// Deletes a piece of evidence softly: it leaves the log and readiness; its history stays.
pub async fn delete_evidence(
    app: &App,
    actor: &Actor,
    person: PersonId,
    id: EvidenceId,
) -> AppResult<()> {
    changeable_evidence(app, actor, person, id).await?;
    app.store()
        .delete_evidence(id, &actor.audit())
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => AppError::not_found("This evidence was deleted."),
            other => other.into(),
        })
}

// ---------------------------------------------------------------------------------------------
// Pages of evidence.

/// How many pieces of evidence a page holds when the caller does not say.
pub const EVIDENCE_PAGE: u32 = 50;
/// The most a page holds, whatever the caller asks for.
pub const EVIDENCE_PAGE_MAX: u32 = 200;

/// One page of a person's evidence, newest first, and where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidencePage {
    pub evidence: Vec<Evidence>,
    /// The cursor of the next (older) page; `None` on the last one.
    pub next: Option<String>,
}

/// The cursor of the page after this piece: its date and id, `2026-03-14.42`. Opaque to callers,
/// who only send back what they were given; readable in logs.
pub fn evidence_cursor(e: &Evidence) -> String {
    format!("{}.{}", e.happened_on, e.id)
}

/// Reads a cursor made by [`evidence_cursor`]; a field problem on `field` otherwise. Any date of
/// the right shape is a place in the order (dates compare as text), so it need not be a real day;
/// an id has at most 18 digits, as the API documents it.
pub fn parse_evidence_cursor(field: &str, cursor: &str) -> AppResult<EvidenceAfter> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let parsed = cursor.split_once('.').and_then(|(day, id)| {
        let shape = day.len() == 10
            && day.split('-').map(str::len).eq([4, 2, 2])
            && day.split('-').all(digits);
        let id = Some(id)
            .filter(|id| digits(id) && id.len() <= 18 && !id.starts_with('0'))?
            .parse::<i64>()
            .ok()?;
        shape.then(|| EvidenceAfter {
            happened_on: day.to_owned(),
            id,
        })
    });
    parsed.ok_or_else(|| {
        AppError::field(
            field,
            "This is not a cursor of the evidence list: send back the `next` cursor of the page before, or leave it out for the first page.",
        )
    })
}

/// Checks the page size asked for: from 1 to [`EVIDENCE_PAGE_MAX`], [`EVIDENCE_PAGE`] when absent.
pub fn evidence_page_size(field: &str, limit: Option<u32>) -> AppResult<u32> {
    match limit {
        None => Ok(EVIDENCE_PAGE),
        Some(n) if (1..=EVIDENCE_PAGE_MAX).contains(&n) => Ok(n),
        Some(_) => Err(AppError::field(
            field,
            format!("Ask for 1 to {EVIDENCE_PAGE_MAX} pieces of evidence a page."),
        )),
    }
}

/// A page of a person's evidence (the person's access decided before): one more than the page
/// holds is read to know whether another page follows.
pub async fn evidence_page(
    app: &App,
    person: PersonId,
    after: Option<EvidenceAfter>,
    size: u32,
) -> AppResult<EvidencePage> {
    let mut evidence = app.store().evidence_page(person, after, size + 1).await?;
    let next = if evidence.len() > size as usize {
        evidence.truncate(size as usize);
        evidence.last().map(evidence_cursor)
    } else {
        None
    };
    Ok(EvidencePage { evidence, next })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_anything_else_is_named() {
        let e = Evidence {
            id: 42,
            person_id: 1,
            happened_on: "2026-03-14".into(),
            title: "t".into(),
            description: String::new(),
            links: vec![],
            skills: vec![],
            corroborators: vec![],
            created_by: 1,
            created_at: 0,
        };
        let cursor = evidence_cursor(&e);
        assert_eq!(cursor, "2026-03-14.42");
        assert_eq!(
            parse_evidence_cursor("cursor", &cursor).unwrap(),
            EvidenceAfter {
                happened_on: "2026-03-14".into(),
                id: 42
            }
        );
        for bad in [
            "",
            "42",
            "2026-03-14",
            "2026-3-14.1",
            "2026-03-14.01",
            "2026-03-14.1234567890123456789",
            "2026-03-14.-1",
            "2026-03-14.x",
            " 2026-03-14.1",
        ] {
            let err = parse_evidence_cursor("cursor", bad).unwrap_err();
            assert!(
                matches!(&err, AppError::Invalid(p) if p[0].field == "cursor"),
                "{bad:?}: {err:?}"
            );
        }
        assert_eq!(evidence_page_size("limit", None).unwrap(), EVIDENCE_PAGE);
        assert_eq!(
            evidence_page_size("limit", Some(EVIDENCE_PAGE_MAX)).unwrap(),
            200
        );
        assert!(evidence_page_size("limit", Some(0)).is_err());
        assert!(evidence_page_size("limit", Some(EVIDENCE_PAGE_MAX + 1)).is_err());
    }
}
