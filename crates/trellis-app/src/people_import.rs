//! People from the HR system: a CSV file with the columns of [`COLUMNS`], checked whole (each
//! problem named by row and column), shown as what would change (new, changed, deactivated), and
//! applied in one transaction with one audit event. Running the same file again changes nothing.
//!
//! People are matched by email. Those absent from the file are deactivated only when asked, and
//! administrators never are (an import must not lock out the people who run it). New people are
//! members without a password: an administrator sets one, or they reset it by email.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use trellis_store::backend::team_key;
use trellis_store::prelude::*;
use trellis_store::{
    ImportedPerson, Millis, PeopleImport, Person, PersonId, StoreError, SystemRole,
};

use crate::accounts::{email_problem, name_problem, normalise_email, team_problem};
use crate::error::{AppError, AppResult};
use crate::time::{date, now_millis, parse_date};
use crate::use_cases::By;
use crate::{App, access, input};

/// The columns of the file, named in its first row, in any order.
pub const COLUMNS: [&str; 6] = [
    "email",
    "name",
    "manager_email",
    "team",
    "role_level",
    "start_date",
];

/// A problem with the file, where it is: the row as a spreadsheet numbers it (the header is row
/// 1) and the column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    pub row: usize,
    pub column: String,
    pub message: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.row, self.column.as_str()) {
            (0, _) => write!(f, "{}", self.message),
            (row, "") => write!(f, "row {row}: {}", self.message),
            (row, column) => write!(f, "row {row}, column {column}: {}", self.message),
        }
    }
}

fn problem(row: usize, column: &str, message: impl Into<String>) -> RowProblem {
    RowProblem {
        row,
        column: column.to_owned(),
        message: message.into(),
    }
}

/// One person of the file as it will be, and what changes for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedPerson {
    pub row: usize,
    pub email: String,
    pub name: String,
    /// What changes, as people read it: `team: Platform → Payments`.
    pub changes: Vec<String>,
}

/// Someone absent from the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Absent {
    pub email: String,
    pub name: String,
}

/// What an import changes (or, applied, changed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportPlan {
    /// People in the file.
    pub rows: usize,
    pub created: Vec<PlannedPerson>,
    pub changed: Vec<PlannedPerson>,
    pub deactivated: Vec<Absent>,
    /// Active people absent from the file who stay as they are: everyone when deactivation was
    /// not asked for, administrators when it was.
    pub kept: Vec<Absent>,
    pub unchanged: usize,
    #[serde(skip)]
    import: PeopleImport,
}

impl ImportPlan {
    /// Whether applying it would change nothing.
    pub fn is_empty(&self) -> bool {
        self.created.is_empty() && self.changed.is_empty() && self.deactivated.is_empty()
    }
}

/// How an import is run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Deactivate active people absent from the file (never administrators).
    pub deactivate_absent: bool,
}

use_case_area!(PeopleImports, people_import);

impl PeopleImports<'_> {
    /// What the file would change, without changing anything. Problems with the file are
    /// `Invalid`, each named `row N, column C: …`.
    pub async fn plan(
        &self,
        by: By<'_>,
        csv: &str,
        options: ImportOptions,
    ) -> AppResult<ImportPlan> {
        if let By::Admin(actor) = by
            && actor.role() != SystemRole::Admin
        {
            let audit = actor.audit();
            let why = "Only administrators import people.";
            return Err(access::deny(self.app.store(), &audit, "people".into(), why).await);
        }
        let (rows, problems) = parse(csv).map_err(refusal)?;
        let planner = Planner::new(self.app).await?;
        planner.plan(rows, problems, options).await.map_err(refusal)
    }

    /// Applies the file: every change in one transaction, or none. Returns what changed.
    pub async fn apply(
        &self,
        by: By<'_>,
        csv: &str,
        options: ImportOptions,
    ) -> AppResult<ImportPlan> {
        let plan = self.plan(by, csv, options).await?;
        if plan.is_empty() {
            return Ok(plan);
        }
        match self
            .app
            .store()
            .import_people(plan.import.clone(), &by.audit())
            .await
        {
            Ok(_) => Ok(plan),
            Err(StoreError::Conflict(m) | StoreError::Invalid(m)) => {
                Err(AppError::conflict(format!(
                    "Nothing was imported: someone changed these people meanwhile ({m}). Try again."
                )))
            }
            Err(e) => Err(e.into()),
        }
    }
}

fn refusal(problems: Vec<RowProblem>) -> AppError {
    AppError::fields(
        problems
            .into_iter()
            .map(|p| ("file", p.to_string()))
            .collect(),
    )
}

/// One row of the file, checked on its own.
#[derive(Debug, Clone)]
struct Row {
    row: usize,
    email: String,
    name: String,
    manager_email: Option<String>,
    team: Option<String>,
    role_level: Option<String>,
    start_date: Option<Millis>,
}

/// Reads the file: the header (whose problems stop everything), then one person a row, each
/// cell checked on its own; the rows read, and the problems of the others.
type Parsed = (Vec<Row>, Vec<RowProblem>);

fn parse(csv: &str) -> Result<Parsed, Vec<RowProblem>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(column_name).collect(),
        Err(e) => return Err(vec![problem(1, "", unreadable(&e))]),
    };
    let mut problems = Vec::new();
    for (i, name) in header.iter().enumerate() {
        if !COLUMNS.contains(&name.as_str()) {
            let m = format!(
                "unknown column `{name}` (column {}); the columns are {}",
                i + 1,
                COLUMNS.join(", ")
            );
            problems.push(problem(1, "", m));
        } else if header[..i].contains(name) {
            problems.push(problem(1, name, "this column is named twice"));
        }
    }
    for c in COLUMNS {
        if !header.iter().any(|h| h == c) {
            let m = format!(
                "the column `{c}` is missing; the columns are {}",
                COLUMNS.join(", ")
            );
            problems.push(problem(1, "", m));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let at = |c: &str| header.iter().position(|h| h == c).unwrap_or(0);
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(problem(row, "", unreadable(&e)));
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != header.len() {
            let m = format!(
                "{} cells, where the header has {}",
                record.len(),
                header.len()
            );
            problems.push(problem(row, "", m));
            continue;
        }
        let cell = |c: &str| record.get(at(c)).unwrap_or("").to_owned();
        let before = problems.len();
        for c in COLUMNS {
            if let Some(p) = input::text_problem(c, &cell(c)) {
                problems.push(problem(row, c, p.message));
            }
        }
        if problems.len() > before {
            continue;
        }
        let optional = |c: &str| Some(cell(c)).filter(|v| !v.is_empty());
        let email = normalise_email(&cell("email"));
        if let Some(p) = email_problem(&email) {
            problems.push(problem(row, "email", p));
        }
        let name = cell("name");
        if let Some(p) = name_problem(&name) {
            problems.push(problem(row, "name", p));
        }
        let manager_email = optional("manager_email").map(|m| normalise_email(&m));
        if let Some(p) = manager_email.as_deref().and_then(email_problem) {
            problems.push(problem(row, "manager_email", p));
        } else if manager_email.as_deref() == Some(email.as_str()) {
            problems.push(problem(
                row,
                "manager_email",
                "a person cannot be their own manager",
            ));
        }
        let team = optional("team");
        if let Some(p) = team.as_deref().and_then(team_problem) {
            problems.push(problem(row, "team", p));
        }
        let role_level = optional("role_level");
        let start_date = match optional("start_date") {
            None => None,
            Some(d) => {
                let day = parse_date(&d);
                if day.is_none() {
                    let m = format!("`{d}` is not a date: write it as YYYY-MM-DD, e.g. 2026-03-01");
                    problems.push(problem(row, "start_date", m));
                } else if role_level.is_none() {
                    problems.push(problem(
                        row,
                        "start_date",
                        "a start date is the start in a role level: give the role level too",
                    ));
                }
                day
            }
        };
        rows.push(Row {
            row,
            email,
            name,
            manager_email,
            team,
            role_level,
            start_date,
        });
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(problem(
            0,
            "",
            "The file has no people in it: a header row, then one person a row.",
        ));
    }
    Ok((rows, problems))
}

/// `Manager email` and `manager-email` are `manager_email`.
fn column_name(header: &str) -> String {
    header
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

fn unreadable(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text: save the file as CSV UTF-8".into(),
        _ => "not readable as CSV (a quote left open?)".into(),
    }
}

/// The organisation as stored, to compare the file with.
struct Planner<'a> {
    app: &'a App,
    people: Vec<Person>,
    teams: BTreeMap<i64, String>,
}

impl<'a> Planner<'a> {
    async fn new(app: &'a App) -> AppResult<Planner<'a>> {
        let store = app.store();
        let people = store.people().await?;
        let teams = store
            .teams()
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect();
        Ok(Planner { app, people, teams })
    }

    async fn plan(
        &self,
        rows: Vec<Row>,
        mut problems: Vec<RowProblem>,
        options: ImportOptions,
    ) -> Result<ImportPlan, Vec<RowProblem>> {
        let framework = self
            .app
            .current_framework()
            .await
            .map_err(|e| vec![problem(0, "", e.to_string())])?;
        let by_email: BTreeMap<&str, &Person> =
            self.people.iter().map(|p| (p.email.as_str(), p)).collect();
        let by_id: BTreeMap<PersonId, &Person> = self.people.iter().map(|p| (p.id, p)).collect();
        let mut in_file: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &rows {
            if let Some(first) = in_file.insert(&r.email, r.row) {
                in_file.insert(&r.email, first);
                problems.push(problem(
                    r.row,
                    "email",
                    format!("{} is already on row {first}", r.email),
                ));
            }
        }
        // Who is deactivated, and who is kept though absent.
        let mut plan = ImportPlan {
            rows: rows.len(),
            ..ImportPlan::default()
        };
        let mut leaving = BTreeSet::new();
        for p in self
            .people
            .iter()
            .filter(|p| p.active && !in_file.contains_key(p.email.as_str()))
        {
            let absent = Absent {
                email: p.email.clone(),
                name: p.name.clone(),
            };
            if options.deactivate_absent && p.system_role != SystemRole::Admin {
                leaving.insert(p.email.as_str());
                plan.deactivated.push(absent);
                plan.import.deactivate.push(p.id);
            } else {
                plan.kept.push(absent);
            }
        }
        for r in &rows {
            if let Some(m) = &r.manager_email
                && !in_file.contains_key(m.as_str())
            {
                let why = match by_email.get(m.as_str()) {
                    None => Some(format!("no person with email {m}, and not in this file")),
                    Some(p) if !p.active => {
                        Some(format!("{m} is deactivated, and not in this file"))
                    }
                    Some(_) if leaving.contains(m.as_str()) => {
                        Some(format!("{m} is not in this file, so would be deactivated"))
                    }
                    Some(_) => None,
                };
                if let Some(why) = why {
                    problems.push(problem(r.row, "manager_email", why));
                }
            }
            if let Some(level) = &r.role_level {
                match &framework {
                    Some(f) if f.framework.role_level(level).is_some() => {}
                    Some(f) => problems.push(problem(
                        r.row,
                        "role_level",
                        format!(
                            "no role level `{level}` in the published framework ({} {})",
                            f.summary.name, f.summary.version
                        ),
                    )),
                    None => problems.push(problem(
                        r.row,
                        "role_level",
                        "no framework is published yet, so no role level can be given",
                    )),
                }
            }
        }
        problems.extend(loops(&rows, &self.people, &by_id));
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.row);
            return Err(problems);
        }
        let version = framework.as_ref().map(|f| f.summary.id);
        let now = now_millis();
        for r in rows {
            let existing = by_email.get(r.email.as_str()).copied();
            let (planned, person) = self.compare(&r, existing, &by_id, version, now);
            match (existing, planned.changes.is_empty()) {
                (None, _) => plan.created.push(planned),
                (Some(_), false) => plan.changed.push(planned),
                (Some(_), true) => {
                    plan.unchanged += 1;
                    continue;
                }
            }
            plan.import.people.push(person);
        }
        Ok(plan)
    }

    /// What the row changes for the person it names (or makes), and the person as it will be.
    fn compare(
        &self,
        r: &Row,
        existing: Option<&Person>,
        by_id: &BTreeMap<PersonId, &Person>,
        version: Option<i64>,
        now: Millis,
    ) -> (PlannedPerson, ImportedPerson) {
        let mut changes = Vec::new();
        let mut change = |what: &str, before: Option<&str>, after: Option<&str>| {
            if before != after {
                let show = |v: Option<&str>| v.unwrap_or("–").to_owned();
                changes.push(format!("{what}: {} → {}", show(before), show(after)));
            }
        };
        let team_now = existing
            .and_then(|p| p.team_id)
            .and_then(|t| self.teams.get(&t))
            .map(String::as_str);
        let manager_now = existing
            .and_then(|p| p.manager_id)
            .and_then(|m| by_id.get(&m))
            .map(|m| m.email.as_str());
        change("name", existing.map(|p| p.name.as_str()), Some(&r.name));
        // Teams are one whatever the case of their name.
        if team_now.map(team_key) != r.team.as_deref().map(team_key) {
            change("team", team_now, r.team.as_deref());
        }
        change("manager", manager_now, r.manager_email.as_deref());
        let level_now = existing.and_then(|p| p.role_level.as_deref());
        change("role level", level_now, r.role_level.as_deref());
        let same_level = existing.is_some() && level_now == r.role_level.as_deref();
        let since_now = existing.and_then(|p| p.role_level_since);
        let since = match (r.start_date, same_level) {
            (Some(d), _) => Some(d),
            (None, true) => since_now,
            (None, false) => r.role_level.as_ref().map(|_| now),
        };
        if same_level && since != since_now {
            change(
                "start date",
                since_now.map(date).as_deref(),
                since.map(date).as_deref(),
            );
        }
        if existing.is_some_and(|p| !p.active) {
            changes.push("reactivated".into());
        }
        let person = ImportedPerson {
            id: existing.map(|p| p.id),
            email: r.email.clone(),
            name: r.name.clone(),
            team: r.team.clone(),
            manager_email: r.manager_email.clone(),
            role_level: r.role_level.clone(),
            role_level_version: match (same_level, existing) {
                (true, Some(p)) => p.role_level_version,
                _ => r.role_level.as_ref().and(version),
            },
            role_level_since: since,
        };
        let planned = PlannedPerson {
            row: r.row,
            email: r.email.clone(),
            name: r.name.clone(),
            changes,
        };
        (planned, person)
    }
}

/// Reporting lines that would loop, each named once at the first row in it.
fn loops(rows: &[Row], people: &[Person], by_id: &BTreeMap<PersonId, &Person>) -> Vec<RowProblem> {
    // Everyone's manager as it will be: the file's, else the stored one.
    let mut manager: BTreeMap<&str, &str> = people
        .iter()
        .filter_map(|p| Some((p.email.as_str(), by_id.get(&p.manager_id?)?.email.as_str())))
        .collect();
    for r in rows {
        match &r.manager_email {
            Some(m) => manager.insert(&r.email, m),
            None => manager.remove(r.email.as_str()),
        };
    }
    let mut reported = BTreeSet::new();
    let mut problems = Vec::new();
    for r in rows {
        let mut line = vec![r.email.as_str()];
        let mut at = r.email.as_str();
        while let Some(next) = manager.get(at).copied() {
            if next == r.email {
                if !reported.contains(next) {
                    line.push(next);
                    reported.extend(line.iter().copied());
                    let m = format!("the reporting line loops: {}", line.join(" → "));
                    problems.push(problem(r.row, "manager_email", m));
                }
                break;
            }
            if line.contains(&next) || line.len() > manager.len() {
                break;
            }
            line.push(next);
            at = next;
        }
    }
    problems
}
