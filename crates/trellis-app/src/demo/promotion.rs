//! Promotion cases for the demo organisation: one decided (Aisha in Search & Discovery, approved
//! to Staff Engineer from the first of last month, the role level changed) and one with its panel
//! (Hannah's, one vote cast and Nadia's still to come, so that her to-do list asks for it).

use trellis_model::Framework;
use trellis_store::prelude::*;
use trellis_store::{
    CaseOutcome, NewPromotion, PanelVote, Person, PersonId, PromotionDecision, PromotionId,
};
use trellis_store_sql::Database;

use super::{DAY, as_person, email};
use crate::bootstrap::BootstrapError;
use crate::time::{date, now_millis, parse_date};

/// Opens, writes, comments on, names the panel of and submits a case; returns its id.
#[allow(clippy::too_many_arguments)]
async fn submitted(
    store: &Database,
    person: &Person,
    target: &str,
    version: i64,
    manager: PersonId,
    panel: Vec<PersonId>,
    text: &str,
    comment: &str,
    start: i64,
) -> Result<PromotionId, BootstrapError> {
    let case = store
        .open_promotion(
            NewPromotion {
                person_id: person.id,
                role_level: target.to_owned(),
                framework_version_id: version,
            },
            Vec::new(),
            &as_person(manager, start),
        )
        .await?;
    store
        .write_promotion(
            case.id,
            text.to_owned(),
            None,
            &as_person(manager, start + DAY),
        )
        .await?;
    store
        .comment_on_promotion(
            case.id,
            comment.to_owned(),
            Vec::new(),
            &as_person(person.id, start + 2 * DAY),
        )
        .await?;
    store
        .set_promotion_panel(case.id, panel, &as_person(manager, start + 3 * DAY))
        .await?;
    store
        .submit_promotion(case.id, Vec::new(), &as_person(manager, start + 4 * DAY))
        .await?;
    Ok(case.id)
}

/// Loads the two cases; returns how many were made. Missing people or levels make none.
pub(super) async fn load(
    store: &Database,
    fw: &Framework,
    version: i64,
) -> Result<usize, BootstrapError> {
    let find = |handle: &'static str| async move { store.person_by_email(&email(handle)).await };
    let (Some(amara), Some(daniel), Some(nadia), Some(grace)) = (
        find("amara.okafor").await?,
        find("daniel.cohen").await?,
        find("nadia.rahman").await?,
        find("grace.mensah").await?,
    ) else {
        return Ok(0);
    };
    let next_of = |p: &Person| {
        let current = trellis_model::resolve(fw, p.role_level.as_deref()?).ok()?;
        current.next
    };
    let now = now_millis();
    let mut made = 0;

    // Decided: approved from the first of last month, so the role level has changed.
    if let Some(aisha) = find("aisha.bello").await?
        && let Some(target) = next_of(&aisha)
    {
        let start = now - 75 * DAY;
        let id = submitted(
            store,
            &aisha,
            &target,
            version,
            daniel.id,
            vec![amara.id, nadia.id],
            "Aisha has led the search index migration end to end: she wrote the plan, \
             brought three teams along and ran the cut-over without a customer-facing incident.\
             \n\nShe now sets technical direction for Search & Discovery, and two engineers she \
             mentored lead work of their own.",
            "Thank you. Could you mention the incident review process I introduced?",
            start,
        )
        .await?;
        for (who, reason, at) in [
            (
                amara.id,
                "The migration evidence is strong and corroborated.",
                6,
            ),
            (nadia.id, "Sets direction beyond the team; ready.", 7),
        ] {
            store
                .cast_promotion_vote(
                    id,
                    PanelVote::Approve,
                    reason.into(),
                    &as_person(who, start + at * DAY),
                )
                .await?;
        }
        let today = date(now);
        let first_of_last_month = {
            let (y, m) = (&today[..4], &today[5..7]);
            let (y, m): (i32, u32) = (y.parse().unwrap_or(2026), m.parse().unwrap_or(1));
            let (y, m) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
            format!("{y:04}-{m:02}-01")
        };
        let since = parse_date(&first_of_last_month).unwrap_or(now);
        store
            .decide_promotion(
                id,
                PromotionDecision {
                    outcome: CaseOutcome::Approved,
                    reason: "The panel agreed unanimously: the evidence meets every critical \
                             requirement."
                        .into(),
                    missing: None,
                    effective_on: Some(first_of_last_month),
                },
                Some(since),
                Vec::new(),
                &as_person(grace.id, start + 10 * DAY),
            )
            .await?;
        made += 1;
    }

    // Waiting on the panel: Daniel has voted, Nadia has not.
    if let Some(hannah) = find("hannah.schmidt").await?
        && let Some(target) = next_of(&hannah)
    {
        let start = now - 14 * DAY;
        let id = submitted(
            store,
            &hannah,
            &target,
            version,
            amara.id,
            vec![daniel.id, nadia.id],
            "Hannah owns the refunds service and has shipped the new invoice flow this half.\
             \n\nShe reviews most of the team's changes and ran two incident reviews.",
            "I would add the accessibility work on the payment form.",
            start,
        )
        .await?;
        store
            .cast_promotion_vote(
                id,
                PanelVote::Approve,
                "Clear ownership of refunds; the invoice flow is good evidence.".into(),
                &as_person(daniel.id, start + 6 * DAY),
            )
            .await?;
        made += 1;
    }
    Ok(made)
}
