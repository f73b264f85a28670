//! Team planning: "what if" some people of a team leave or are promoted to their next role level.
//! The team's matrix is worked out again without the leavers and with the promoted people held to
//! their next role level's requirements, and compared with today's: the skills nobody would hold
//! any more (to hire or grow for, with whoever is closest to them), the skills that would rest on
//! one person, and the gaps that would open.

use std::collections::HashMap;

use trellis_model::Framework;
use trellis_model::readiness::ReadinessStatus;
use trellis_store::{Person, PersonId};

use super::level_label;
use super::team::{self, Gap, Member, Risk, gap};
use crate::frameworks::Published;

/// Who leaves and who is promoted in the scenario.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scenario {
    pub leaves: Vec<PersonId>,
    pub promoted: Vec<PersonId>,
}

impl Scenario {
    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty() && self.promoted.is_empty()
    }
}

/// A skill someone holds today that nobody would hold after the change.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    pub skill: String,
    pub name: String,
    /// Who holds it today.
    pub held_by: Vec<String>,
    /// Of the people left whose role requires it, the one closest to its level: their name, id,
    /// how many levels below they are (`None`: not rated yet) and the level required.
    pub closest: Option<(String, PersonId, Option<i64>, String)>,
}

/// A role level the team would hire for again: a leaver's, or the one a promoted person leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backfill {
    pub role_level: String,
    pub title: String,
    /// Whose place it is.
    pub instead_of: String,
}

#[derive(Debug)]
pub struct WhatIf {
    /// The changes, in words: "Hannah Schmidt leaves", "Luis Fernández becomes Staff Engineer".
    pub changes: Vec<String>,
    /// People of the scenario who are not in the team, or promoted with no next role level.
    pub ignored: Vec<String>,
    pub needs: Vec<Need>,
    /// Key-person risks after the change that were not risks before.
    pub new_risks: Vec<Risk>,
    /// Gaps after the change, with how many people had the gap before.
    pub gaps: Vec<(Gap, usize)>,
    pub backfills: Vec<Backfill>,
    /// People ready for their role level, before and after.
    pub ready: (usize, usize),
    pub size: (usize, usize),
}

/// Whether a requirement is held: met, at or above its level (not merely not applicable).
fn holds(fw: &Framework, r: &trellis_model::readiness::RequirementReadiness) -> bool {
    r.status == ReadinessStatus::Met && gap(fw, r).is_some_and(|g| g >= 0)
}

/// Who holds each skill their role requires, by skill.
fn holders(fw: &Framework, members: &[Member]) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for m in members {
        for r in m.readiness.iter().flat_map(|r| &r.requirements) {
            if holds(fw, r) {
                out.entry(r.skill.clone())
                    .or_default()
                    .push(m.person.name.clone());
            }
        }
    }
    out
}

/// The team of `members` (with everyone's readiness for their role level, from `observed`) after
/// the scenario.
pub fn what_if(
    published: &Published,
    members: Vec<Member>,
    observed: &HashMap<PersonId, trellis_model::readiness::ObservedSkills>,
    scenario: &Scenario,
) -> WhatIf {
    let fw = &published.framework;
    let mut changes = Vec::new();
    let mut ignored = Vec::new();
    let mut backfills = Vec::new();
    let in_team = |id: &PersonId| members.iter().any(|m| m.person.id == *id);
    for id in scenario.leaves.iter().chain(&scenario.promoted) {
        if !in_team(id) {
            ignored.push(format!("#{id}, who is not in this team"));
        }
    }
    let mut after_people: Vec<Person> = Vec::new();
    for m in &members {
        let p = &m.person;
        if scenario.leaves.contains(&p.id) {
            changes.push(format!("{} leaves", p.name));
            if let Some(rl) = &p.role_level {
                backfills.push(Backfill {
                    role_level: rl.clone(),
                    title: m.role_title.clone(),
                    instead_of: p.name.clone(),
                });
            }
            continue;
        }
        let mut p = p.clone();
        if scenario.promoted.contains(&p.id) {
            let next = p
                .role_level
                .as_deref()
                .and_then(|rl| published.profile(rl))
                .and_then(|profile| profile.next.clone())
                .and_then(|next| published.profile(&next).map(|n| (next, n.title.clone())));
            match next {
                Some((next, title)) => {
                    changes.push(format!("{} becomes {title}", p.name));
                    if let Some(rl) = &p.role_level {
                        backfills.push(Backfill {
                            role_level: rl.clone(),
                            title: m.role_title.clone(),
                            instead_of: p.name.clone(),
                        });
                    }
                    p.role_level = Some(next);
                }
                None => ignored.push(format!("{}, whose role level has no next one", p.name)),
            }
        }
        after_people.push(p);
    }
    let after = team::members(published, after_people, observed);
    let (before_m, after_m) = (
        team::matrix(published, &members),
        team::matrix(published, &after),
    );
    let (held_before, held_after) = (holders(fw, &members), holders(fw, &after));

    let mut needs: Vec<Need> = Vec::new();
    for c in &before_m.columns {
        let Some(held_by) = held_before.get(&c.skill) else {
            continue;
        };
        if held_after.contains_key(&c.skill) {
            continue;
        }
        // Whoever left whose role requires the skill and who is nearest its level.
        let closest = after
            .iter()
            .filter_map(|m| {
                let r = m
                    .readiness
                    .as_ref()?
                    .requirements
                    .iter()
                    .find(|r| r.skill == c.skill)?;
                let required = level_label(fw, &r.skill, r.required.as_str());
                Some((m.person.name.clone(), m.person.id, gap(fw, r), required))
            })
            // Rated first, then the smallest gap (the largest negative number).
            .max_by_key(|(name, _, g, _)| {
                (
                    g.is_some(),
                    g.unwrap_or(i64::MIN),
                    std::cmp::Reverse(name.clone()),
                )
            });
        needs.push(Need {
            skill: c.skill.clone(),
            name: c.name.clone(),
            held_by: held_by.clone(),
            closest,
        });
    }
    let was_risk: Vec<&str> = before_m.risks.iter().map(|r| r.skill.as_str()).collect();
    let new_risks = after_m
        .risks
        .into_iter()
        .filter(|r| !was_risk.contains(&r.skill.as_str()))
        .collect();
    let gaps = after_m
        .gaps
        .into_iter()
        .map(|g| {
            let before = before_m
                .gaps
                .iter()
                .find(|b| b.skill == g.skill)
                .map_or(0, |b| b.unmet);
            (g, before)
        })
        .collect();
    WhatIf {
        changes,
        ignored,
        needs,
        new_risks,
        gaps,
        backfills,
        ready: (before_m.ready, after_m.ready),
        size: (members.len(), after.len()),
    }
}

#[cfg(test)]
mod tests {
    use trellis_model::readiness::{Observed, ObservedSkills, Rated};
    use trellis_store::SystemRole;

    use super::*;

    const SE: &str = "engineering/software-engineer";
    const SENIOR: &str = "engineering/senior-software-engineer";

    fn person(id: PersonId, name: &str, role_level: &str) -> Person {
        Person {
            email: format!("{id}@example.org"),
            name: name.into(),
            role_level: Some(role_level.into()),
            role_level_version: Some(1),
            ..crate::access::test_person(id, Some(100), SystemRole::Member)
        }
    }

    /// Everyone agreed at exactly their role level's requirements, but Bea one level below on
    /// `below`.
    fn team(
        published: &Published,
        below: &str,
    ) -> (Vec<Member>, HashMap<PersonId, ObservedSkills>) {
        let fw = &published.framework;
        let people = vec![
            person(1, "Ada", SE),
            person(2, "Bea", SE),
            person(3, "Cy", SENIOR),
        ];
        let mut observed: HashMap<PersonId, ObservedSkills> = HashMap::new();
        for p in &people {
            let profile = published.profile(p.role_level.as_deref().unwrap()).unwrap();
            for r in &profile.requirements {
                let mut level = r.level.clone();
                if p.id == 2 && r.skill == below {
                    let scale = fw.skill(&r.skill).and_then(|s| fw.scale(&s.scale)).unwrap();
                    let rank = scale.rank(level.as_str()).unwrap();
                    level = scale.levels[rank - 1].id.clone();
                }
                observed.entry(p.id).or_default().insert(
                    r.skill.clone(),
                    Observed {
                        agreed: Some(Rated::Level(level)),
                        ..Observed::default()
                    },
                );
            }
        }
        (team::members(published, people, &observed), observed)
    }

    fn skills(published: &Published, role_level: &str) -> Vec<String> {
        let p = published.profile(role_level).unwrap();
        p.requirements.iter().map(|r| r.skill.clone()).collect()
    }

    /// A skill the software engineer's role requires above its scale's first level.
    fn lowerable(published: &Published) -> String {
        let fw = &published.framework;
        let p = published.profile(SE).unwrap();
        p.requirements
            .iter()
            .find(|r| {
                let scale = fw.skill(&r.skill).and_then(|s| fw.scale(&s.scale)).unwrap();
                scale.rank(r.level.as_str()).unwrap() > 0
            })
            .unwrap()
            .skill
            .clone()
    }

    #[test]
    fn a_leaver_takes_the_skills_only_they_held_and_leaves_a_role_to_fill() {
        let published = Published::starter();
        let below = lowerable(&published);
        let (members, observed) = team(&published, &below);
        let scenario = Scenario {
            leaves: vec![3],
            promoted: Vec::new(),
        };
        let w = what_if(&published, members, &observed, &scenario);
        assert_eq!(w.changes, ["Cy leaves"]);
        assert_eq!(w.size, (3, 2));
        assert_eq!(w.ready, (2, 1), "Bea is one level short on {below}");
        // Nobody else's role asks for what only the senior role did.
        let se = skills(&published, SE);
        let mut expected: Vec<String> = skills(&published, SENIOR)
            .into_iter()
            .filter(|s| !se.contains(s))
            .collect();
        let mut got: Vec<String> = w.needs.iter().map(|n| n.skill.clone()).collect();
        expected.sort();
        got.sort();
        assert!(!expected.is_empty());
        assert_eq!(got, expected);
        assert!(
            w.needs
                .iter()
                .all(|n| n.held_by == ["Cy"] && n.closest.is_none())
        );
        assert_eq!(
            w.backfills,
            [Backfill {
                role_level: SENIOR.into(),
                title: "Senior Software Engineer".into(),
                instead_of: "Cy".into(),
            }]
        );
        // `below` was held by Ada and Cy; with Cy gone, Ada alone.
        assert!(
            w.new_risks
                .iter()
                .any(|r| r.skill == below && r.holder == "Ada")
        );
    }

    #[test]
    fn the_closest_person_left_is_named_for_a_skill_nobody_would_hold() {
        let published = Published::starter();
        let below = lowerable(&published);
        let (members, observed) = team(&published, &below);
        let scenario = Scenario {
            leaves: vec![1, 3],
            promoted: Vec::new(),
        };
        let w = what_if(&published, members, &observed, &scenario);
        let need = w.needs.iter().find(|n| n.skill == below).expect("a need");
        assert_eq!(need.held_by, ["Ada", "Cy"]);
        let (name, id, gap, _) = need.closest.clone().unwrap();
        assert_eq!((name.as_str(), id, gap), ("Bea", 2, Some(-1)));
        assert_eq!(w.backfills.len(), 2);
    }

    #[test]
    fn a_promotion_holds_the_person_to_the_next_level() {
        let published = Published::starter();
        let below = lowerable(&published);
        let (members, observed) = team(&published, &below);
        let scenario = Scenario {
            leaves: Vec::new(),
            promoted: vec![1, 3, 42],
        };
        let w = what_if(&published, members, &observed, &scenario);
        assert!(
            w.changes
                .contains(&"Ada becomes Senior Software Engineer".to_owned())
        );
        assert_eq!(w.size, (3, 3));
        // Ada's ratings were for the level below: every requirement raised is now a gap of hers.
        let raised: Vec<String> = published
            .profile(SENIOR)
            .unwrap()
            .requirements
            .iter()
            .filter(|r| r.previous_level.is_some())
            .map(|r| r.skill.clone())
            .collect();
        assert!(!raised.is_empty());
        for skill in &raised {
            let (g, before) = w
                .gaps
                .iter()
                .find(|(g, _)| &g.skill == skill)
                .unwrap_or_else(|| panic!("a gap in {skill}"));
            assert!(g.who.contains(&"Ada".to_owned()), "{skill}: {:?}", g.who);
            assert!(g.unmet > *before || g.who.len() > 1);
        }
        assert!(
            w.ignored.iter().any(|i| i.starts_with("#42")),
            "{:?}",
            w.ignored
        );
        assert!(
            w.backfills
                .iter()
                .any(|b| b.role_level == SE && b.instead_of == "Ada")
        );
    }
}
