//! The demo organisation for `trellis serve --demo`: 40 people in five product teams, with
//! leadership and a people team, so that a newcomer sees a living product.
//!
//! Names, teams and reporting lines are invented. Loading is idempotent: people who already exist
//! (by email) are left alone.

use std::collections::HashMap;

use trellis_store::{NewPerson, PersonId, Store, SystemRole};

use crate::bootstrap::{BootstrapError, system_audit};

/// One demo person: name, email local part, team, manager's email local part, role level, access.
struct DemoPerson {
    name: &'static str,
    handle: &'static str,
    team: &'static str,
    manager: Option<&'static str>,
    role_level: Option<&'static str>,
    role: SystemRole,
}

const fn p(
    name: &'static str,
    handle: &'static str,
    team: &'static str,
    manager: Option<&'static str>,
    role_level: Option<&'static str>,
) -> DemoPerson {
    DemoPerson {
        name,
        handle,
        team,
        manager,
        role_level,
        role: SystemRole::Member,
    }
}

const SE: Option<&str> = Some("engineering/software-engineer");
const SENIOR: Option<&str> = Some("engineering/senior-software-engineer");
const STAFF: Option<&str> = Some("engineering/staff-engineer");

/// Managers come before their reports.
fn people() -> Vec<DemoPerson> {
    let mut v = vec![
        // Leadership and the people team.
        p(
            "Nadia Rahman",
            "nadia.rahman",
            "Leadership",
            None,
            Some("product/head-of-product"),
        ),
        p(
            "Tomasz Kowalczyk",
            "tomasz.kowalczyk",
            "Leadership",
            None,
            Some("engineering/principal-engineer"),
        ),
        DemoPerson {
            role: SystemRole::PeopleTeam,
            ..p("Grace Mensah", "grace.mensah", "People", None, None)
        },
        DemoPerson {
            role: SystemRole::PeopleTeam,
            ..p(
                "Beatriz Costa",
                "beatriz.costa",
                "People",
                Some("grace.mensah"),
                None,
            )
        },
        // Checkout: paying for things, refunds, invoices.
        p(
            "Amara Okafor",
            "amara.okafor",
            "Checkout",
            Some("tomasz.kowalczyk"),
            STAFF,
        ),
        p(
            "Sofia Rossi",
            "sofia.rossi",
            "Checkout",
            Some("nadia.rahman"),
            Some("product/product-manager"),
        ),
        p(
            "Emeka Obi",
            "emeka.obi",
            "Checkout",
            Some("sofia.rossi"),
            Some("product/associate-product-manager"),
        ),
        p(
            "Luis Fernández",
            "luis.fernandez",
            "Checkout",
            Some("amara.okafor"),
            SENIOR,
        ),
        p(
            "Hannah Schmidt",
            "hannah.schmidt",
            "Checkout",
            Some("amara.okafor"),
            SE,
        ),
        p(
            "Kenji Watanabe",
            "kenji.watanabe",
            "Checkout",
            Some("amara.okafor"),
            SE,
        ),
        p(
            "Priya Nair",
            "priya.nair",
            "Checkout",
            Some("amara.okafor"),
            SENIOR,
        ),
        p(
            "Ole Hansen",
            "ole.hansen",
            "Checkout",
            Some("amara.okafor"),
            SE,
        ),
        // Search & Discovery: helping customers find the right thing.
        p(
            "Daniel Cohen",
            "daniel.cohen",
            "Search & Discovery",
            Some("tomasz.kowalczyk"),
            STAFF,
        ),
        p(
            "Chloé Martin",
            "chloe.martin",
            "Search & Discovery",
            Some("nadia.rahman"),
            Some("product/senior-product-manager"),
        ),
        p(
            "Aisha Bello",
            "aisha.bello",
            "Search & Discovery",
            Some("daniel.cohen"),
            SENIOR,
        ),
        p(
            "Mateo Silva",
            "mateo.silva",
            "Search & Discovery",
            Some("daniel.cohen"),
            SE,
        ),
        p(
            "Yuki Tanaka",
            "yuki.tanaka",
            "Search & Discovery",
            Some("daniel.cohen"),
            SE,
        ),
        p(
            "Fatima El Idrissi",
            "fatima.elidrissi",
            "Search & Discovery",
            Some("daniel.cohen"),
            SENIOR,
        ),
        p(
            "Liam O'Connor",
            "liam.oconnor",
            "Search & Discovery",
            Some("daniel.cohen"),
            SE,
        ),
        // Platform: the paved road every other team builds on.
        p(
            "Ravi Shankar",
            "ravi.shankar",
            "Platform",
            Some("tomasz.kowalczyk"),
            STAFF,
        ),
        p(
            "Jonas Weber",
            "jonas.weber",
            "Platform",
            Some("nadia.rahman"),
            Some("product/associate-product-manager"),
        ),
        p(
            "Ingrid Larsen",
            "ingrid.larsen",
            "Platform",
            Some("ravi.shankar"),
            STAFF,
        ),
        p(
            "Kwame Asante",
            "kwame.asante",
            "Platform",
            Some("ravi.shankar"),
            SENIOR,
        ),
        p(
            "Elena Popescu",
            "elena.popescu",
            "Platform",
            Some("ravi.shankar"),
            SE,
        ),
        p(
            "Marcus Johnson",
            "marcus.johnson",
            "Platform",
            Some("ravi.shankar"),
            SE,
        ),
        p(
            "Mei Lin",
            "mei.lin",
            "Platform",
            Some("ravi.shankar"),
            SENIOR,
        ),
        // Mobile: the apps customers carry around.
        p(
            "Leila Haddad",
            "leila.haddad",
            "Mobile",
            Some("tomasz.kowalczyk"),
            STAFF,
        ),
        p(
            "Olivia Brown",
            "olivia.brown",
            "Mobile",
            Some("nadia.rahman"),
            Some("product/product-manager"),
        ),
        p(
            "Samuel Adeyemi",
            "samuel.adeyemi",
            "Mobile",
            Some("leila.haddad"),
            SENIOR,
        ),
        p(
            "Anna Kowalski",
            "anna.kowalski",
            "Mobile",
            Some("leila.haddad"),
            SE,
        ),
        p(
            "Diego Morales",
            "diego.morales",
            "Mobile",
            Some("leila.haddad"),
            SE,
        ),
        p(
            "Hiroshi Sato",
            "hiroshi.sato",
            "Mobile",
            Some("leila.haddad"),
            SENIOR,
        ),
        p(
            "Zanele Dlamini",
            "zanele.dlamini",
            "Mobile",
            Some("leila.haddad"),
            SE,
        ),
        // Insights: data, experiments and the numbers everyone argues about.
        p(
            "Carmen Vidal",
            "carmen.vidal",
            "Insights",
            Some("tomasz.kowalczyk"),
            STAFF,
        ),
        p(
            "Lucía Gómez",
            "lucia.gomez",
            "Insights",
            Some("nadia.rahman"),
            Some("product/principal-product-manager"),
        ),
        p(
            "Arjun Mehta",
            "arjun.mehta",
            "Insights",
            Some("carmen.vidal"),
            SENIOR,
        ),
        p(
            "Eszter Nagy",
            "eszter.nagy",
            "Insights",
            Some("carmen.vidal"),
            SE,
        ),
        p(
            "Noah Williams",
            "noah.williams",
            "Insights",
            Some("carmen.vidal"),
            SE,
        ),
        p(
            "Siobhan Murphy",
            "siobhan.murphy",
            "Insights",
            Some("carmen.vidal"),
            SENIOR,
        ),
        p(
            "Tariq Aziz",
            "tariq.aziz",
            "Insights",
            Some("carmen.vidal"),
            SE,
        ),
    ];
    v.shrink_to_fit();
    v
}

pub const DEMO_DOMAIN: &str = "example.com";

fn email(handle: &str) -> String {
    format!("{handle}@{DEMO_DOMAIN}")
}

/// A few accounts worth signing in as, with what each shows.
pub fn suggested_accounts() -> Vec<(String, &'static str)> {
    vec![
        (
            email("amara.okafor"),
            "engineering manager of the Checkout team",
        ),
        (email("hannah.schmidt"), "engineer in Checkout, a member"),
        (
            email("nadia.rahman"),
            "head of product, manages the product managers",
        ),
        (email("grace.mensah"), "people team, sees everyone"),
    ]
}

#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    /// People created this time.
    pub created: usize,
    /// People who already existed.
    pub existing: usize,
}

/// Loads the demo organisation. Every new demo account gets `password_hash`, so hash the shared
/// demo password once and pass it in.
pub async fn load<S: Store>(store: &S, password_hash: &str) -> Result<DemoReport, BootstrapError> {
    let audit = system_audit();
    let current = store.current_framework().await?;
    let (version, framework) = match current {
        Some(c) => {
            let fw: trellis_model::Framework = serde_json::from_value(c.content)
                .map_err(|e| BootstrapError::Other(e.to_string()))?;
            (Some(c.id), Some(fw))
        }
        None => (None, None),
    };
    let mut ids: HashMap<&str, PersonId> = HashMap::new();
    let mut teams: HashMap<&str, i64> = HashMap::new();
    let mut report = DemoReport::default();
    for d in people() {
        if let Some(existing) = store.person_by_email(&email(d.handle)).await? {
            ids.insert(d.handle, existing.id);
            report.existing += 1;
            continue;
        }
        let team_id = match teams.get(d.team) {
            Some(id) => *id,
            None => {
                let t = store.ensure_team(d.team, &audit).await?;
                teams.insert(d.team, t.id);
                t.id
            }
        };
        // Only role levels the published framework has (it may not be the starter).
        let role_level = d
            .role_level
            .filter(|r| {
                framework
                    .as_ref()
                    .is_some_and(|fw| fw.role_level(r).is_some())
            })
            .map(str::to_owned);
        let created = store
            .create_person(
                NewPerson {
                    email: email(d.handle),
                    name: d.name.to_owned(),
                    team_id: Some(team_id),
                    manager_id: d.manager.and_then(|m| ids.get(m).copied()),
                    role_level_version: role_level.as_ref().and(version),
                    role_level,
                    system_role: d.role,
                    password_hash: Some(password_hash.to_owned()),
                },
                &audit,
            )
            .await?;
        ids.insert(d.handle, created.id);
        report.created += 1;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_is_well_formed() {
        let people = people();
        assert_eq!(people.len(), 40);
        let mut seen = std::collections::HashSet::new();
        for d in &people {
            if let Some(m) = d.manager {
                assert!(
                    seen.contains(m),
                    "{} comes before their manager {m}",
                    d.name
                );
            }
            assert!(seen.insert(d.handle), "{} twice", d.handle);
        }
        let teams: std::collections::HashSet<_> = people.iter().map(|d| d.team).collect();
        assert_eq!(teams.len(), 7, "five product teams, leadership and people");
    }

    #[test]
    fn demo_role_levels_are_in_the_starter() {
        let fw = trellis_formats::load(&trellis_formats::starter::starter_files()).framework;
        for d in people() {
            if let Some(r) = d.role_level {
                assert!(fw.role_level(r).is_some(), "{r} is not in the starter");
            }
        }
    }
}
