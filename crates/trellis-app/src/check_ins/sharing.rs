//! A note shared beyond the pair: what a pair writes is theirs alone unless the person the series
//! is about shares a note (one the pair shares, or one of their own private notes) with someone
//! they name, such as a skip-level manager or a mentor. They can take it back; the reader is told
//! in their inbox and reads the note on "Notes shared with you", each read audited.

use trellis_store::prelude::*;
use trellis_store::{NoteShare, PersonId, SharedNote, StoreError};

use super::{CheckInView, CheckIns, audited, notice, store_change};
use crate::access::{Actor, Seat};
use crate::error::{AppError, AppResult};

impl CheckIns<'_> {
    /// Shares a note of the series with the active person whose email is given. Only the person
    /// the series is about shares. Returns whether it was shared now (not already).
    pub async fn share_note(
        &self,
        actor: &Actor,
        view: &CheckInView,
        entry: i64,
        email: &str,
    ) -> AppResult<bool> {
        let shared = async {
            if view.seat != Seat::Person {
                return Err(AppError::forbidden(
                    "Only the person the check-ins are about shares their notes.",
                ));
            }
            let c = view.check_in();
            let email = email.trim();
            let reader = match self.app.store().person_by_email(email).await? {
                Some(p) if p.active => p,
                _ if email.is_empty() => {
                    return Err(AppError::field(
                        "email",
                        "Enter the email address of the person to share the note with.",
                    ));
                }
                _ => {
                    return Err(AppError::field(
                        "email",
                        "There is no active account with that email address.",
                    ));
                }
            };
            if c.has(reader.id) {
                return Err(AppError::field(
                    "email",
                    "The two of you read your shared notes already: name someone else.",
                ));
            }
            let tell = notice(
                reader.id,
                "check_in.note-shared",
                format!(
                    "{} shared a note from a check-in with you",
                    actor.person.name
                ),
                "/check-ins/shared".into(),
            );
            match self
                .app
                .store()
                .share_note(c.id, entry, reader.id, vec![tell], &actor.audit())
                .await
            {
                Err(StoreError::NotFound(_)) => Err(AppError::not_found(
                    "There is no such note of yours in these check-ins.",
                )),
                other => store_change(other),
            }
        }
        .await;
        audited(
            self.app,
            actor,
            "check_in.note-share",
            view.target(),
            shared,
        )
    }

    /// Takes back a note shared with someone; returns whether it was shared.
    pub async fn unshare_note(
        &self,
        actor: &Actor,
        view: &CheckInView,
        entry: i64,
        with: PersonId,
    ) -> AppResult<bool> {
        let taken = async {
            if view.seat != Seat::Person {
                return Err(AppError::forbidden(
                    "Only the person the check-ins are about shares their notes.",
                ));
            }
            store_change(
                self.app
                    .store()
                    .unshare_note(view.check_in().id, entry, with, &actor.audit())
                    .await,
            )
        }
        .await;
        audited(
            self.app,
            actor,
            "check_in.note-unshare",
            view.target(),
            taken,
        )
    }

    /// Who the notes of the series are shared with: for the person it is about only (their
    /// partner does not learn whom they confide in).
    pub async fn shares(&self, view: &CheckInView) -> AppResult<Vec<NoteShare>> {
        if view.seat != Seat::Person {
            return Ok(Vec::new());
        }
        Ok(self.app.store().note_shares(view.check_in().id).await?)
    }

    /// The notes shared with the caller, the latest first; the read is audited with the notes.
    pub async fn shared_with_me(&self, actor: &Actor) -> AppResult<Vec<SharedNote>> {
        let notes = self.app.store().notes_shared_with(actor.id()).await?;
        let entries: Vec<i64> = notes.iter().map(|n| n.entry_id).collect();
        self.app.audit_read(
            actor.audit(),
            "check_in.shared-read",
            format!("person:{}", actor.id()),
            serde_json::json!({ "entries": entries }),
        );
        Ok(notes)
    }
}
