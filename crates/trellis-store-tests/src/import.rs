//! Stories of people imported from the HR system: every change of an import in one
//! transaction, or none.

use trellis_store::{ImportedPerson, PeopleImport, Store, StoreError, SystemRole};

use super::{events_of, new_person, person, system};

fn imported(email: &str, name: &str, manager: Option<&str>) -> ImportedPerson {
    ImportedPerson {
        id: None,
        email: email.into(),
        name: name.into(),
        team: None,
        manager_email: manager.map(Into::into),
        role_level: None,
        role_level_version: None,
        role_level_since: None,
    }
}

pub async fn imports_apply_whole_or_not_at_all<S: Store>(store: S) {
    let admin = store
        .create_person(
            trellis_store::NewPerson {
                system_role: SystemRole::Admin,
                ..new_person("admin@example.com", "Admin")
            },
            &system(1),
        )
        .await
        .unwrap();
    let boss = person(&store, "boss@example.com", "Boss").await;
    let old = person(&store, "old@example.com", "Old").await;
    let import = PeopleImport {
        people: vec![
            // A manager later in the import.
            ImportedPerson {
                team: Some("Platform".into()),
                role_level: Some("engineering/engineer".into()),
                role_level_since: Some(86_400_000),
                ..imported("ann@example.com", "Ann", Some("cat@example.com"))
            },
            ImportedPerson {
                team: Some(" platform ".into()),
                ..imported("cat@example.com", "Cat", Some("boss@example.com"))
            },
            ImportedPerson {
                id: Some(boss.id),
                ..imported("boss@example.com", "The Boss", None)
            },
        ],
        deactivate: vec![old.id],
    };
    let done = store.import_people(import, &system(5_000)).await.unwrap();
    let ann = store
        .person_by_email("ann@example.com")
        .await
        .unwrap()
        .unwrap();
    let cat = store
        .person_by_email("cat@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.created, [ann.id, cat.id]);
    assert_eq!(done.changed, [boss.id]);
    assert_eq!(done.deactivated, [old.id]);
    assert_eq!(ann.manager_id, Some(cat.id));
    assert_eq!(cat.manager_id, Some(boss.id));
    assert_eq!(ann.team_id, cat.team_id, "one team, whatever the case");
    assert_eq!(store.teams().await.unwrap().len(), 1);
    assert_eq!(ann.role_level.as_deref(), Some("engineering/engineer"));
    assert_eq!(ann.role_level_since, Some(86_400_000));
    assert_eq!(ann.system_role, SystemRole::Member);
    assert_eq!(ann.password_hash, None);
    let boss_now = store.person(boss.id).await.unwrap();
    assert_eq!((boss_now.name.as_str(), boss_now.revision), ("The Boss", 2));
    assert!(!store.person(old.id).await.unwrap().active);
    let events = events_of(&store, "people.import").await;
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].details["created"],
        serde_json::json!([ann.id, cat.id])
    );

    // A manager who is nobody: nothing of the import is kept.
    let unknown = PeopleImport {
        people: vec![
            imported("dan@example.com", "Dan", None),
            imported("eve@example.com", "Eve", Some("nobody@example.com")),
        ],
        deactivate: vec![],
    };
    assert_err!(store.import_people(unknown, &system(6_000)).await, Invalid);
    assert_eq!(
        store.person_by_email("dan@example.com").await.unwrap(),
        None
    );

    // A reporting line that would loop: Boss under Ann, who is under Cat, who is under Boss.
    let looped = PeopleImport {
        people: vec![ImportedPerson {
            id: Some(boss.id),
            ..imported("boss@example.com", "The Boss", Some("ann@example.com"))
        }],
        deactivate: vec![],
    };
    assert_err!(store.import_people(looped, &system(7_000)).await, Conflict);
    assert_eq!(store.person(boss.id).await.unwrap().manager_id, None);

    // Never without an active administrator.
    let last = PeopleImport {
        people: vec![imported("fay@example.com", "Fay", None)],
        deactivate: vec![admin.id],
    };
    assert_err!(store.import_people(last, &system(8_000)).await, Conflict);
    assert!(store.person(admin.id).await.unwrap().active);
    assert_eq!(
        store.person_by_email("fay@example.com").await.unwrap(),
        None
    );

    // Bringing back someone deactivated.
    let back = PeopleImport {
        people: vec![ImportedPerson {
            id: Some(old.id),
            ..imported("old@example.com", "Old", None)
        }],
        deactivate: vec![],
    };
    store.import_people(back, &system(9_000)).await.unwrap();
    assert!(store.person(old.id).await.unwrap().active);
    assert_eq!(events_of(&store, "people.import").await.len(), 2);
}
