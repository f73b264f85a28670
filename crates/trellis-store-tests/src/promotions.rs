//! Stories of promotion cases: one undecided case per person and target, written and commented on
//! while a draft, sent to a named panel whose votes are independent (a member's vote is final once
//! they have been shown another), decided with a reason, and an approved case changing the
//! person's role level from its day, once.

use trellis_store::{
    CaseOutcome, CaseStatus, NewNotification, NewPromotion, PanelVote, PromotionDecision, Store,
    StoreError,
};

use super::growth::team;
use super::{by, events_of, notice_for, person};

fn notice(to: i64) -> NewNotification {
    notice_for(
        to,
        "promotion.opened",
        "A promotion case",
        "/promotions/{id}",
    )
}

pub async fn promotion_votes_are_independent_and_final_once_others_are_seen<S: Store>(store: S) {
    let t = team(&store).await;
    let (ann, mia) = (t.ann.id, t.mia.id);
    let zoe = person(&store, "zoe@example.com", "Zoe").await.id;
    let kim = person(&store, "kim@example.com", "Kim").await.id;
    let new = NewPromotion {
        person_id: ann,
        role_level: "engineering/senior-software-engineer".into(),
        framework_version_id: t.version,
    };
    let case = store
        .open_promotion(new.clone(), vec![notice(ann)], &by(mia, 10))
        .await
        .unwrap();
    assert_eq!(case.status, CaseStatus::Draft);
    assert_eq!(case.opened_by, mia);
    // The person is told, with a link to the case just made.
    let inbox = store.notifications_of(ann, 10, None).await.unwrap();
    assert_eq!(inbox[0].link, format!("/promotions/{}", case.id));
    // One undecided case per person and target.
    assert!(matches!(
        store.open_promotion(new, vec![], &by(mia, 11)).await,
        Err(StoreError::Conflict(_))
    ));
    // Not submitted without a written case and a panel.
    assert!(matches!(
        store.submit_promotion(case.id, vec![], &by(mia, 12)).await,
        Err(StoreError::Conflict(m)) if m.contains("written")
    ));
    let written = store
        .write_promotion(
            case.id,
            " Ann leads the platform work. ".into(),
            Some(case.revision),
            &by(mia, 13),
        )
        .await
        .unwrap();
    assert_eq!(written.case_text, "Ann leads the platform work.");
    assert!(matches!(
        store
            .write_promotion(case.id, "Stale".into(), Some(case.revision), &by(mia, 14))
            .await,
        Err(StoreError::Conflict(_))
    ));
    store
        .comment_on_promotion(
            case.id,
            "Thank you; add the migration.".into(),
            vec![],
            &by(ann, 15),
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .set_promotion_panel(case.id, vec![zoe, ann], &by(mia, 16))
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store
            .set_promotion_panel(case.id, vec![zoe, 999_999], &by(mia, 16))
            .await,
        Err(StoreError::Invalid(_))
    ));
    let panel = store
        .set_promotion_panel(case.id, vec![kim, zoe, kim], &by(mia, 17))
        .await
        .unwrap();
    assert_eq!(panel.len(), 2);
    // The list says what waits on its reader: Ann answered the written case; nobody votes yet.
    let listed = |reader| {
        let store = store.clone();
        async move {
            let list = store.promotion_list(Some(vec![ann]), reader).await.unwrap();
            assert_eq!(list.len(), 1);
            assert_eq!(list[0].case.id, case.id);
            (list[0].unvoted_seats, list[0].comments_since_written)
        }
    };
    assert_eq!(listed(ann).await, (0, 1));
    assert_eq!(listed(zoe).await, (1, 0), "a seat without a vote");
    // No vote on a draft.
    assert!(matches!(
        store
            .cast_promotion_vote(case.id, PanelVote::Approve, "Yes".into(), &by(zoe, 18))
            .await,
        Err(StoreError::Conflict(_))
    ));
    store
        .submit_promotion(case.id, vec![], &by(mia, 19))
        .await
        .unwrap();
    // No more comments, writing or panel changes once submitted.
    assert!(matches!(
        store
            .comment_on_promotion(case.id, "Late".into(), vec![], &by(ann, 20))
            .await,
        Err(StoreError::Conflict(_))
    ));
    for members in [vec![zoe], vec![zoe, kim, mia]] {
        assert!(matches!(
            store
                .set_promotion_panel(case.id, members, &by(mia, 20))
                .await,
            Err(StoreError::Conflict(_))
        ));
    }
    let seated: Vec<_> = store
        .promotion_record(case.id)
        .await
        .unwrap()
        .panel
        .iter()
        .map(|s| s.member_id)
        .collect();
    assert_eq!(seated.len(), 2);
    assert!(seated.contains(&zoe) && seated.contains(&kim));
    // Only panel members vote; a reason is required.
    assert!(matches!(
        store
            .cast_promotion_vote(case.id, PanelVote::Approve, "Yes".into(), &by(mia, 21))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .cast_promotion_vote(case.id, PanelVote::Approve, "  ".into(), &by(zoe, 21))
            .await,
        Err(StoreError::Invalid(_))
    ));
    // Zoe votes first; being shown the (no) other votes does not fix her vote.
    store
        .cast_promotion_vote(case.id, PanelVote::NotYet, "Unsure".into(), &by(zoe, 22))
        .await
        .unwrap();
    assert!(!store.mark_votes_seen(case.id, zoe, 23).await.unwrap());
    assert_eq!(listed(zoe).await, (0, 0), "voted");
    assert_eq!(listed(kim).await, (1, 0));
    // Kim has not voted: nothing is marked for him, whatever he reads.
    assert!(!store.mark_votes_seen(case.id, kim, 23).await.unwrap());
    let changed = store
        .cast_promotion_vote(
            case.id,
            PanelVote::Approve,
            "The evidence convinced me".into(),
            &by(zoe, 24),
        )
        .await
        .unwrap();
    assert_eq!(changed.vote.0, Some(PanelVote::Approve));
    store
        .cast_promotion_vote(
            case.id,
            PanelVote::Approve,
            "Clear impact".into(),
            &by(kim, 25),
        )
        .await
        .unwrap();
    // Kim is shown Zoe's vote: from then on his own is final; Zoe, not shown Kim's yet, may
    // still change hers.
    assert!(store.mark_votes_seen(case.id, kim, 26).await.unwrap());
    assert!(matches!(
        store.cast_promotion_vote(case.id, PanelVote::NotYet, "Second thoughts".into(), &by(kim, 27)).await,
        Err(StoreError::Conflict(m)) if m.contains("final")
    ));
    store
        .cast_promotion_vote(
            case.id,
            PanelVote::Approve,
            "Strong evidence".into(),
            &by(zoe, 28),
        )
        .await
        .unwrap();
    assert!(store.mark_votes_seen(case.id, zoe, 29).await.unwrap());
    assert!(matches!(
        store
            .cast_promotion_vote(case.id, PanelVote::NotYet, "No".into(), &by(zoe, 30))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let record = store.promotion_record(case.id).await.unwrap();
    let kims = record.panel.iter().find(|s| s.member_id == kim).unwrap();
    assert_eq!(
        (kims.vote.0, kims.reason.as_deref()),
        (Some(PanelVote::Approve), Some("Clear impact"))
    );
    assert_eq!(record.comments.len(), 1);
    // A decision needs a reason, and "not yet" says what is missing.
    let not_yet = PromotionDecision {
        outcome: CaseOutcome::NotYet,
        reason: " ".into(),
        missing: Some("Lead a migration".into()),
        effective_on: None,
    };
    assert!(matches!(
        store
            .decide_promotion(case.id, not_yet.clone(), None, vec![], &by(mia, 31))
            .await,
        Err(StoreError::Invalid(_))
    ));
    let no_missing = PromotionDecision {
        reason: "Close".into(),
        missing: None,
        ..not_yet
    };
    assert!(matches!(
        store
            .decide_promotion(case.id, no_missing, None, vec![], &by(mia, 31))
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        store.promotion(case.id).await.unwrap().status,
        CaseStatus::Submitted
    );
    let votes = events_of(&store, "promotion.vote").await;
    assert_eq!(votes.len(), 4, "every vote cast or changed is audited");
}

pub async fn approved_promotions_change_the_role_level_from_their_day<S: Store>(store: S) {
    let t = team(&store).await;
    let (ann, pat, mia) = (t.ann.id, t.pat.id, t.mia.id);
    let zoe = person(&store, "zoe@example.com", "Zoe").await.id;
    let submitted = |person: i64, at: i64| {
        let store = &store;
        async move {
            let case = store
                .open_promotion(
                    NewPromotion {
                        person_id: person,
                        role_level: "engineering/staff-engineer".into(),
                        framework_version_id: t.version,
                    },
                    vec![],
                    &by(mia, at),
                )
                .await
                .unwrap();
            store
                .write_promotion(case.id, "Ready".into(), None, &by(mia, at + 1))
                .await
                .unwrap();
            store
                .set_promotion_panel(case.id, vec![zoe], &by(mia, at + 2))
                .await
                .unwrap();
            store
                .submit_promotion(case.id, vec![], &by(mia, at + 3))
                .await
                .unwrap()
        }
    };
    let approved = |day: &str| PromotionDecision {
        outcome: CaseOutcome::Approved,
        reason: "The panel agreed".into(),
        missing: None,
        effective_on: Some(day.into()),
    };
    // Approved from a day that has come: the role level changes in the same transaction.
    let now = submitted(ann, 10).await;
    assert!(matches!(
        store
            .decide_promotion(
                now.id,
                PromotionDecision {
                    effective_on: None,
                    ..approved("x")
                },
                None,
                vec![],
                &by(mia, 19)
            )
            .await,
        Err(StoreError::Invalid(_))
    ));
    let decided = store
        .decide_promotion(
            now.id,
            approved("2027-01-01"),
            Some(1_798_761_600_000),
            vec![notice(ann)],
            &by(mia, 20),
        )
        .await
        .unwrap();
    assert_eq!(
        (decided.status, decided.outcome.0),
        (CaseStatus::Decided, Some(CaseOutcome::Approved))
    );
    assert!(decided.applied_at.is_some());
    let ann_now = store.person(ann).await.unwrap();
    assert_eq!(
        ann_now.role_level.as_deref(),
        Some("engineering/staff-engineer")
    );
    assert_eq!(ann_now.role_level_since, Some(1_798_761_600_000));
    assert_eq!(ann_now.role_level_version, Some(t.version));
    // Decided once.
    assert!(matches!(
        store
            .decide_promotion(now.id, approved("2027-01-01"), None, vec![], &by(mia, 21))
            .await,
        Err(StoreError::Conflict(_))
    ));
    // Approved from a later day: nothing changes until that day comes.
    let later = submitted(pat, 30).await;
    store
        .decide_promotion(later.id, approved("2027-03-01"), None, vec![], &by(mia, 40))
        .await
        .unwrap();
    assert_eq!(
        store.person(pat).await.unwrap().role_level,
        t.pat.role_level
    );
    assert!(
        store
            .promotions_to_apply("2027-02-28")
            .await
            .unwrap()
            .is_empty()
    );
    let due = store.promotions_to_apply("2027-03-01").await.unwrap();
    assert_eq!(due.iter().map(|c| c.id).collect::<Vec<_>>(), vec![later.id]);
    let since = 1_803_859_200_000;
    assert!(
        store
            .apply_promotion(later.id, since, vec![notice(pat)], &by(mia, 50))
            .await
            .unwrap()
    );
    // Applied once, however many servers try.
    assert!(
        !store
            .apply_promotion(later.id, since, vec![], &by(mia, 51))
            .await
            .unwrap()
    );
    let pat_now = store.person(pat).await.unwrap();
    assert_eq!(
        pat_now.role_level.as_deref(),
        Some("engineering/staff-engineer")
    );
    assert_eq!(pat_now.role_level_since, Some(since));
    assert!(
        store
            .promotions_to_apply("2027-12-31")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(events_of(&store, "promotion.apply").await.len(), 2);
    // A case decided "not yet" never changes anything.
    let zoe_case = submitted(ann, 60).await;
    let not_yet = PromotionDecision {
        outcome: CaseOutcome::NotYet,
        reason: "Not enough evidence yet".into(),
        missing: Some("Lead a cross-team project".into()),
        effective_on: None,
    };
    let d = store
        .decide_promotion(zoe_case.id, not_yet, None, vec![], &by(mia, 70))
        .await
        .unwrap();
    assert_eq!(d.missing.as_deref(), Some("Lead a cross-team project"));
    assert!(d.applied_at.is_none());
    // The lists: by person, and by panel membership.
    let of_pat = store.promotions_for(Some(vec![pat]), pat).await.unwrap();
    assert_eq!(of_pat.len(), 1);
    let of_zoe = store.promotions_for(Some(vec![zoe]), zoe).await.unwrap();
    assert_eq!(
        of_zoe.len(),
        3,
        "the panel member sees the cases they sit on"
    );
    assert_eq!(store.promotions_for(None, mia).await.unwrap().len(), 3);
    // The list with what waits holds the same cases in the same order.
    for (people, reader) in [(Some(vec![pat]), pat), (Some(vec![zoe]), zoe), (None, mia)] {
        let cases = store.promotions_for(people.clone(), reader).await.unwrap();
        let listed = store.promotion_list(people, reader).await.unwrap();
        assert_eq!(
            listed.into_iter().map(|l| l.case).collect::<Vec<_>>(),
            cases
        );
    }
}
