//! The demo organisation's people: invented names, teams, reporting lines and role levels.

use super::*;

/// One demo person: name, email local part, team, manager's email local part, role level, access.
pub(super) struct DemoPerson {
    pub(super) name: &'static str,
    pub(super) handle: &'static str,
    pub(super) team: &'static str,
    pub(super) manager: Option<&'static str>,
    pub(super) role_level: Option<&'static str>,
    pub(super) role: SystemRole,
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
pub(super) fn people() -> Vec<DemoPerson> {
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
