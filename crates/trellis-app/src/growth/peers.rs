//! Peer input: asking a peer about some skills of an assessment, and the peer's answer.

use crate::notifications;
use trellis_model::EffectiveRequirement;
use trellis_store::prelude::*;
use trellis_store::{PeerRequest, PersonId, Stage, StoreError};
use trellis_store_sql::Database;

use super::*;
use crate::App;
use crate::access::{self, Actor};
use crate::error::{AppError, AppResult};

// ---------------------------------------------------------------------------------------------
// Peers.

pub async fn request_peer(
    app: &App,
    actor: &Actor,
    a: &AssessmentCtx,
    peer: Option<PersonId>,
    skills: Vec<String>,
) -> AppResult<PeerRequest> {
    if !a.relation.may_request_peers() {
        return Err(access::deny(
            app.store(),
            &actor.audit(),
            a.target(),
            format!(
                "Only {} and their managers can ask for peer input.",
                a.person.name
            ),
        )
        .await);
    }
    if a.assessment.stage == Stage::Agreed {
        return Err(AppError::conflict(
            "This assessment is closed: its outcome has been agreed, so it takes no more input.",
        ));
    }
    let mut problems: Vec<(String, String)> = Vec::new();
    let peer = match peer {
        None => {
            problems.push(("peer_id".into(), "Choose whom to ask.".into()));
            None
        }
        Some(id) => match app.store().person(id).await {
            Ok(p) if !p.active => {
                problems.push((
                    "peer_id".into(),
                    format!("{} has left; choose someone else.", p.name),
                ));
                None
            }
            Ok(p) if p.id == actor.id() => {
                problems.push(("peer_id".into(), "Ask someone other than yourself.".into()));
                None
            }
            Ok(p) if p.id == a.person.id => {
                problems.push((
                    "peer_id".into(),
                    "A peer is someone other than the person assessed.".into(),
                ));
                None
            }
            Ok(p) => Some(p),
            Err(StoreError::NotFound(_)) => {
                problems.push(("peer_id".into(), "There is no such person.".into()));
                None
            }
            Err(e) => return Err(e.into()),
        },
    };
    let mut chosen: Vec<String> = Vec::new();
    for s in skills.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if a.requirement(s).is_none() {
            problems.push((
                "skills".into(),
                format!(
                    "`{s}` is not a requirement of {}; ask only about its requirements.",
                    a.profile.title
                ),
            ));
        } else if !chosen.iter().any(|c| c == s) {
            chosen.push(s.to_owned());
        }
    }
    if chosen.is_empty() && !problems.iter().any(|(f, _)| f == "skills") {
        problems.push((
            "skills".into(),
            "Choose at least one skill to ask about.".into(),
        ));
    }
    if !problems.is_empty() {
        return Err(AppError::fields(problems));
    }
    let peer = peer.ok_or_else(|| AppError::field("peer_id", "Choose whom to ask."))?;
    let notices = notifications::peer_asked(actor, a, &peer);
    Ok(app
        .store()
        .request_peer_input(
            a.assessment.id,
            peer.id,
            chosen,
            actor.id(),
            notices,
            &actor.audit(),
        )
        .await?)
}

/// The email address in what was typed into the peer picker: the address itself, or the
/// `Name <address>` a list of names offers.
fn typed_email(text: &str) -> &str {
    let text = text.trim();
    match (text.rfind('<'), text.ends_with('>')) {
        (Some(start), true) => text[start + 1..text.len() - 1].trim(),
        _ => text,
    }
}

/// [`request_peer`] with the peer named by their email address (as the pages' picker sends it),
/// anyone active in the organisation but the person assessed; problems with the peer are on the
/// field `peer`.
pub async fn request_peer_by_email(
    app: &App,
    actor: &Actor,
    a: &AssessmentCtx,
    peer: &str,
    skills: Vec<String>,
) -> AppResult<PeerRequest> {
    if !a.relation.may_request_peers() {
        // Decided (and audited) before any address is looked up.
        return request_peer(app, actor, a, None, skills).await;
    }
    let email = typed_email(peer);
    let found = if email.is_empty() {
        None
    } else {
        app.store().person_by_email(&email.to_lowercase()).await?
    };
    let id = match (&found, email.is_empty()) {
        (_, true) => None,
        (Some(p), _) if p.active => Some(p.id),
        (Some(p), _) => {
            return Err(AppError::field(
                "peer",
                format!("{} has left the organisation; choose someone else.", p.name),
            ));
        }
        (None, _) => {
            return Err(AppError::field(
                "peer",
                format!(
                    "Nobody in the organisation has the email address “{email}”. Choose someone                      from the list, or type their work email address."
                ),
            ));
        }
    };
    request_peer(app, actor, a, id, skills)
        .await
        .map_err(|e| match e {
            AppError::Invalid(problems) => AppError::Invalid(
                problems
                    .into_iter()
                    .map(|mut p| {
                        if p.field == "peer_id" {
                            p.field = "peer".into();
                        }
                        p
                    })
                    .collect(),
            ),
            other => other,
        })
}

/// What anyone is told of a request for input that does not exist, or was sent to someone else.
pub const NO_SUCH_REQUEST: &str = "There is no such request for input.";

pub async fn load_peer_request(store: &Database, id: i64) -> AppResult<PeerRequest> {
    store.peer_request(id).await.map_err(|e| match e {
        StoreError::NotFound(_) => AppError::not_found(NO_SUCH_REQUEST),
        other => other.into(),
    })
}

pub async fn submit_peer(
    app: &App,
    actor: &Actor,
    request: &PeerRequest,
    a: &AssessmentCtx,
    ratings: Vec<RatingInput>,
) -> AppResult<PeerRequest> {
    if request.peer_id != actor.id() {
        return Err(access::hide(
            app.store(),
            &actor.audit(),
            format!("peer-request:{}", request.id),
            NO_SUCH_REQUEST,
        )
        .await);
    }
    if request.submitted_at.is_some() {
        return Err(AppError::conflict(
            "You have already answered this request.",
        ));
    }
    if a.assessment.stage == Stage::Agreed {
        return Err(AppError::conflict(
            "This assessment is closed: its outcome was agreed before you answered.",
        ));
    }
    let allowed: Vec<&EffectiveRequirement> = request
        .skills
        .iter()
        .filter_map(|s| a.requirement(s))
        .collect();
    let ratings = check_ratings(a.framework(), &allowed, &a.profile.title, ratings, true)
        .map_err(super::assessments::refused_ratings)?;
    app.store()
        .submit_peer_input(
            request.id,
            ratings,
            notifications::peer_given(actor, a, request),
            &actor.audit(),
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => {
                AppError::conflict("You have already answered this request.")
            }
            other => other.into(),
        })
}
