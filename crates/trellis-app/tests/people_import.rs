//! People from the HR system: a file previewed, applied once, and applied again with no change;
//! problems named by row and column, with nothing written.

mod common;

use common::{Org, actor};
use trellis_app::AppError;
use trellis_app::people_import::{ImportOptions, ImportPlan};
use trellis_app::use_cases::By;
use trellis_store::SystemRole;
use trellis_store::prelude::*;

const HEADER: &str = "email,name,manager_email,team,role_level,start_date";

async fn plan(org: &Org, csv: &str, deactivate_absent: bool) -> Result<ImportPlan, AppError> {
    let options = ImportOptions { deactivate_absent };
    org.app
        .people_import()
        .plan(By::Operator, csv, options)
        .await
}

async fn apply(org: &Org, csv: &str, deactivate_absent: bool) -> Result<ImportPlan, AppError> {
    let options = ImportOptions { deactivate_absent };
    org.app
        .people_import()
        .apply(By::Operator, csv, options)
        .await
}

/// The messages of a refusal.
fn problems(e: AppError) -> Vec<String> {
    match e {
        AppError::Invalid(p) => p.into_iter().map(|p| p.message).collect(),
        other => panic!("expected problems, got {other:?}"),
    }
}

fn emails(people: &[trellis_app::people_import::PlannedPerson]) -> Vec<&str> {
    people.iter().map(|p| p.email.as_str()).collect()
}

#[tokio::test]
async fn a_file_is_previewed_applied_and_applied_again_to_no_change() {
    let org = Org::new().await;
    org.add("admin", None, SystemRole::Admin).await;
    let boss = org.member("boss", None).await;
    let ann = org.member("ann", None).await;
    let level = &org.role_level;
    let csv = format!(
        "{HEADER}\r\n\
         ann@example.com,Ann,boss@example.com,Platform,{level},2026-01-05\r\n\
         \"new@example.com\",\"Person, New\",ann@example.com,platform,,\r\n\
         Boss@Example.com,Boss,,,{level},\r\n"
    );
    let preview = plan(&org, &csv, false).await.unwrap();
    assert_eq!(emails(&preview.created), ["new@example.com"]);
    assert_eq!(emails(&preview.changed), ["ann@example.com"]);
    assert_eq!(preview.unchanged, 1, "{preview:?}");
    assert_eq!(preview.kept.len(), 1, "the administrator, absent, kept");
    let changes = &preview.changed[0].changes;
    assert!(
        changes.contains(&"manager: – → boss@example.com".to_owned()),
        "{changes:?}"
    );
    assert!(
        changes.contains(&"team: – → Platform".to_owned()),
        "{changes:?}"
    );
    assert!(
        changes.iter().any(|c| c.starts_with("start date:")),
        "{changes:?}"
    );
    let store = org.app.store();
    assert_eq!(
        store.person_by_email("new@example.com").await.unwrap(),
        None,
        "a preview writes nothing"
    );

    let applied = apply(&org, &csv, false).await.unwrap();
    assert_eq!(applied, preview);
    let new = store
        .person_by_email("new@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(new.name, "Person, New");
    assert_eq!(new.manager_id, Some(ann.id));
    let ann_now = store.person(ann.id).await.unwrap();
    assert_eq!(ann_now.manager_id, Some(boss.id));
    assert_eq!(ann_now.team_id, new.team_id, "one team whatever the case");
    assert_eq!(
        ann_now.role_level_since,
        trellis_app::time::parse_date("2026-01-05")
    );

    // The same file again: nothing changes, nothing is written.
    let again = apply(&org, &csv, false).await.unwrap();
    assert!(again.is_empty(), "{again:?}");
    assert_eq!(again.unchanged, 3);
    let imports = store
        .audit_events(trellis_store::AuditFilter {
            action_prefix: Some("people.import".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(imports.len(), 1);
}

#[tokio::test]
async fn problems_name_the_row_and_column_and_nothing_is_written() {
    let org = Org::new().await;
    org.member("boss", None).await;
    let csv = format!(
        "{HEADER}\n\
         amy@example.com,Amy,x@y.example,,,\n\
         bea@example.com,Bea,,,nope/nope,\n\
         cyd@example.com,Cyd,,,,2026-02-30\n\
         amy@example.com,Amy again,,,,\n\
         dee@example.com,\"De\u{7}e\",,,,\n\
         eve@example.com,Eve,fay@example.com,,,\n\
         fay@example.com,Fay,eve@example.com,,,\n\
         gus@example.com,,,,,\n"
    );
    let found = problems(plan(&org, &csv, false).await.unwrap_err());
    let expected = [
        "row 2, column manager_email: no person with email x@y.example, and not in this file",
        "row 3, column role_level: no role level `nope/nope` in the published framework",
        "row 4, column start_date: `2026-02-30` is not a date",
        "row 5, column email: amy@example.com is already on row 2",
        "row 6, column name: `name` contains a control character",
        "row 7, column manager_email: the reporting line loops: eve@example.com → fay@example.com → eve@example.com",
        "row 9, column name: Enter a name.",
    ];
    for e in expected {
        assert!(
            found.iter().any(|f| f.starts_with(e)),
            "{e:?} not in {found:#?}"
        );
    }
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    assert!(problems(apply(&org, &csv, false).await.unwrap_err()).len() == expected.len());
    assert_eq!(
        org.app.store().people().await.unwrap().len(),
        1,
        "nothing written"
    );

    // The header is checked first.
    let header = problems(
        plan(&org, "email,name,colour\na@b.example,A,red\n", false)
            .await
            .unwrap_err(),
    );
    assert!(
        header
            .iter()
            .any(|p| p.starts_with("row 1: unknown column `colour`")),
        "{header:?}"
    );
    assert!(
        header
            .iter()
            .any(|p| p.contains("`manager_email` is missing")),
        "{header:?}"
    );
    let empty = problems(plan(&org, HEADER, false).await.unwrap_err());
    assert!(empty[0].contains("no people"), "{empty:?}");
    let ragged = problems(
        plan(&org, &format!("{HEADER}\na@b.example,A\n"), false)
            .await
            .unwrap_err(),
    );
    assert_eq!(ragged, ["row 2: 2 cells, where the header has 6"]);
}

#[tokio::test]
async fn absent_people_are_deactivated_only_when_asked_and_never_administrators() {
    let org = Org::new().await;
    let admin = org.add("admin", None, SystemRole::Admin).await;
    let leaver = org.member("leaver", None).await;
    let stays = org.member("stays", None).await;
    let csv = format!("{HEADER}\nstays@example.com,Stays,,,{},\n", org.role_level);
    let kept = plan(&org, &csv, false).await.unwrap();
    assert!(kept.deactivated.is_empty());
    assert_eq!(kept.kept.len(), 2);
    let applied = apply(&org, &csv, true).await.unwrap();
    let gone: Vec<&str> = applied
        .deactivated
        .iter()
        .map(|a| a.email.as_str())
        .collect();
    assert_eq!(gone, ["leaver@example.com"]);
    let store = org.app.store();
    assert!(!store.person(leaver.id).await.unwrap().active);
    assert!(store.person(admin.id).await.unwrap().active);
    assert!(store.person(stays.id).await.unwrap().active);
    // A manager who would be deactivated is a problem of the row that names them.
    let csv = format!("{HEADER}\nstays@example.com,Stays,boss@example.com,,,\n");
    org.member("boss", None).await;
    let found = problems(plan(&org, &csv, true).await.unwrap_err());
    assert_eq!(
        found,
        [
            "row 2, column manager_email: boss@example.com is not in this file, so would be deactivated"
        ]
    );
    // Back in the file, the leaver is active again.
    let back = format!(
        "{HEADER}\nleaver@example.com,Leaver,,,{},\n",
        org.role_level
    );
    let applied = apply(&org, &back, false).await.unwrap();
    assert_eq!(applied.changed[0].changes, ["reactivated"]);
    assert!(store.person(leaver.id).await.unwrap().active);
}

#[tokio::test]
async fn only_administrators_import() {
    let org = Org::new().await;
    let member = org.member("ann", None).await;
    let csv = format!("{HEADER}\nann@example.com,Ann,,,,\n");
    let as_member = actor(&member);
    let refused = org
        .app
        .people_import()
        .plan(By::Admin(&as_member), &csv, ImportOptions::default())
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
}
