//! Stories of 1:1 check-ins: a series and its first meeting made together, one series per pair,
//! what each reader reads (the pair's shared entries and their own private notes, never someone
//! else's), action items that stay open across meetings until done, meetings held once, reminders
//! sent once, and audit events that never copy what was written.

use trellis_store::{
    Cadence, EntryKind, NewAction, NewCheckIn, NewEntry, Privacy, Store, StoreError,
};

use super::{assert_never_logged, by, events_of, next_meeting, notice_for, person, reporting_to};

fn weekly(person: i64, partner: i64) -> NewCheckIn {
    NewCheckIn {
        person_id: person,
        partner_id: partner,
        cadence: Cadence::Weekly,
        first_on: "2026-12-10".into(),
    }
}

fn entry(meeting: i64, kind: EntryKind, privacy: Privacy, body: &str) -> NewEntry {
    NewEntry {
        meeting_id: meeting,
        kind,
        privacy,
        body: body.into(),
    }
}

pub async fn check_ins_keep_each_readers_notes<S: Store>(store: S) {
    let mia = person(&store, "mia@example.com", "Mia").await;
    let ann = reporting_to(&store, "ann@example.com", "Ann", mia.id).await;
    let ola = person(&store, "ola@example.com", "Ola").await;

    let notice = notice_for(
        ann.id,
        "check_in.scheduled",
        "Mia set up check-ins with you",
        "/check-ins/{id}",
    );
    let c = store
        .create_check_in(weekly(ann.id, mia.id), vec![notice], &by(mia.id, 10))
        .await
        .unwrap();
    assert_eq!(
        (c.person_name.as_str(), c.partner_name.as_str()),
        ("Ann", "Mia")
    );
    assert_eq!(
        c.next_on.as_deref(),
        Some("2026-12-10"),
        "the first meeting comes with it"
    );
    assert_eq!(c.last_held_at, None);
    let inbox = store.notifications_of(ann.id, 10, None).await.unwrap();
    assert_eq!(inbox[0].link, format!("/check-ins/{}", c.id));
    // One series per pair.
    let again = store
        .create_check_in(weekly(ann.id, mia.id), vec![], &by(mia.id, 11))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(m)) if m.contains("already")));
    // Not with oneself, and only on a real day.
    assert!(matches!(
        store
            .create_check_in(weekly(ann.id, ann.id), vec![], &by(ann.id, 11))
            .await,
        Err(StoreError::Invalid(_))
    ));
    let bad_day = NewCheckIn {
        first_on: "next week".into(),
        ..weekly(ola.id, ann.id)
    };
    assert!(matches!(
        store.create_check_in(bad_day, vec![], &by(ann.id, 11)).await,
        Err(StoreError::Invalid(m)) if m.contains("YYYY-MM-DD")
    ));

    let first = store.check_in_record(c.id, ann.id).await.unwrap();
    let meeting = first.next_meeting().unwrap().id;
    let add = |author: i64, kind, privacy, body: &'static str| {
        let store = store.clone();
        async move {
            store
                .add_entry(
                    c.id,
                    entry(meeting, kind, privacy, body),
                    vec![],
                    &by(author, 20),
                )
                .await
        }
    };
    add(
        ann.id,
        EntryKind::Agenda,
        Privacy::Shared,
        "Conference talk",
    )
    .await
    .unwrap();
    add(mia.id, EntryKind::Agenda, Privacy::Shared, "Team moves")
        .await
        .unwrap();
    add(
        ann.id,
        EntryKind::Note,
        Privacy::Private,
        "ANN-PRIVATE worry",
    )
    .await
    .unwrap();
    add(
        mia.id,
        EntryKind::Note,
        Privacy::Private,
        "MIA-PRIVATE thought",
    )
    .await
    .unwrap();
    add(
        mia.id,
        EntryKind::Note,
        Privacy::Shared,
        "Agreed to pair more",
    )
    .await
    .unwrap();
    // An agenda item is always shared.
    assert!(
        add(ann.id, EntryKind::Agenda, Privacy::Private, "x")
            .await
            .is_err()
    );
    assert!(matches!(
        add(ann.id, EntryKind::Note, Privacy::Shared, "   ").await,
        Err(StoreError::Invalid(_))
    ));

    let bodies = |reader: i64| {
        let store = store.clone();
        async move {
            let r = store.check_in_record(c.id, reader).await.unwrap();
            r.entries.into_iter().map(|e| e.body).collect::<Vec<_>>()
        }
    };
    assert_eq!(
        bodies(ann.id).await,
        [
            "Conference talk",
            "Team moves",
            "ANN-PRIVATE worry",
            "Agreed to pair more"
        ]
    );
    assert_eq!(
        bodies(mia.id).await,
        [
            "Conference talk",
            "Team moves",
            "MIA-PRIVATE thought",
            "Agreed to pair more"
        ]
    );
    // Anyone else (an administrator who broke the glass, say) reads the shared entries only.
    assert_eq!(
        bodies(ola.id).await,
        ["Conference talk", "Team moves", "Agreed to pair more"]
    );

    // The audit log says who wrote what kind of entry, never the text.
    assert_eq!(events_of(&store, "check_in.note").await.len(), 3);
    assert_eq!(events_of(&store, "check_in.agenda").await.len(), 2);
    assert_never_logged(&store, "PRIVATE").await;
    assert_never_logged(&store, "Conference").await;

    // Unknown series are not found; the list is by either side.
    assert!(matches!(
        store.check_in_record(c.id + 100, ann.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.check_ins_of(mia.id).await.unwrap().len(), 1);
    assert_eq!(store.check_ins_of(ann.id).await.unwrap().len(), 1);
    assert!(store.check_ins_of(ola.id).await.unwrap().is_empty());
    // Each side's record carries the series, dates only, as the list does.
    for (who, other) in [(&ann, &mia), (&mia, &ann)] {
        let record = store.person_record(who.id).await.unwrap();
        assert_eq!(record.check_ins, store.check_ins_of(who.id).await.unwrap());
        assert_eq!(record.check_ins[0].other(who.id).1, other.name);
        assert!(record.check_ins[0].next_on.is_some());
    }
    assert!(
        store
            .person_record(ola.id)
            .await
            .unwrap()
            .check_ins
            .is_empty()
    );
}

pub async fn check_in_actions_carry_over_until_done<S: Store>(store: S) {
    let mia = person(&store, "mia@example.com", "Mia").await;
    let ann = reporting_to(&store, "ann@example.com", "Ann", mia.id).await;
    let c = store
        .create_check_in(weekly(ann.id, mia.id), vec![], &by(ann.id, 10))
        .await
        .unwrap();
    let first = store.check_in_record(c.id, ann.id).await.unwrap();
    let m1 = first.next_meeting().unwrap().id;
    let action = |body: &str, due: Option<&str>, raised_in| NewAction {
        check_in_id: c.id,
        raised_in,
        owner_id: ann.id,
        body: body.into(),
        due_on: due.map(Into::into),
    };
    let draft = store
        .add_action(
            action("Draft the RFC", Some("2026-12-20"), m1),
            vec![],
            &by(mia.id, 20),
        )
        .await
        .unwrap();
    assert_eq!(draft.owner_name, "Ann");
    store
        .add_action(action("Book the course", None, m1), vec![], &by(ann.id, 21))
        .await
        .unwrap();
    assert!(matches!(
        store
            .add_action(action("x", Some("soon"), m1), vec![], &by(ann.id, 21))
            .await,
        Err(StoreError::Invalid(_))
    ));

    // Held: the next meeting is planned, and both actions are still open at it.
    let next = store
        .hold_meeting(c.id, m1, Some("2026-12-17".into()), &by(mia.id, 30))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(next.on_date, "2026-12-17");
    // Holding it again, or writing to it, is a conflict: the next meeting is where things go.
    assert!(matches!(
        store.hold_meeting(c.id, m1, None, &by(mia.id, 31)).await,
        Err(StoreError::Conflict(_))
    ));
    let late = entry(m1, EntryKind::Agenda, Privacy::Shared, "late");
    assert!(matches!(
        store.add_entry(c.id, late, vec![], &by(ann.id, 31)).await,
        Err(StoreError::Conflict(_))
    ));
    let second = store.check_in_record(c.id, ann.id).await.unwrap();
    assert_eq!(second.check_in.next_on.as_deref(), Some("2026-12-17"));
    assert_eq!(second.check_in.last_held_at, Some(30));
    assert_eq!(second.meetings.len(), 2);
    assert_eq!(second.meetings[0].id, next.id, "the meeting to come first");
    let open: Vec<_> = second
        .actions
        .iter()
        .filter(|a| a.done_at.is_none())
        .collect();
    assert_eq!(open.len(), 2, "open actions carry over");

    // Done once, in the second meeting; then it no longer carries over.
    let done = store
        .complete_action(c.id, draft.id, &by(ann.id, 40))
        .await
        .unwrap();
    assert_eq!((done.done_at, done.done_by), (Some(40), Some(ann.id)));
    assert!(matches!(
        store.complete_action(c.id, draft.id, &by(ann.id, 41)).await,
        Err(StoreError::Conflict(_))
    ));
    // An action of another series is not found through this one.
    assert!(matches!(
        store
            .complete_action(c.id + 1, draft.id, &by(ann.id, 41))
            .await,
        Err(StoreError::NotFound(_))
    ));
    store
        .hold_meeting(c.id, next.id, Some("2026-12-24".into()), &by(mia.id, 50))
        .await
        .unwrap();
    let third = store.check_in_record(c.id, mia.id).await.unwrap();
    let open: Vec<_> = third
        .actions
        .iter()
        .filter(|a| a.done_at.is_none())
        .collect();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].body, "Book the course");

    // Moved: the open meeting changes day; after a last meeting, a new one is planned.
    let moved = store
        .reschedule(c.id, "2026-12-29".into(), &by(ann.id, 60))
        .await
        .unwrap();
    assert_eq!(moved.on_date, "2026-12-29");
    store
        .hold_meeting(c.id, moved.id, None, &by(ann.id, 70))
        .await
        .unwrap();
    assert_eq!(
        store
            .check_in_record(c.id, ann.id)
            .await
            .unwrap()
            .check_in
            .next_on,
        None
    );
    let planned = store
        .reschedule(c.id, "2027-01-05".into(), &by(ann.id, 80))
        .await
        .unwrap();
    assert_ne!(planned.id, moved.id);
    assert_eq!(events_of(&store, "check_in.held").await.len(), 3);
}

pub async fn check_in_reminders_go_once<S: Store>(store: S) {
    let mia = person(&store, "mia@example.com", "Mia").await;
    let ann = reporting_to(&store, "ann@example.com", "Ann", mia.id).await;
    let ola = person(&store, "ola@example.com", "Ola").await;
    let c = store
        .create_check_in(weekly(ann.id, mia.id), vec![], &by(ann.id, 10))
        .await
        .unwrap();
    let later = NewCheckIn {
        first_on: "2027-02-01".into(),
        ..weekly(ola.id, mia.id)
    };
    store
        .create_check_in(later, vec![], &by(ola.id, 10))
        .await
        .unwrap();

    assert!(
        store
            .meetings_due("2026-12-09", 10)
            .await
            .unwrap()
            .is_empty()
    );
    let due = store.meetings_due("2026-12-10", 10).await.unwrap();
    assert_eq!(due.len(), 1, "only the meeting on or before the day");
    assert_eq!(
        (due[0].check_in.id, due[0].on_date.as_str()),
        (c.id, "2026-12-10")
    );
    let remind = |to: i64| {
        notice_for(
            to,
            "check_in.tomorrow",
            "Check-in tomorrow",
            &format!("/check-ins/{}", c.id),
        )
    };
    let notices = vec![remind(ann.id), remind(mia.id)];
    let system = super::system(90);
    assert!(
        store
            .mark_reminded(due[0].meeting_id, notices.clone(), &system)
            .await
            .unwrap()
    );
    // A second server finding the same meeting writes nothing.
    assert!(
        !store
            .mark_reminded(due[0].meeting_id, notices, &system)
            .await
            .unwrap()
    );
    assert_eq!(store.unread_count(ann.id).await.unwrap(), 1);
    assert_eq!(store.unread_count(mia.id).await.unwrap(), 1);
    assert!(
        store
            .meetings_due("2026-12-10", 10)
            .await
            .unwrap()
            .is_empty()
    );
    // Moved to another day, it is reminded again.
    store
        .reschedule(c.id, "2026-12-12".into(), &by(ann.id, 95))
        .await
        .unwrap();
    assert_eq!(store.meetings_due("2026-12-12", 10).await.unwrap().len(), 1);

    // An action item due is found once for its owner's reminder.
    let open_meeting = next_meeting(&store, c.id, ann.id).await;
    let due = NewAction {
        check_in_id: c.id,
        raised_in: open_meeting,
        owner_id: ann.id,
        body: "Send the notes".into(),
        due_on: Some("2026-12-15".into()),
    };
    let action = store
        .add_action(due, vec![], &by(mia.id, 96))
        .await
        .unwrap();
    assert!(
        store
            .check_in_actions_due("2026-12-14", 10)
            .await
            .unwrap()
            .is_empty()
    );
    let found = store.check_in_actions_due("2026-12-15", 10).await.unwrap();
    assert_eq!(found.iter().map(|a| a.id).collect::<Vec<_>>(), [action.id]);
    assert!(
        store
            .mark_action_reminded(action.id, vec![], &system)
            .await
            .unwrap()
    );
    assert!(
        !store
            .mark_action_reminded(action.id, vec![], &system)
            .await
            .unwrap()
    );
    assert!(
        store
            .check_in_actions_due("2026-12-15", 10)
            .await
            .unwrap()
            .is_empty()
    );

    // Breaking the glass is recorded with its reason, which the audit log keeps too.
    let glass = store
        .break_glass(
            c.id,
            "Grievance 41 investigation".into(),
            vec![],
            &by(ola.id, 99),
        )
        .await
        .unwrap();
    assert_eq!(glass.by_name, "Ola");
    let record = store.check_in_record(c.id, ann.id).await.unwrap();
    assert_eq!(record.break_glass.len(), 1);
    assert_eq!(record.break_glass[0].reason, "Grievance 41 investigation");
    let events = events_of(&store, "check_in.break-glass").await;
    assert_eq!(events[0].details["reason"], "Grievance 41 investigation");
    assert!(matches!(
        store
            .break_glass(c.id, " ".into(), vec![], &by(ola.id, 99))
            .await,
        Err(StoreError::Invalid(_))
    ));
}

/// The person a series is about shares a note with someone beyond the pair: only a note they read,
/// only as themselves; the reader sees it with where it comes from; taken back, it is gone; the
/// audit names the note and the reader, never its words.
pub async fn a_person_shares_a_note_beyond_the_pair<S: Store>(store: S) {
    let mia = person(&store, "mia@example.com", "Mia").await;
    let ann = reporting_to(&store, "ann@example.com", "Ann", mia.id).await;
    let sam = person(&store, "sam@example.com", "Sam").await;
    let c = store
        .create_check_in(weekly(ann.id, mia.id), vec![], &by(mia.id, 10))
        .await
        .unwrap();
    let meeting = next_meeting(&store, c.id, ann.id).await;
    let add = |author: i64, privacy: Privacy, body: &str| {
        let new = entry(meeting, EntryKind::Note, privacy, body);
        let store = store.clone();
        async move {
            store
                .add_entry(c.id, new, vec![], &by(author, 20))
                .await
                .unwrap()
        }
    };
    let shared = add(mia.id, Privacy::Shared, "SECRET-SHARED growth plan agreed").await;
    let anns = add(
        ann.id,
        Privacy::Private,
        "SECRET-ANN nervous about the move",
    )
    .await;
    let mias = add(mia.id, Privacy::Private, "SECRET-MIA private thought").await;
    let agenda = store
        .add_entry(
            c.id,
            entry(meeting, EntryKind::Agenda, Privacy::Shared, "SECRET-AGENDA"),
            vec![],
            &by(ann.id, 21),
        )
        .await
        .unwrap();

    // Only Ann, whom the series is about, shares; only notes she reads.
    let notice = notice_for(
        sam.id,
        "check_in.note-shared",
        "Ann shared a note from a check-in with you",
        "/check-ins/shared",
    );
    for (entry, as_who) in [(shared.id, mia.id), (mias.id, ann.id), (agenda.id, ann.id)] {
        let refused = store
            .share_note(c.id, entry, sam.id, vec![], &by(as_who, 30))
            .await;
        assert!(
            matches!(refused, Err(StoreError::NotFound(_))),
            "{entry} as {as_who}: {refused:?}"
        );
    }
    let pair = store
        .share_note(c.id, shared.id, mia.id, vec![], &by(ann.id, 30))
        .await;
    assert!(matches!(pair, Err(StoreError::Invalid(_))), "{pair:?}");
    assert!(
        store
            .share_note(c.id, shared.id, sam.id, vec![notice], &by(ann.id, 31))
            .await
            .unwrap()
    );
    assert!(
        store
            .share_note(c.id, anns.id, sam.id, vec![], &by(ann.id, 32))
            .await
            .unwrap(),
        "her own private note too"
    );
    assert!(
        !store
            .share_note(c.id, anns.id, sam.id, vec![], &by(ann.id, 33))
            .await
            .unwrap(),
        "twice is once"
    );
    let inbox = store.notifications_of(sam.id, 10, None).await.unwrap();
    assert_eq!(inbox.len(), 1);

    let read = store.notes_shared_with(sam.id).await.unwrap();
    let bodies: Vec<&str> = read.iter().map(|n| n.body.as_str()).collect();
    assert_eq!(
        bodies,
        [
            "SECRET-ANN nervous about the move",
            "SECRET-SHARED growth plan agreed"
        ]
    );
    assert_eq!(
        (read[1].person_name.as_str(), read[1].partner_name.as_str()),
        ("Ann", "Mia")
    );
    assert_eq!(read[1].author_name, "Mia");
    assert!(store.notes_shared_with(mia.id).await.unwrap().is_empty());
    let shares = store.note_shares(c.id).await.unwrap();
    assert_eq!(shares.len(), 2);
    assert!(shares.iter().all(|s| s.shared_with_name == "Sam"));

    // Taken back: gone for Sam; only Ann takes it back.
    assert!(matches!(
        store
            .unshare_note(c.id, shared.id, sam.id, &by(mia.id, 40))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(
        store
            .unshare_note(c.id, shared.id, sam.id, &by(ann.id, 41))
            .await
            .unwrap()
    );
    let read = store.notes_shared_with(sam.id).await.unwrap();
    assert_eq!(read.len(), 1);
    assert_eq!(events_of(&store, "check_in.note-share").await.len(), 2);
    assert_eq!(events_of(&store, "check_in.note-unshare").await.len(), 1);
    assert_never_logged(&store, "SECRET").await;
}
