//! Who may erase a person's data: administrators (and the operator), and only once the person is
//! deactivated.

mod common;

use common::{Org, actor};
use trellis_app::AppError;
use trellis_app::use_cases::By;
use trellis_store::prelude::*;
use trellis_store::{Audit, SystemRole};

#[tokio::test]
async fn only_administrators_erase_and_only_who_has_left() {
    let org = Org::new().await;
    let admin = org.add("ada", None, SystemRole::Admin).await;
    let people_team = org.add("pat", None, SystemRole::PeopleTeam).await;
    let ann = org.add("ann", None, SystemRole::Member).await;
    let erasures = org.app.erasures();

    let refused = erasures
        .erase(By::Admin(&actor(&people_team)), ann.id, false)
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden(_))),
        "{refused:?}"
    );
    let still_active = erasures
        .erase(By::Admin(&actor(&admin)), ann.id, false)
        .await;
    assert!(
        matches!(&still_active, Err(AppError::Conflict { message, .. }) if message.contains("Deactivate")),
        "{still_active:?}"
    );
    assert_eq!(org.app.store().person(ann.id).await.unwrap().name, "Ann");

    org.deactivate(ann.id, &Audit::default()).await;
    let report = erasures
        .erase(By::Admin(&actor(&admin)), ann.id, true)
        .await
        .unwrap();
    assert!(report.kept_ratings);
    assert_eq!(
        org.app.store().person(ann.id).await.unwrap().name,
        "Erased person"
    );
    let again = erasures.erase(By::Operator, ann.id, true).await;
    assert!(
        matches!(&again, Err(AppError::Conflict { message, .. }) if message.contains("already")),
        "{again:?}"
    );
    let unknown = erasures.erase(By::Operator, 9_999, false).await;
    assert!(matches!(unknown, Err(AppError::NotFound(_))), "{unknown:?}");
}
