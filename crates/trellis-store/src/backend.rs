//! Rules every backend applies before it touches its database, kept here so that SQLite and
//! PostgreSQL agree exactly: how emails and names are normalised, what a person update changes and
//! how it is described in the audit log, how audit listings are capped, and how growth records
//! (assessments, ratings, peer requests, evidence) are checked and normalised.

use std::collections::HashSet;

use crate::{
    BulkAssessment, Millis, NewAssessment, NewEvidence, NewPerson, NewRating, Person, PersonId,
    PersonUpdate, RaterKind, Stage, StoreError, StoreResult,
};

/// The most audit events one call to [`crate::AuditStore::audit_events`] returns.
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
/// `role_level_since` moves to `at` (or to the update's `role_level_since`) whenever the role level
/// or its framework version changes, and is cleared with the role level; the update's
/// `role_level_since` alone corrects the date of the current role level.
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
        next.role_level_since = next
            .role_level
            .as_ref()
            .map(|_| update.role_level_since.unwrap_or(at));
    } else if let Some(since) = update.role_level_since
        && next.role_level.is_some()
        && current.role_level_since != Some(since)
    {
        next.role_level_since = Some(since);
        changed.push("role_level_since");
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

/// A new person as stored: email normalised, name and role level trimmed (a blank role level is
/// none). The same rules as [`crate::PeopleStore::create_person`].
pub fn clean_person(new: NewPerson) -> StoreResult<NewPerson> {
    Ok(NewPerson {
        email: normalize_email(&new.email)?,
        name: clean_text("name", &new.name)?,
        role_level: optional_text(new.role_level.as_deref()),
        ..new
    })
}

/// Trimmed; `None` when blank.
fn optional_text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A new assessment as stored: role level and cycle trimmed and not empty.
pub fn clean_assessment(new: NewAssessment) -> StoreResult<NewAssessment> {
    Ok(NewAssessment {
        role_level: clean_text("role level", &new.role_level)?,
        cycle: clean_text("cycle", &new.cycle)?,
        ..new
    })
}

/// One rating as stored: skill, level, reason and comment trimmed, where a blank level, reason or
/// comment counts as not given. Exactly one of a level and a reason it does not apply is required.
pub fn clean_rating(rating: NewRating) -> StoreResult<NewRating> {
    let skill = clean_text("skill", &rating.skill)?;
    let level = optional_text(rating.level.as_deref());
    let not_applicable = optional_text(rating.not_applicable.as_deref());
    match (&level, &not_applicable) {
        (Some(_), Some(_)) => {
            return Err(StoreError::Invalid(format!(
                "{skill}: give either a level or a reason it does not apply, not both"
            )));
        }
        (None, None) => {
            return Err(StoreError::Invalid(format!(
                "{skill}: give a level, or a reason why the skill does not apply"
            )));
        }
        _ => {}
    }
    Ok(NewRating {
        skill,
        level,
        not_applicable,
        comment: optional_text(rating.comment.as_deref()),
    })
}

/// The ratings of one submission: at least one, each valid, no skill rated twice.
pub fn clean_ratings(ratings: Vec<NewRating>) -> StoreResult<Vec<NewRating>> {
    if ratings.is_empty() {
        return Err(StoreError::Invalid("no ratings given".into()));
    }
    let ratings = ratings
        .into_iter()
        .map(clean_rating)
        .collect::<StoreResult<Vec<_>>>()?;
    let mut seen = HashSet::new();
    for rating in &ratings {
        if !seen.insert(rating.skill.as_str()) {
            return Err(StoreError::Invalid(format!(
                "{}: rated twice in one submission",
                rating.skill
            )));
        }
    }
    Ok(ratings)
}

/// The rater kinds [`crate::GrowthStore::record_ratings`] takes: peer ratings come only through
/// [`crate::GrowthStore::submit_peer_input`], so that they are tied to a request.
pub fn check_rater_kind(kind: RaterKind) -> StoreResult<()> {
    if kind == RaterKind::Peer {
        return Err(StoreError::Invalid(
            "peer ratings are given through a peer request".into(),
        ));
    }
    Ok(())
}

/// Skill ids of a peer request or a piece of evidence: trimmed, blanks dropped, duplicates
/// dropped (first kept), at least one.
pub fn clean_skills(skills: Vec<String>) -> StoreResult<Vec<String>> {
    let skills = clean_list(skills);
    if skills.is_empty() {
        return Err(StoreError::Invalid("name at least one skill".into()));
    }
    Ok(skills)
}

/// Trimmed, blanks and duplicates dropped, order kept.
fn clean_list(values: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    values
        .into_iter()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty() && seen.insert(v.clone()))
        .collect()
}

/// A calendar date written `YYYY-MM-DD`, a real day of the Gregorian calendar.
pub fn clean_date(field: &str, value: &str) -> StoreResult<String> {
    let value = value.trim();
    let bad = || StoreError::Invalid(format!("{field} must be a date written YYYY-MM-DD"));
    let bytes = value.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return Err(bad());
    }
    let number = |range: std::ops::Range<usize>| -> StoreResult<u32> {
        let part = &value[range];
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse().map_err(|_| bad())
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if year == 0 || day == 0 || day > days {
        return Err(bad());
    }
    Ok(value.to_owned())
}

/// Evidence as stored: date checked, title trimmed and not empty, description trimmed, at least
/// one skill, links that are `http(s)` URLs without spaces (they are rendered as links), lists
/// trimmed with blanks and duplicates dropped.
pub fn clean_evidence(new: NewEvidence) -> StoreResult<NewEvidence> {
    let links = clean_list(new.links);
    for link in &links {
        let lower = link.to_ascii_lowercase();
        let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
        if !scheme_ok || link.chars().any(char::is_whitespace) || link.len() > 2_000 {
            return Err(StoreError::Invalid(format!(
                "link {link:?} must be an http:// or https:// address"
            )));
        }
    }
    Ok(NewEvidence {
        person_id: new.person_id,
        happened_on: clean_date("happened_on", &new.happened_on)?,
        title: clean_text("title", &new.title)?,
        description: new.description.trim().to_owned(),
        links,
        skills: clean_skills(new.skills)?,
        corroborators: clean_list(new.corroborators),
    })
}

/// Checks a stage move: only to the next stage, and never out of `agreed`.
pub fn check_advance(id: i64, from: Stage, to: Stage) -> StoreResult<()> {
    match from.next() {
        Some(next) if next == to => Ok(()),
        Some(next) => Err(StoreError::Conflict(format!(
            "assessment {id} is at stage {}: it can only move to {}, not {}",
            from.as_str(),
            next.as_str(),
            to.as_str()
        ))),
        None => Err(StoreError::Conflict(format!(
            "assessment {id} is agreed and closed"
        ))),
    }
}

/// Who moved a bulk-loaded assessment past each stage, and when, as `(at, by)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StageMarks {
    pub self_submitted: Option<(Millis, PersonId)>,
    pub manager_submitted: Option<(Millis, PersonId)>,
    pub agreed: Option<(Millis, PersonId)>,
}

/// The stage marks of a bulk-loaded assessment, derived from its ratings: each stage it has passed
/// was submitted by the rater of the newest rating of the matching kind (self, manager, agreed), at
/// that rating's time; without such a rating, by its creator at its creation.
pub fn bulk_stage_marks(bulk: &BulkAssessment) -> StageMarks {
    let mark = |kind: RaterKind| -> (Millis, PersonId) {
        bulk.ratings
            .iter()
            .filter(|(k, ..)| *k == kind)
            .max_by_key(|(_, _, _, at)| *at)
            .map(|(_, rater, _, at)| (*at, *rater))
            .unwrap_or((bulk.created_at, bulk.created_by))
    };
    let passed = |stage: Stage| bulk.stage > stage;
    StageMarks {
        self_submitted: passed(Stage::SelfRating).then(|| mark(RaterKind::SelfRater)),
        manager_submitted: passed(Stage::Manager).then(|| mark(RaterKind::Manager)),
        agreed: (bulk.stage == Stage::Agreed).then(|| mark(RaterKind::Agreed)),
    }
}

/// A bulk-loaded assessment checked and normalised with the rules of the one-by-one methods. Its
/// ratings may be of any kind (peer ratings from other tools included) and may rate a skill more
/// than once (history).
pub fn clean_bulk_assessment(bulk: BulkAssessment) -> StoreResult<BulkAssessment> {
    let ratings = bulk
        .ratings
        .into_iter()
        .map(|(kind, rater, rating, at)| Ok((kind, rater, clean_rating(rating)?, at)))
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(BulkAssessment {
        assessment: clean_assessment(bulk.assessment)?,
        ratings,
        ..bulk
    })
}

/// Splits bulk items into consecutive chunks of about `rows` rows each (at least one item per
/// chunk), `weight` giving the rows one item writes.
pub fn bulk_chunks<T>(items: &[T], rows: usize, weight: impl Fn(&T) -> usize) -> Vec<&[T]> {
    let mut chunks = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, item) in items.iter().enumerate() {
        size += weight(item).max(1);
        if size >= rows {
            chunks.push(&items[start..=i]);
            (start, size) = (i + 1, 0);
        }
    }
    if start < items.len() {
        chunks.push(&items[start..]);
    }
    chunks
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
    fn a_role_level_takes_effect_from_the_date_given() {
        let promoted = PersonUpdate {
            role_level: Some(Some("product/senior-pm".into())),
            role_level_since: Some(50),
            ..Default::default()
        };
        let (next, changed) = apply_update(&person(), &promoted, 99).unwrap();
        assert_eq!(changed, ["role_level"]);
        assert_eq!(next.role_level_since, Some(50));
        // The date alone corrects the current role level's.
        let corrected = PersonUpdate {
            role_level_since: Some(40),
            ..Default::default()
        };
        let (next, changed) = apply_update(&person(), &corrected, 99).unwrap();
        assert_eq!(changed, ["role_level_since"]);
        assert_eq!(next.role_level_since, Some(40));
        // Without a role level there is no date to set.
        let none = Person {
            role_level: None,
            role_level_since: None,
            ..person()
        };
        let (next, changed) = apply_update(&none, &corrected, 99).unwrap();
        assert!(changed.is_empty());
        assert_eq!(next.role_level_since, None);
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

    #[test]
    fn dates_are_real_days() {
        for ok in ["2026-03-01", "2024-02-29", "2000-02-29", " 1999-12-31 "] {
            assert_eq!(clean_date("d", ok).unwrap(), ok.trim());
        }
        for bad in [
            "2026-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-3-1",
            "0000-01-01",
            "yesterday",
            "2026-03-01T00:00",
            "",
            "2026/03/01",
            "+026-03-01",
        ] {
            assert!(clean_date("d", bad).is_err(), "{bad:?}");
        }
    }

    fn rating(level: Option<&str>, reason: Option<&str>) -> NewRating {
        NewRating {
            skill: " sfia/prog ".into(),
            level: level.map(Into::into),
            not_applicable: reason.map(Into::into),
            comment: Some("  ".into()),
        }
    }

    #[test]
    fn a_rating_has_a_level_or_a_reason() {
        let level = clean_rating(rating(Some(" 3 "), Some(" "))).unwrap();
        assert_eq!(
            (
                level.skill.as_str(),
                level.level.as_deref(),
                level.not_applicable,
                level.comment
            ),
            ("sfia/prog", Some("3"), None, None)
        );
        let reason = clean_rating(rating(None, Some(" no code here "))).unwrap();
        assert_eq!(reason.not_applicable.as_deref(), Some("no code here"));
        assert!(clean_rating(rating(Some("3"), Some("because"))).is_err());
        assert!(clean_rating(rating(None, None)).is_err());
        assert!(clean_rating(rating(Some(" "), Some(""))).is_err());
        assert!(clean_ratings(vec![]).is_err());
        let twice = vec![rating(Some("3"), None), rating(Some("4"), None)];
        assert!(clean_ratings(twice).is_err());
        assert!(check_rater_kind(RaterKind::Peer).is_err());
        assert!(check_rater_kind(RaterKind::Agreed).is_ok());
    }

    #[test]
    fn stages_move_one_step_forward() {
        assert!(check_advance(1, Stage::SelfRating, Stage::Manager).is_ok());
        assert!(check_advance(1, Stage::Compare, Stage::Agreed).is_ok());
        for (from, to) in [
            (Stage::SelfRating, Stage::Compare),
            (Stage::Manager, Stage::SelfRating),
            (Stage::Manager, Stage::Manager),
            (Stage::Agreed, Stage::Agreed),
        ] {
            assert!(
                matches!(check_advance(1, from, to), Err(StoreError::Conflict(_))),
                "{from:?} -> {to:?}"
            );
        }
    }

    #[test]
    fn bulk_stage_marks_follow_the_ratings() {
        let r = |kind, rater, at| (kind, rater, rating(Some("2"), None), at);
        let mut bulk = BulkAssessment {
            assessment: NewAssessment {
                person_id: 1,
                role_level: "x/y".into(),
                framework_version_id: 1,
                cycle: "c".into(),
            },
            stage: Stage::Compare,
            created_by: 9,
            created_at: 100,
            ratings: vec![
                r(RaterKind::SelfRater, 1, 110),
                r(RaterKind::SelfRater, 1, 130),
                r(RaterKind::Peer, 5, 140),
            ],
        };
        let marks = bulk_stage_marks(&bulk);
        assert_eq!(marks.self_submitted, Some((130, 1)));
        assert_eq!(
            marks.manager_submitted,
            Some((100, 9)),
            "no manager rating: the creator"
        );
        assert_eq!(marks.agreed, None);
        bulk.stage = Stage::SelfRating;
        assert_eq!(bulk_stage_marks(&bulk), StageMarks::default());
    }

    #[test]
    fn bulk_chunks_cover_everything_in_order() {
        let items: Vec<usize> = (0..10).collect();
        let chunks = bulk_chunks(&items, 7, |_| 3);
        assert_eq!(
            chunks,
            [&items[0..3], &items[3..6], &items[6..9], &items[9..10]]
        );
        assert_eq!(bulk_chunks(&items, 1_000, |_| 0), [&items[..]]);
        assert!(bulk_chunks::<usize>(&[], 5, |_| 1).is_empty());
    }

    #[test]
    fn evidence_links_must_be_web_addresses() {
        let new = |links: &[&str]| NewEvidence {
            person_id: 1,
            happened_on: "2026-01-01".into(),
            title: "T".into(),
            description: String::new(),
            links: links.iter().map(|l| (*l).to_owned()).collect(),
            skills: vec!["s".into()],
            corroborators: vec![],
        };
        assert!(clean_evidence(new(&["https://x.example/a", " HTTP://x.example "])).is_ok());
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "//x.example",
            "ftp://x",
        ] {
            assert!(clean_evidence(new(&[bad])).is_err(), "{bad}");
        }
    }
}
