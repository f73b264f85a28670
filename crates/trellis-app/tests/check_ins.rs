//! 1:1 check-ins through the use cases: who may set them up, who reads what (the pair; their
//! private notes only themselves; nobody else, not even up the line, unless an administrator
//! records an exception the person is told of), actions carried over, reminders sent once, and the
//! audit of every read.

mod common;

use common::{Org, actor, fields};
use trellis_app::AppError;
use trellis_app::access::{Relation, Seat};
use trellis_app::check_ins::{ActionInput, ScheduleInput, remind_due};
use trellis_app::time::{date, day_ms, now_millis};
use trellis_store::prelude::*;
use trellis_store::{AuditFilter, CheckIn, Person, SystemRole};

struct Cast {
    org: Org,
    /// Heads `boss`.
    big: Person,
    /// Manages `ann` and `pat`.
    boss: Person,
    ann: Person,
    pat: Person,
    /// Ann's mentor, outside her line.
    ola: Person,
    hr: Person,
    admin: Person,
}

async fn org() -> Cast {
    let o = Org::new().await;
    let big = o.member("big", None).await;
    let boss = o.member("boss", Some(&big)).await;
    let ann = o.member("ann", Some(&boss)).await;
    let pat = o.member("pat", Some(&boss)).await;
    let ola = o.member("ola", None).await;
    let hr = o.add("hr", None, SystemRole::PeopleTeam).await;
    let admin = o.add("admin", None, SystemRole::Admin).await;
    Cast {
        org: o,
        big,
        boss,
        ann,
        pat,
        ola,
        hr,
        admin,
    }
}

impl Cast {
    /// Ann's weekly check-ins with her manager, set up by him.
    async fn weekly_with_boss(&self) -> CheckIn {
        self.org
            .app
            .check_ins()
            .schedule(&actor(&self.boss), weekly(&self.ann, &self.boss))
            .await
            .unwrap()
    }
}

fn in_days(n: i64) -> String {
    date(now_millis() + n * day_ms())
}

fn weekly(person: &Person, partner: &Person) -> ScheduleInput {
    ScheduleInput {
        person: person.id,
        partner: partner.id,
        cadence: "weekly".into(),
        first_on: in_days(3),
    }
}

#[tokio::test]
async fn check_ins_are_set_up_by_the_person_or_their_manager() {
    let o = org().await;
    let c = o.org.app.check_ins();
    // A manager with their report; the report is told.
    let series = o.weekly_with_boss().await;
    assert_eq!((series.person_id, series.partner_id), (o.ann.id, o.boss.id));
    let inbox = o.org.inbox(&o.ann).await;
    assert_eq!(inbox[0].kind, "check_in.scheduled");
    assert_eq!(inbox[0].link, format!("/check-ins/{}", series.id));
    // The person with anyone, such as a mentor outside their line.
    c.schedule(&actor(&o.ann), weekly(&o.ann, &o.ola))
        .await
        .unwrap();
    // Nobody else: not a peer, not a mentor on the person's behalf, not the people team.
    for who in [&o.pat, &o.ola, &o.hr] {
        let refused = c.schedule(&actor(who), weekly(&o.ann, who)).await;
        assert!(
            matches!(refused, Err(AppError::Forbidden(_))),
            "{}",
            who.name
        );
    }
    // The same pair twice is a conflict on the partner field.
    match c.schedule(&actor(&o.ann), weekly(&o.ann, &o.boss)).await {
        Err(AppError::Conflict { field, message }) => {
            assert_eq!(field.as_deref(), Some("partner"));
            assert!(message.contains("already"), "{message}");
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    // What is wrong is said per field.
    let bad = ScheduleInput {
        cadence: "daily".into(),
        first_on: "2001-01-01".into(),
        ..weekly(&o.pat, &o.pat)
    };
    let problems = fields(c.schedule(&actor(&o.pat), bad).await.unwrap_err());
    assert_eq!(problems, ["partner", "cadence", "first_on"]);
}

#[tokio::test]
async fn only_the_pair_reads_a_check_in_and_private_notes_stay_private() {
    let o = org().await;
    let c = o.org.app.check_ins();
    let series = o.weekly_with_boss().await;
    let ann = c.open(&actor(&o.ann), series.id).await.unwrap();
    assert_eq!(ann.seat, Seat::Person);
    c.add_to_agenda(&actor(&o.ann), &ann, "My conference talk")
        .await
        .unwrap();
    c.add_note(&actor(&o.ann), &ann, "Nervous about the talk", "private")
        .await
        .unwrap();
    c.add_note(&actor(&o.ann), &ann, "Wants more pairing", "shared")
        .await
        .unwrap();
    let wrong = c.add_note(&actor(&o.ann), &ann, "x", "everyone").await;
    assert_eq!(fields(wrong.unwrap_err()), ["privacy"]);
    // The manager is told of the agenda item and reads what is shared, not the private note.
    let inbox = o.org.inbox(&o.boss).await;
    assert_eq!(inbox[0].kind, "check_in.agenda");
    let boss = c.open(&actor(&o.boss), series.id).await.unwrap();
    assert_eq!(boss.seat, Seat::Partner);
    let read: Vec<_> = boss
        .record
        .entries
        .iter()
        .map(|e| e.body.as_str())
        .collect();
    assert_eq!(read, ["My conference talk", "Wants more pairing"]);

    // The people team and administrators, who see that the pair meets: refused, and the refusal
    // audited. Members up the line and elsewhere: told there is no such series, as for one that
    // does not exist, so that they cannot learn which series exist.
    for who in [&o.hr, &o.admin] {
        let refused = c.open(&actor(who), series.id).await;
        assert!(
            matches!(refused, Err(AppError::Forbidden(_))),
            "{}",
            who.name
        );
    }
    for who in [&o.big, &o.pat, &o.ola] {
        let refused = c.open(&actor(who), series.id).await;
        assert_eq!(
            refused.unwrap_err(),
            c.open(&actor(who), series.id + 50).await.unwrap_err(),
            "{}",
            who.name
        );
    }
    assert!(matches!(
        c.open(&actor(&o.pat), series.id + 50).await,
        Err(AppError::NotFound(_))
    ));
    // They see that the pair meets, and when: the person's page shows the dates only.
    let (record, relation, _) = o
        .org
        .app
        .people()
        .record(&actor(&o.hr), o.ann.id)
        .await
        .unwrap();
    assert_eq!(relation, Relation::Staff);
    let dates = c.dates_of(&record, relation);
    assert_eq!(dates.len(), 1);
    assert_eq!(dates[0].next_on.as_deref(), Some(in_days(3).as_str()));
    assert_eq!(dates[0].partner_name, o.boss.name);
    assert!(c.dates_of(&record, Relation::Unrelated).is_empty());

    // Every read of the content is audited, with who read it.
    o.org.app.flush_audit().await.unwrap();
    let filter = AuditFilter {
        action_prefix: Some("check_in.read".into()),
        limit: 50,
        ..AuditFilter::default()
    };
    let reads = o.org.app.store().audit_events(filter).await.unwrap();
    let readers: Vec<_> = reads.iter().filter_map(|e| e.actor_id).collect();
    assert!(readers.contains(&o.ann.id) && readers.contains(&o.boss.id));
    let denials = AuditFilter {
        action_prefix: Some("access.denied".into()),
        limit: 50,
        ..AuditFilter::default()
    };
    let denied = o.org.app.store().audit_events(denials).await.unwrap();
    assert!(
        denied
            .iter()
            .any(|e| e.actor_id == Some(o.big.id) && e.target == format!("check-in:{}", series.id))
    );
}

#[tokio::test]
async fn an_administrator_reads_only_with_a_reason_the_person_sees() {
    let o = org().await;
    let c = o.org.app.check_ins();
    let series = o.weekly_with_boss().await;
    let ann = c.open(&actor(&o.ann), series.id).await.unwrap();
    c.add_note(&actor(&o.ann), &ann, "Private worry", "private")
        .await
        .unwrap();
    c.add_note(&actor(&o.ann), &ann, "Shared plan", "shared")
        .await
        .unwrap();

    // Not the people team, and not without a real reason.
    let refused = c
        .break_glass(&actor(&o.hr), series.id, "Grievance 12 investigation")
        .await;
    assert!(matches!(refused, Err(AppError::Forbidden(_))));
    let short = c.break_glass(&actor(&o.admin), series.id, "audit").await;
    assert_eq!(fields(short.unwrap_err()), ["reason"]);

    c.break_glass(&actor(&o.admin), series.id, "Grievance 12 investigation")
        .await
        .unwrap();
    // The person is told, and sees it on the page.
    let inbox = o.org.inbox(&o.ann).await;
    assert_eq!(inbox[0].kind, "check_in.break-glass");
    assert!(inbox[0].subject.contains("Grievance 12"));
    let seen = c.open(&actor(&o.ann), series.id).await.unwrap();
    assert_eq!(
        seen.record.break_glass[0].reason,
        "Grievance 12 investigation"
    );
    // The administrator reads what the pair shares, never a private note, and writes nothing.
    let admin = c.open(&actor(&o.admin), series.id).await.unwrap();
    assert_eq!(admin.seat, Seat::BrokeGlass);
    let read: Vec<_> = admin
        .record
        .entries
        .iter()
        .map(|e| e.body.as_str())
        .collect();
    assert_eq!(read, ["Shared plan"]);
    assert!(admin.talking_points.is_empty());
    let write = c.add_to_agenda(&actor(&o.admin), &admin, "Anything").await;
    assert!(matches!(write, Err(AppError::Forbidden(_))));
    // Another administrator has no seat from someone else's exception.
    let other_admin = o.org.add("second", None, SystemRole::Admin).await;
    assert!(matches!(
        c.open(&actor(&other_admin), series.id).await,
        Err(AppError::Forbidden(_))
    ));
}

#[tokio::test]
async fn actions_carry_over_and_meetings_follow_the_cadence() {
    let o = org().await;
    let c = o.org.app.check_ins();
    let series = o.weekly_with_boss().await;
    let boss = c.open(&actor(&o.boss), series.id).await.unwrap();
    let give = |owner: &Person, text: &str, due: &str| ActionInput {
        owner: owner.id,
        text: text.into(),
        due_on: due.into(),
    };
    let action = c
        .add_action(
            &actor(&o.boss),
            &boss,
            give(&o.ann, "Draft the RFC", &in_days(10)),
        )
        .await
        .unwrap();
    // The owner is told; an owner outside the pair is refused.
    let inbox = o.org.inbox(&o.ann).await;
    assert_eq!(inbox[0].kind, "check_in.action");
    let outsider = c
        .add_action(&actor(&o.boss), &boss, give(&o.pat, "x", ""))
        .await;
    assert_eq!(fields(outsider.unwrap_err()), ["owner"]);

    let next = c.hold(&actor(&o.boss), &boss).await.unwrap().unwrap();
    assert_eq!(next.on_date, in_days(10), "a week after the first meeting");
    // The page as loaded before the meeting was held is out of date: a conflict, not a write to
    // the held meeting.
    let stale = c.add_to_agenda(&actor(&o.boss), &boss, "late").await;
    assert!(matches!(stale, Err(AppError::Conflict { .. })));

    let ann = c.open(&actor(&o.ann), series.id).await.unwrap();
    let open: Vec<_> = ann
        .record
        .actions
        .iter()
        .filter(|a| a.done_at.is_none())
        .collect();
    assert_eq!(open.len(), 1, "the action carries over to the next meeting");
    c.complete_action(&actor(&o.ann), &ann, action.id)
        .await
        .unwrap();
    let ann = c.open(&actor(&o.ann), series.id).await.unwrap();
    assert!(ann.record.actions.iter().all(|a| a.done_at.is_some()));
    let moved = c
        .reschedule(&actor(&o.ann), &ann, &in_days(12))
        .await
        .unwrap();
    assert_eq!(moved.on_date, in_days(12));
}

#[tokio::test]
async fn both_are_reminded_once_the_day_before() {
    let o = org().await;
    let c = o.org.app.check_ins();
    let series = o.weekly_with_boss().await;
    // Two days before: nothing yet.
    assert_eq!(remind_due(&o.org.app, &in_days(1)).await.unwrap(), 0);
    assert_eq!(remind_due(&o.org.app, &in_days(2)).await.unwrap(), 1);
    assert_eq!(
        remind_due(&o.org.app, &in_days(2)).await.unwrap(),
        0,
        "once"
    );
    for who in [&o.ann, &o.boss] {
        let inbox = o.org.inbox(who).await;
        assert_eq!(inbox[0].kind, "check_in.tomorrow");
        assert!(
            inbox[0].subject.contains("tomorrow"),
            "{}",
            inbox[0].subject
        );
        assert_eq!(inbox[0].link, format!("/check-ins/{}", series.id));
    }
    // An action due the day after tomorrow is reminded to its owner the day before.
    let boss = c.open(&actor(&o.boss), series.id).await.unwrap();
    let action = ActionInput {
        owner: o.ann.id,
        text: "Send the slides".into(),
        due_on: in_days(3),
    };
    c.add_action(&actor(&o.boss), &boss, action).await.unwrap();
    assert_eq!(remind_due(&o.org.app, &in_days(1)).await.unwrap(), 0);
    assert_eq!(remind_due(&o.org.app, &in_days(2)).await.unwrap(), 1);
    let reminded = o.org.inbox(&o.ann).await;
    assert_eq!(reminded[0].kind, "check_in.action-due");
    assert!(
        reminded[0]
            .subject
            .contains("due tomorrow: Send the slides")
    );
}

#[tokio::test]
async fn talking_points_come_from_readiness_for_the_person_and_their_manager_only() {
    let o = org().await;
    let c = o.org.app.check_ins();
    let with_boss = c
        .schedule(&actor(&o.boss), weekly(&o.ann, &o.boss))
        .await
        .unwrap();
    let with_ola = c
        .schedule(&actor(&o.ann), weekly(&o.ann, &o.ola))
        .await
        .unwrap();
    let boss = c.open(&actor(&o.boss), with_boss.id).await.unwrap();
    assert!(
        !boss.talking_points.is_empty(),
        "nothing assessed yet: every requirement is open"
    );
    assert!(boss.talking_points.len() <= 5);
    assert!(
        boss.talking_points[0]
            .link
            .ends_with(&format!("/people/{}", o.ann.id))
    );
    let ann = c.open(&actor(&o.ann), with_ola.id).await.unwrap();
    assert_eq!(ann.talking_points, boss.talking_points);
    // A mentor does not read the person's ratings through a check-in.
    let ola = c.open(&actor(&o.ola), with_ola.id).await.unwrap();
    assert!(ola.talking_points.is_empty());

    // Goals of the person's plan come first, and their skills are not repeated as gaps.
    let plans = o.org.app.plans();
    let gap = plans.view(&actor(&o.ann), o.ann.id).await.unwrap().gaps[1].clone();
    let input = trellis_app::plans::GoalsInput {
        gaps: vec![gap.key.clone()],
        ..Default::default()
    };
    plans
        .add_goals(&actor(&o.ann), o.ann.id, input)
        .await
        .unwrap();
    let boss = c.open(&actor(&o.boss), with_boss.id).await.unwrap();
    let first = &boss.talking_points[0];
    assert!(
        first.text.starts_with(&format!("Plan: {}", gap.skill_name)),
        "{}",
        first.text
    );
    assert!(first.link.contains("/plan#goal-"));
    let mentions = boss
        .talking_points
        .iter()
        .filter(|t| t.text.contains(&gap.skill_name))
        .count();
    assert_eq!(mentions, 1, "{:?}", boss.talking_points);
}
