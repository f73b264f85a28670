//! Rules every backend applies before it touches its database, kept here so that SQLite and
//! PostgreSQL agree exactly: how emails and names are normalised, what a person update changes and
//! how it is described in the audit log, and how audit listings are capped.

use crate::{Millis, Person, PersonUpdate, StoreError, StoreResult};

/// The most audit events one call to [`crate::Store::audit_events`] returns.
pub const AUDIT_LIMIT_CAP: u32 = 1_000;

/// The number of audit events to return for a requested limit: 0 means the cap.
pub fn audit_limit(requested: u32) -> u32 {
    if requested == 0 {
        AUDIT_LIMIT_CAP
    } else {
        requested.min(AUDIT_LIMIT_CAP)
    }
}

/// Emails are stored trimmed and lower-cased, which is what makes them unique case-insensitively.
pub fn normalize_email(email: &str) -> StoreResult<String> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Err(StoreError::Invalid("email is empty".into()));
    }
    if email.chars().any(char::is_whitespace) || !email.contains('@') {
        return Err(StoreError::Invalid(
            "email must look like name@domain".into(),
        ));
    }
    Ok(email)
}

/// A display name (of a person, team or framework): trimmed, and not empty.
pub fn clean_text(field: &str, value: &str) -> StoreResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(StoreError::Invalid(format!("{field} is empty")));
    }
    Ok(value.to_owned())
}

/// The key a team name is unique by: teams differing only in case or surrounding space are one team.
pub fn team_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// A person with an update applied, and the names of the fields it changed (in a fixed order), for
/// the audit event. The revision is left as it was; the backend bumps it when it writes.
///
/// `role_level_since` moves to `at` whenever the role level or its framework version changes, and
/// is cleared with the role level.
pub fn apply_update(
    current: &Person,
    update: &PersonUpdate,
    at: Millis,
) -> StoreResult<(Person, Vec<&'static str>)> {
    let mut next = current.clone();
    let mut changed = Vec::new();
    if let Some(name) = &update.name {
        next.name = clean_text("name", name)?;
        if next.name != current.name {
            changed.push("name");
        }
    }
    if let Some(email) = &update.email {
        next.email = normalize_email(email)?;
        if next.email != current.email {
            changed.push("email");
        }
    }
    if let Some(team_id) = update.team_id {
        next.team_id = team_id;
        if next.team_id != current.team_id {
            changed.push("team_id");
        }
    }
    if let Some(manager_id) = update.manager_id {
        next.manager_id = manager_id;
        if next.manager_id != current.manager_id {
            changed.push("manager_id");
        }
    }
    if let Some(role_level) = &update.role_level {
        next.role_level = role_level
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        if next.role_level != current.role_level {
            changed.push("role_level");
        }
    }
    if let Some(version) = update.role_level_version {
        next.role_level_version = version;
        if next.role_level_version != current.role_level_version {
            changed.push("role_level_version");
        }
    }
    if changed.contains(&"role_level") || changed.contains(&"role_level_version") {
        next.role_level_since = next.role_level.as_ref().map(|_| at);
    }
    if let Some(role) = update.system_role {
        next.system_role = role;
        if next.system_role != current.system_role {
            changed.push("system_role");
        }
    }
    if let Some(active) = update.active {
        next.active = active;
        if next.active != current.active {
            changed.push("active");
        }
    }
    Ok((next, changed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SystemRole;

    fn person() -> Person {
        Person {
            id: 1,
            email: "ann@example.com".into(),
            name: "Ann".into(),
            team_id: None,
            manager_id: None,
            role_level: Some("product/pm".into()),
            role_level_version: Some(1),
            role_level_since: Some(10),
            system_role: SystemRole::Member,
            active: true,
            password_hash: None,
            revision: 3,
            created_at: 5,
        }
    }

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            normalize_email("  Ann@Example.COM ").unwrap(),
            "ann@example.com"
        );
        assert!(matches!(normalize_email("  "), Err(StoreError::Invalid(_))));
        assert!(matches!(
            normalize_email("ann"),
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            normalize_email("a nn@x"),
            Err(StoreError::Invalid(_))
        ));
    }

    #[test]
    fn limits_are_capped_and_zero_means_the_cap() {
        assert_eq!(audit_limit(0), AUDIT_LIMIT_CAP);
        assert_eq!(audit_limit(5), 5);
        assert_eq!(audit_limit(50_000), AUDIT_LIMIT_CAP);
    }

    #[test]
    fn an_update_lists_only_what_it_changes() {
        let update = PersonUpdate {
            name: Some(" Ann ".into()),
            email: Some("ANN@example.com".into()),
            role_level: Some(Some("product/senior-pm".into())),
            active: Some(false),
            ..Default::default()
        };
        let (next, changed) = apply_update(&person(), &update, 99).unwrap();
        assert_eq!(changed, ["role_level", "active"]);
        assert_eq!(next.role_level_since, Some(99));
        assert_eq!(next.revision, 3);
    }

    #[test]
    fn clearing_the_role_level_clears_its_date() {
        let update = PersonUpdate {
            role_level: Some(None),
            role_level_version: Some(None),
            ..Default::default()
        };
        let (next, changed) = apply_update(&person(), &update, 99).unwrap();
        assert_eq!(changed, ["role_level", "role_level_version"]);
        assert_eq!(next.role_level_since, None);
    }
}
