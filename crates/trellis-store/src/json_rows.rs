//! Records read as one JSON document built by the database.
//!
//! A page about one person needs a handful of small listings. Asked one by one, each costs a round
//! trip (to PostgreSQL, or to the thread that owns a SQLite connection), and those hand-offs cost
//! more than the queries. So both backends build one document in SQL (`json_object` and
//! `json_group_array` in SQLite, `json_build_object` and `json_agg` in PostgreSQL) and read it here,
//! which keeps the shape, and its decoding, the same for both.
//!
//! Every row is a JSON array of its columns. Assessments, ratings, peer requests and evidence are
//! read straight into [`Assessment`], [`Rating`], [`PeerRequest`] and [`Evidence`], so their columns
//! come in the order of those structs' fields (lists as JSON arrays). The others:
//!
//! - person: id, email, name, team_id, manager_id, role_level, role_level_version,
//!   role_level_since, system_role, active, password_hash, revision, created_at (the records of
//!   pages leave the hash null)
//! - team: id, name
//! - evidence count: person_id, skill, count
//! - name: id, name
//! - check-in: the columns of [`CheckIn`] (a series with its dates, never its content)
//!
//! A [`PersonRecord`] is the object `{"person", "team", "manager", "reports", "assessments",
//! "evidence", "ratings", "peer_requests", "names", "managers", "check_ins", "unshared_cycles"}`
//! (`person` null when there is no such person; `unshared_cycles` 1 or 0; `managers` nearest
//! first, where nulls are left out; `reports` a list of named persons; the lists in any order, see
//! [`sort_record`]). A named person is `[name as the database lower-cases it, person]`: lists of
//! people are put in order of those names here (see [`by_name`]);
//! [`Observations`] is `{"evidence_counts": [evidence count]}`, with its latest ratings read apart
//! by [`latest_list`] (so are a team's and a home page's: they are most of the text). Absent or
//! null lists read as empty.

use std::cmp::Reverse;

use serde::{Deserialize, Deserializer};

use crate::{
    Action, AskedInput, Assessment, CheckIn, Evidence, FrameworkVersionId, Goal, HomeRecord,
    LatestRating, Millis, Notification, Observations, ObservedPerson, PeerRequest, Person,
    PersonId, PersonRecord, PlanAction, Rating, StoreError, StoreResult, SystemRole, Team, TeamId,
    TeamRecord,
};

/// Reads a [`PersonRecord`]; `NotFound` when the document has no person.
pub fn person_record(text: &str, id: PersonId) -> StoreResult<PersonRecord> {
    let doc: RecordDoc = parse(text, "person record")?;
    let person = doc
        .person
        .ok_or_else(|| StoreError::NotFound(format!("person {id}")))?
        .into_person()?;
    let mut manager = None;
    if let Some(m) = doc.manager {
        manager = Some(m.into_person()?);
    }
    let mut record = PersonRecord {
        person,
        team: doc.team.map(|t| Team { id: t.0, name: t.1 }),
        manager,
        direct_reports: by_name(doc.reports)?,
        assessments: doc.assessments.unwrap_or_default(),
        evidence: doc.evidence.unwrap_or_default(),
        rating_history: doc.ratings.unwrap_or_default(),
        peer_requests: doc.peer_requests.unwrap_or_default(),
        names: doc.names.unwrap_or_default(),
        managers: doc.managers.into_iter().flatten().flatten().collect(),
        check_ins: doc.check_ins.unwrap_or_default(),
        in_unshared_cycle: doc.unshared_cycles.unwrap_or(0) > 0,
    };
    sort_record(&mut record);
    Ok(record)
}

/// Puts the lists of a record in their documented order. The databases build them unordered: an
/// aggregate with its own `ORDER BY` sorts each list again, which costs more than sorting here.
/// (The direct reports are put in order as they are read, by [`by_name`].)
pub fn sort_record(record: &mut PersonRecord) {
    record
        .assessments
        .sort_by_key(|a| Reverse((a.created_at, a.id)));
    record
        .evidence
        .sort_by(|a, b| (&b.happened_on, b.id).cmp(&(&a.happened_on, a.id)));
    sort_history(&mut record.rating_history);
    record.peer_requests.sort_by_key(|q| Reverse(q.id));
    // Names come once per mention (the databases do not remove repeats): one of each is kept.
    record.names.sort_by_key(|(id, _)| *id);
    record.names.dedup_by_key(|(id, _)| *id);
    sort_check_ins(&mut record.check_ins);
}

/// Puts a rating history in its documented order: oldest first.
pub fn sort_history(ratings: &mut [Rating]) {
    ratings.sort_by_key(|r| (r.at, r.id));
}

/// As `check_ins_of`: the next meeting first, series without one last.
fn sort_check_ins(check_ins: &mut [CheckIn]) {
    check_ins.sort_by_key(|c| dated_first(&c.next_on, c.id));
}

/// The sort key of things with an optional day: soonest first, undated last, then by id.
fn dated_first(day: &Option<String>, id: i64) -> (bool, Option<String>, i64) {
    (day.is_none(), day.clone(), id)
}

/// Reads a [`HomeRecord`]: the object `{"manager", "team", "reports", "below", "open", "check_ins", "asked",
/// "actions", "plan_actions", "evidence_counts", "unread", "goals"}` and the latest ratings, its lists in any
/// order (`reports` named persons, put in order by [`by_name`]); manager and team are
/// `[name]` or null. An asked input is
/// request id, requested at, assessment id, person id, person name, role level, framework version
/// id; the others as above.
pub fn home_record(text: &str, latest: Vec<LatestRating>) -> StoreResult<HomeRecord> {
    let doc: HomeDoc = parse(text, "home record")?;
    let mut record = HomeRecord {
        manager_name: doc.manager.map(|(name,)| name),
        team_name: doc.team.map(|(name,)| name),
        reports: by_name(doc.reports)?,
        below: doc.below.unwrap_or_default(),
        open_assessments: doc.open.unwrap_or_default(),
        check_ins: doc.check_ins.unwrap_or_default(),
        asked: doc.asked.unwrap_or_default(),
        actions: doc.actions.unwrap_or_default(),
        plan_actions: doc.plan_actions.unwrap_or_default(),
        observations: Observations {
            latest,
            evidence_counts: doc.evidence_counts.unwrap_or_default(),
        },
        unread: doc.unread.unwrap_or_default(),
        report_goals: doc.goals.unwrap_or_default(),
    };
    record
        .open_assessments
        .sort_by_key(|a| (a.created_at, a.id));
    sort_check_ins(&mut record.check_ins);
    record.asked.sort_by_key(|a| (a.requested_at, a.request_id));
    record.actions.sort_by_key(|a| dated_first(&a.due_on, a.id));
    record
        .plan_actions
        .sort_by_key(|a| dated_first(&a.due_on, a.id));
    record.unread.sort_by_key(|n| Reverse(n.id));
    record.report_goals.sort_by_key(|g| (g.person_id, g.id));
    Ok(record)
}

/// Reads an [`ObservedPerson`]: `{"person", "managers", "evidence_counts", "unshared_cycles"}` and
/// the latest ratings; `NotFound` when the document has no person.
pub fn observed_person(
    text: &str,
    id: PersonId,
    latest: Vec<LatestRating>,
) -> StoreResult<ObservedPerson> {
    let doc: ObservedPersonDoc = parse(text, "observed person")?;
    let person = doc
        .person
        .ok_or_else(|| StoreError::NotFound(format!("person {id}")))?
        .into_person()?;
    Ok(ObservedPerson {
        person,
        managers: doc.managers.into_iter().flatten().flatten().collect(),
        in_unshared_cycle: doc.unshared_cycles.unwrap_or(0) > 0,
        observations: Observations {
            latest,
            evidence_counts: doc.evidence_counts.unwrap_or_default(),
        },
    })
}

/// Reads [`Observations`] with their latest ratings, read apart (see [`rating_list`]).
pub fn observations(text: &str, latest: Vec<LatestRating>) -> StoreResult<Observations> {
    let doc: ObservationsDoc = parse(text, "observations")?;
    Ok(Observations {
        latest,
        evidence_counts: doc.evidence_counts.unwrap_or_default(),
    })
}

/// Reads a [`TeamRecord`]: `{"people", "evidence_counts"}` and the latest ratings, the people
/// named persons in any order (put in order by [`by_name`]).
pub fn team_record(text: &str, latest: Vec<LatestRating>) -> StoreResult<TeamRecord> {
    let doc: TeamDoc = parse(text, "team record")?;
    Ok(TeamRecord {
        people: by_name(doc.people)?,
        observations: Observations {
            latest,
            evidence_counts: doc.evidence_counts.unwrap_or_default(),
        },
    })
}

/// Reads a JSON array of ratings.
pub fn rating_list(text: &str) -> StoreResult<Vec<Rating>> {
    if let Some(rows) = crate::rating_rows::ratings(text) {
        return Ok(rows);
    }
    let rows: Option<Vec<Rating>> = parse(text, "ratings")?;
    Ok(rows.unwrap_or_default())
}

/// Reads a JSON array of latest ratings (see [`LatestRating`]):
/// `[person_id, skill, rater_kind, level, not_applicable]` each.
pub fn latest_list(text: &str) -> StoreResult<Vec<LatestRating>> {
    if let Some(rows) = crate::rating_rows::latest_ratings(text) {
        return Ok(rows);
    }
    let rows: Option<Vec<LatestRating>> = parse(text, "latest ratings")?;
    Ok(rows.unwrap_or_default())
}

fn parse<'a, T: Deserialize<'a>>(text: &'a str, what: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Backend(format!("cannot read {what}: {e}")))
}

#[derive(Deserialize)]
struct RecordDoc {
    person: Option<PersonRow>,
    team: Option<(TeamId, String)>,
    manager: Option<PersonRow>,
    reports: Option<Vec<NamedPerson>>,
    assessments: Option<Vec<Assessment>>,
    evidence: Option<Vec<Evidence>>,
    ratings: Option<Vec<Rating>>,
    peer_requests: Option<Vec<PeerRequest>>,
    names: Option<Vec<(PersonId, String)>>,
    managers: Option<Vec<Option<PersonId>>>,
    check_ins: Option<Vec<CheckIn>>,
    /// 1 when any of their assessments is in a cycle not shared yet, else 0.
    unshared_cycles: Option<i64>,
}

#[derive(Deserialize)]
struct HomeDoc {
    manager: Option<(String,)>,
    team: Option<(String,)>,
    reports: Option<Vec<NamedPerson>>,
    below: Option<usize>,
    open: Option<Vec<Assessment>>,
    check_ins: Option<Vec<CheckIn>>,
    asked: Option<Vec<AskedInput>>,
    actions: Option<Vec<Action>>,
    plan_actions: Option<Vec<PlanAction>>,
    evidence_counts: Option<Vec<(PersonId, String, i64)>>,
    unread: Option<Vec<Notification>>,
    goals: Option<Vec<Goal>>,
}

#[derive(Deserialize)]
struct TeamDoc {
    people: Option<Vec<NamedPerson>>,
    evidence_counts: Option<Vec<(PersonId, String, i64)>>,
}

#[derive(Deserialize)]
struct ObservedPersonDoc {
    person: Option<PersonRow>,
    managers: Option<Vec<Option<PersonId>>>,
    evidence_counts: Option<Vec<(PersonId, String, i64)>>,
    unshared_cycles: Option<i64>,
}

#[derive(Deserialize)]
struct ObservationsDoc {
    evidence_counts: Option<Vec<(PersonId, String, i64)>>,
}

/// SQLite has no boolean type: `active` arrives as 0 or 1 there, as a JSON boolean from PostgreSQL.
///
/// Read by a visitor of its own: an untagged enum would buffer the value and build an error for
/// each variant that does not match, for every person of a page.
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct Flag;
    impl serde::de::Visitor<'_> for Flag {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a boolean, or 0 or 1")
        }
        fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<bool, E> {
            Ok(b)
        }
        fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<bool, E> {
            Ok(n != 0)
        }
        fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<bool, E> {
            Ok(n != 0)
        }
    }
    d.deserialize_any(Flag)
}

/// A person with their name as the database lower-cases it, the key lists of people are ordered by.
type NamedPerson = (String, PersonRow);

/// People in order of their names as the database lower-cases them, byte by byte (SQLite's order,
/// and PostgreSQL's with `COLLATE "C"`), then by id. Ordered here rather than by the aggregate
/// that lists them, which sorts through a temporary table that costs more than the list.
fn by_name(people: Option<Vec<NamedPerson>>) -> StoreResult<Vec<Person>> {
    let mut people = people.unwrap_or_default();
    people.sort_by(|(a, p), (b, q)| (a, p.0).cmp(&(b, q.0)));
    people.into_iter().map(|(_, p)| p.into_person()).collect()
}

#[derive(Deserialize)]
struct PersonRow(
    PersonId,
    String,
    String,
    Option<TeamId>,
    Option<PersonId>,
    Option<String>,
    Option<FrameworkVersionId>,
    Option<Millis>,
    String,
    #[serde(deserialize_with = "flag")] bool,
    Option<String>,
    i64,
    Millis,
);

impl PersonRow {
    fn into_person(self) -> StoreResult<Person> {
        let PersonRow(
            id,
            email,
            name,
            team_id,
            manager_id,
            role_level,
            role_level_version,
            role_level_since,
            role,
            active,
            password_hash,
            revision,
            created_at,
        ) = self;
        Ok(Person {
            id,
            email,
            name,
            team_id,
            manager_id,
            role_level,
            role_level_version,
            role_level_since,
            system_role: SystemRole::parse(&role)
                .ok_or_else(|| StoreError::Backend(format!("unknown system role {role:?}")))?,
            active,
            password_hash,
            revision,
            created_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{RaterKind, Stage};

    #[test]
    fn reads_a_record_from_either_backend_s_json() {
        let person = r#"[7, "a@x.org", "Ada", 2, 3, "product/pm", 1, 10, "member", 1, null, 4, 5]"#;
        let text = format!(
            r#"{{"person": {person}, "team": [2, "Core"], "manager": null, "reports": null,
                "assessments": [[9, 7, "product/pm", 1, "2026-H2", "manager", 7, 11, 12, 7, null,
                                 null, null, null, 3]],
                "evidence": [[4, 7, "2026-01-02", "Shipped", "", ["https://x.org"], ["prod"], [], 7, 13]],
                "ratings": [[1, 9, 7, "prod", "self", 7, "3", null, "ok", 12]],
                "peer_requests": [], "names": [[8, "Bo"]]}}"#
        );
        let r = person_record(&text, 7).unwrap();
        assert_eq!(r.person.name, "Ada");
        assert!(r.person.active);
        assert_eq!(r.person.system_role, SystemRole::Member);
        assert_eq!(r.team.unwrap().name, "Core");
        assert!(r.manager.is_none() && r.direct_reports.is_empty());
        assert_eq!(r.assessments[0].stage, Stage::Manager);
        assert_eq!(r.assessments[0].self_submitted_by, Some(7));
        assert_eq!(r.evidence[0].links, ["https://x.org"]);
        assert_eq!(r.rating_history[0].rater_kind, RaterKind::SelfRater);
        assert_eq!(r.names, [(8, "Bo".to_owned())]);

        let pg = text.replace(r#""member", 1,"#, r#""member", false,"#);
        assert!(!person_record(&pg, 7).unwrap().person.active);
        let inactive = text.replace(r#""member", 1,"#, r#""member", 0,"#);
        assert!(!person_record(&inactive, 7).unwrap().person.active);
        let wrong = text.replace(r#""member", 1,"#, r#""member", "yes","#);
        let err = person_record(&wrong, 7).unwrap_err().to_string();
        assert!(err.contains("a boolean, or 0 or 1"), "{err}");
    }

    #[test]
    fn lists_come_out_in_their_documented_order() {
        let person =
            r#"[7, "a@x.org", "Ada", null, null, null, null, null, "member", true, null, 1, 5]"#;
        let assessment = |id: i64, at: i64| {
            format!(
                r#"[{id}, 7, "p/q", 1, "c", "self", 7, {at}, null, null, null, null, null, null, 1]"#
            )
        };
        let rating =
            |id: i64, at: i64| format!(r#"[{id}, 1, 7, "s", "self", 7, "1", null, null, {at}]"#);
        let evidence =
            |id: i64, on: &str| format!(r#"[{id}, 7, "{on}", "t", "", [], ["s"], [], 7, 1]"#);
        let text = format!(
            r#"{{"person": {person},
                "assessments": [{}, {}, {}],
                "ratings": [{}, {}, {}],
                "evidence": [{}, {}, {}],
                "peer_requests": [[1, 1, 7, ["s"], 8, 1, null], [3, 1, 7, ["s"], 8, 1, null]],
                "names": [[9, "Cy"], [8, "Bo"], [9, "Cy"]]}}"#,
            assessment(1, 10),
            assessment(3, 30),
            assessment(2, 30),
            rating(5, 20),
            rating(4, 30),
            rating(6, 10),
            evidence(1, "2026-01-02"),
            evidence(3, "2025-12-31"),
            evidence(2, "2026-01-02"),
        );
        let r = person_record(&text, 7).unwrap();
        let ids = |v: Vec<i64>| v;
        assert_eq!(
            ids(r.assessments.iter().map(|a| a.id).collect()),
            [3, 2, 1],
            "newest first"
        );
        assert_eq!(
            ids(r.rating_history.iter().map(|x| x.id).collect()),
            [6, 5, 4],
            "oldest first"
        );
        assert_eq!(
            ids(r.evidence.iter().map(|e| e.id).collect()),
            [2, 1, 3],
            "latest day first"
        );
        assert_eq!(ids(r.peer_requests.iter().map(|q| q.id).collect()), [3, 1]);
        assert_eq!(
            ids(r.names.iter().map(|n| n.0).collect()),
            [8, 9],
            "one of each"
        );
    }

    #[test]
    fn people_are_put_in_order_of_their_names_as_the_database_lower_cased_them() {
        let person = |id: i64, name: &str| {
            format!(
                r#"["{}", [{id}, "p{id}@x.org", "{name}", null, null, null, null, null, "member", 1, null, 1, 5]]"#,
                name.to_lowercase()
            )
        };
        let text = format!(
            r#"{{"people": [{}, {}, {}, {}, {}]}}"#,
            person(5, "Zed"),
            person(4, "bo"),
            person(9, "Émile"),
            person(3, "Cy"),
            person(2, "Bo")
        );
        let team = team_record(&text, Vec::new()).unwrap();
        let order: Vec<(i64, &str)> = team
            .people
            .iter()
            .map(|p| (p.id, p.name.as_str()))
            .collect();
        // Byte order: the same names by id, and non-ASCII letters after z.
        assert_eq!(
            order,
            [(2, "Bo"), (4, "bo"), (3, "Cy"), (5, "Zed"), (9, "Émile")]
        );
    }

    #[test]
    fn no_person_is_not_found_and_bad_json_is_a_backend_error() {
        assert!(matches!(
            person_record(r#"{"person": null}"#, 3),
            Err(StoreError::NotFound(m)) if m == "person 3"
        ));
        assert!(matches!(person_record("{", 3), Err(StoreError::Backend(_))));
        let bad_kind = r#"[[1, 9, 7, "prod", "boss", 7, "3", null, null, 12]]"#;
        assert!(matches!(rating_list(bad_kind), Err(StoreError::Backend(_))));
        assert!(matches!(
            observations("{", Vec::new()),
            Err(StoreError::Backend(_))
        ));
    }
}
