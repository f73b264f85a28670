//! Resolution: the *effective* profile of a role level, its own requirements plus what it inherits
//! from the earlier levels of its track, each marked new, raised, inherited or lowered.

use indexmap::IndexMap;
use serde::Serialize;

use crate::diagnostic::did_you_mean;
use crate::framework::{
    Behaviour, DecisionTier, Framework, Importance, InterviewDimension, Kpi, LevelId, LevelMapping,
    ResponsibilityGroup, SalaryBand, Tool, role_level_id,
};
use crate::sections::profile::{self, ProfileSections};
use crate::validate::{effective_next, effective_previous};

/// How a requirement of the effective profile relates to the level before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// First required at this level.
    New,
    /// Required before, at a lower level.
    Raised,
    /// Required before at the same level.
    Inherited,
    /// Required before at a higher level: this level asks less, which the framework allows only with a
    /// `regression_reason`. Never shown as inherited, so a reader sees the drop.
    Lowered,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Raised => "raised",
            Status::Inherited => "inherited",
            Status::Lowered => "lowered",
        }
    }
}

/// One requirement of an effective profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EffectiveRequirement {
    pub skill: String,
    pub skill_name: String,
    pub level: LevelId,
    pub level_label: String,
    pub importance: Importance,
    pub status: Status,
    /// The level it was required at by the level before, when raised or lowered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_level: Option<LevelId>,
    /// Why this level asks less than the level before, when lowered (the requirement's
    /// `regression_reason`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regression_reason: Option<String>,
    /// Full id of the role level that set this requirement.
    pub set_by: String,
    /// What the skill looks like at the required level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub descriptor: Option<String>,
    pub category: Option<String>,
    /// True when the skill's text comes from a source that may not be redistributed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub restricted: bool,
    /// Position of `level` on the skill's scale (0 for the lowest), for comparisons.
    #[serde(skip)]
    pub rank: usize,
}

/// Everything a person at a role level is expected to know and do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    pub id: String,
    pub track: String,
    pub track_name: String,
    pub title: String,
    pub summary: Option<String>,
    pub scope: Option<String>,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub requirements: Vec<EffectiveRequirement>,
    pub responsibilities: Vec<ResponsibilityGroup>,
    pub behaviours: Vec<Behaviour>,
    pub kpis: Vec<Kpi>,
    pub decision_rights: Vec<DecisionTier>,
    pub tools: Vec<Tool>,
    pub interview: Vec<InterviewDimension>,
    pub salary: Option<SalaryBand>,
    pub mappings: Vec<LevelMapping>,
    /// The name of the source whose licence restricts this profile's prose, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restricted_source: Option<String>,
    /// Set once the restricted prose has been removed, naming the source, for a note to readers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_withheld: Option<String>,
    /// The rest of the blueprint: collaboration, environment, experience, career path, risks,
    /// variants, AI impact and hiring guidance, the level's own or inherited.
    #[serde(flatten)]
    pub sections: ProfileSections,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRoleLevel {
    pub id: String,
    pub hint: Option<String>,
}

impl std::fmt::Display for UnknownRoleLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown role level `{}`", self.id)?;
        if let Some(h) = &self.hint {
            write!(f, "; {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownRoleLevel {}

/// Finds a role level by full id, or by its slug alone when that is unambiguous.
pub fn find_role_level(fw: &Framework, id: &str) -> Result<String, UnknownRoleLevel> {
    if fw.role_level(id).is_some() {
        return Ok(id.to_owned());
    }
    let matches: Vec<String> = fw
        .role_levels()
        .filter(|(_, _, l)| l.id == id)
        .map(|(full, _, _)| full)
        .collect();
    if let [only] = matches.as_slice() {
        return Ok(only.clone());
    }
    let ids: Vec<String> = fw.role_levels().map(|(full, _, _)| full).collect();
    let hint = if matches.len() > 1 {
        Some(format!("it is ambiguous: {}", matches.join(", ")))
    } else {
        did_you_mean(id, ids.iter().map(String::as_str))
            .or_else(|| Some("`trellis list` shows every role level".to_owned()))
    };
    Err(UnknownRoleLevel {
        id: id.to_owned(),
        hint,
    })
}

/// Resolves the effective profile of the role level with this full id.
pub fn resolve(fw: &Framework, id: &str) -> Result<Profile, UnknownRoleLevel> {
    let id = find_role_level(fw, id)?;
    let Some((track, index, level)) = fw.role_level(&id) else {
        return Err(UnknownRoleLevel { id, hint: None });
    };
    // Cumulative tracks inherit from every earlier level; others stand alone but are still compared
    // with the level before to mark what is new or raised.
    let mut held: IndexMap<&str, EffectiveRequirement> = IndexMap::new();
    let first = if track.cumulative {
        0
    } else {
        index.saturating_sub(1)
    };
    for (i, earlier) in track.levels.iter().enumerate().take(index + 1).skip(first) {
        let here = i == index;
        for drop in &earlier.drops {
            held.shift_remove(drop.skill.as_str());
        }
        let set_by = role_level_id(&track.id, &earlier.id);
        let mut listed = Vec::new();
        for req in &earlier.requirements {
            let Some(skill) = fw.skill(&req.skill) else {
                continue;
            };
            let Some(scale) = fw.scale(&skill.scale) else {
                continue;
            };
            let Some(rank) = scale.rank(req.level.as_str()) else {
                continue;
            };
            listed.push(req.skill.as_str());
            let before = held.get(req.skill.as_str());
            let (status, previous_level) = match before {
                None => (Status::New, None),
                Some(b) if rank > b.rank => (Status::Raised, Some(b.level.clone())),
                Some(b) if rank < b.rank => (Status::Lowered, Some(b.level.clone())),
                Some(_) => (Status::Inherited, None),
            };
            // Restating a requirement at the same level keeps where it was first set.
            let set_by = match before {
                Some(b) if status == Status::Inherited && rank == b.rank => b.set_by.clone(),
                _ => set_by.clone(),
            };
            let entry = EffectiveRequirement {
                skill: skill.id.clone(),
                skill_name: skill.name.clone(),
                level: req.level.clone(),
                level_label: scale
                    .level(req.level.as_str())
                    .map(|l| l.label.clone())
                    .unwrap_or_default(),
                importance: req.importance,
                status,
                previous_level,
                regression_reason: req
                    .regression_reason
                    .clone()
                    .filter(|_| status == Status::Lowered),
                set_by,
                descriptor: skill.levels.get(req.level.as_str()).cloned(),
                category: skill.category.clone(),
                restricted: !fw.skill_text_redistributable(skill),
                rank,
            };
            held.insert(req.skill.as_str(), entry);
        }
        if !here {
            for req in held.values_mut() {
                req.status = Status::Inherited;
                req.previous_level = None;
                req.regression_reason = None;
            }
        } else if !track.cumulative {
            held.retain(|skill, _| listed.contains(skill));
        }
    }
    Ok(Profile {
        id: id.clone(),
        track: track.id.clone(),
        track_name: track.name.clone(),
        title: level.title.clone(),
        summary: level.summary.clone(),
        scope: level.scope.clone(),
        previous: effective_previous(track, index, level),
        next: effective_next(track, index, level),
        requirements: held.into_values().collect(),
        responsibilities: level.responsibilities.clone(),
        behaviours: level.behaviours.clone(),
        kpis: level.kpis.clone(),
        decision_rights: level.decision_rights.clone(),
        tools: level.tools.clone(),
        interview: level.interview.clone(),
        salary: level.salary.clone(),
        mappings: level.mappings.clone(),
        restricted_source: fw.restricted_source(level).map(|s| s.name.clone()),
        text_withheld: None,
        sections: profile::resolve(fw, track, index),
    })
}

impl Profile {
    /// Removes text that may not be published without a licence: descriptors of restricted skills
    /// and, when the role level's own source is restricted, its prose. Names, titles, levels and
    /// weights stay.
    pub fn withhold_restricted(&mut self) {
        for req in &mut self.requirements {
            if req.restricted {
                req.descriptor = None;
            }
        }
        if let Some(source) = self.restricted_source.clone() {
            self.summary = None;
            self.scope = None;
            self.responsibilities.clear();
            self.decision_rights.clear();
            for b in &mut self.behaviours {
                b.description = None;
            }
            for k in &mut self.kpis {
                k.measures = None;
                k.why = None;
                k.target = None;
            }
            for t in &mut self.tools {
                t.purpose = None;
            }
            for d in &mut self.interview {
                d.description = None;
                d.anchors.clear();
            }
            self.text_withheld = Some(source);
        }
        if let Some(source) = self.sections.withhold_restricted() {
            self.text_withheld.get_or_insert(source);
        }
    }

    pub fn count(&self, status: Status) -> usize {
        self.requirements
            .iter()
            .filter(|r| r.status == status)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One cumulative track of three levels: the middle one asks less of `pour`, with a reason.
    fn framework() -> Framework {
        serde_json::from_value(serde_json::json!({
            "id": "cafe", "name": "Cafe", "version": "1",
            "scales": [{"id": "s", "name": "S", "levels": [
                {"id": "low", "label": "Low"}, {"id": "mid", "label": "Mid"}, {"id": "high", "label": "High"}
            ]}],
            "skills": [{"id": "pour", "name": "Latte art", "scale": "s",
                        "levels": {"low": "a", "mid": "b", "high": "c"}}],
            "tracks": [{"id": "baristas", "name": "Baristas", "levels": [
                {"id": "one", "title": "One", "requirements": [{"skill": "pour", "level": "high"}]},
                {"id": "two", "title": "Two", "requirements": [
                    {"skill": "pour", "level": "mid", "regression_reason": "Runs the till instead."}
                ]},
                {"id": "three", "title": "Three"}
            ]}]
        }))
        .unwrap()
    }

    #[test]
    fn a_level_that_asks_less_marks_the_requirement_lowered_with_both_levels() {
        let fw = framework();
        let two = resolve(&fw, "baristas/two").unwrap();
        let pour = &two.requirements[0];
        assert_eq!(pour.status, Status::Lowered);
        assert_eq!(pour.level.as_str(), "mid");
        assert_eq!(
            pour.previous_level.as_ref().map(LevelId::as_str),
            Some("high")
        );
        assert_eq!(
            pour.regression_reason.as_deref(),
            Some("Runs the till instead.")
        );
        assert_eq!(pour.set_by, "baristas/two");
        assert_eq!(two.count(Status::Lowered), 1);
        assert_eq!(two.count(Status::Inherited), 0);
        // The level after inherits the lowered level as it stands.
        let three = resolve(&fw, "baristas/three").unwrap();
        let pour = &three.requirements[0];
        assert_eq!(
            (
                pour.status,
                pour.level.as_str(),
                &pour.previous_level,
                &pour.regression_reason
            ),
            (Status::Inherited, "mid", &None, &None)
        );
    }

    /// Two tracks. `crew` is cumulative: `deckhand` requires `knots` and `charts` at 1, `mate`
    /// raises `knots` and restates `charts`, `bosun` adds `signals`. `shore` is not cumulative:
    /// `clerk` requires `knots` and `ledgers`, `purser` lists `ledgers` only. `knots` comes from a
    /// source that may not be redistributed, as does the purser's text.
    fn fleet() -> Framework {
        serde_json::from_value(serde_json::json!({
            "id": "fleet", "name": "Fleet", "version": "1",
            "sources": [{"id": "guild", "name": "The Guild", "redistributable": false}],
            "scales": [{"id": "s", "name": "S", "levels": [
                {"id": "1", "label": "Aware"}, {"id": "2", "label": "Able"}, {"id": "3", "label": "Expert"}
            ]}],
            "skills": [
                {"id": "knots", "name": "Knots", "scale": "s", "source": "guild",
                 "levels": {"1": "Ties a reef knot.", "2": "Splices.", "3": "Teaches."}},
                {"id": "charts", "name": "Charts", "scale": "s", "category": "Navigation",
                 "levels": {"1": "Reads a chart."}},
                {"id": "signals", "name": "Signals", "scale": "s"},
                {"id": "ledgers", "name": "Ledgers", "scale": "s"}
            ],
            "tracks": [
                {"id": "crew", "name": "Crew", "levels": [
                    {"id": "deckhand", "title": "Deckhand", "requirements": [
                        {"skill": "knots", "level": "1"}, {"skill": "charts", "level": "1"}
                    ]},
                    {"id": "mate", "title": "Mate", "requirements": [
                        {"skill": "knots", "level": "2", "importance": "critical"},
                        {"skill": "charts", "level": "1"}
                    ]},
                    {"id": "bosun", "title": "Bosun", "requirements": [{"skill": "signals", "level": "1"}]}
                ]},
                {"id": "shore", "name": "Shore", "cumulative": false, "levels": [
                    {"id": "clerk", "title": "Clerk", "requirements": [
                        {"skill": "knots", "level": "1"}, {"skill": "ledgers", "level": "1"}
                    ]},
                    {"id": "purser", "title": "Purser", "source": "guild", "summary": "Keeps the books.",
                     "interview": [{"name": "Books", "weight": 100, "description": "Balances.",
                                    "anchors": {"1": "Cannot.", "5": "Always."}}],
                     "requirements": [{"skill": "ledgers", "level": "2"}]},
                    {"id": "mate", "title": "Shore mate", "requirements": [{"skill": "ledgers", "level": "2"}]}
                ]}
            ]
        }))
        .unwrap()
    }

    /// (skill, status, level, previous level, set by) of each requirement.
    fn rows(profile: &Profile) -> Vec<(&str, Status, &str, Option<&str>, &str)> {
        profile
            .requirements
            .iter()
            .map(|r| {
                (
                    r.skill.as_str(),
                    r.status,
                    r.level.as_str(),
                    r.previous_level.as_ref().map(LevelId::as_str),
                    r.set_by.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn a_cumulative_level_marks_what_is_new_raised_and_inherited() {
        let fw = fleet();
        let deckhand = resolve(&fw, "crew/deckhand").unwrap();
        assert_eq!(
            rows(&deckhand),
            vec![
                ("knots", Status::New, "1", None, "crew/deckhand"),
                ("charts", Status::New, "1", None, "crew/deckhand"),
            ]
        );
        // A restated requirement keeps the level that first set it; a raised one is set here.
        let mate = resolve(&fw, "crew/mate").unwrap();
        assert_eq!(
            rows(&mate),
            vec![
                ("knots", Status::Raised, "2", Some("1"), "crew/mate"),
                ("charts", Status::Inherited, "1", None, "crew/deckhand"),
            ]
        );
        assert_eq!(mate.requirements[0].importance, Importance::Critical);
        assert_eq!(mate.requirements[0].level_label, "Able");
        assert_eq!(
            (mate.count(Status::Raised), mate.count(Status::New)),
            (1, 0)
        );
        // The level after inherits both as they stand, and adds its own.
        let bosun = resolve(&fw, "crew/bosun").unwrap();
        assert_eq!(
            rows(&bosun),
            vec![
                ("knots", Status::Inherited, "2", None, "crew/mate"),
                ("charts", Status::Inherited, "1", None, "crew/deckhand"),
                ("signals", Status::New, "1", None, "crew/bosun"),
            ]
        );
        assert_eq!(
            (
                bosun.previous.as_deref(),
                bosun.next.as_deref(),
                bosun.track_name.as_str(),
                bosun.title.as_str()
            ),
            (Some("crew/mate"), None, "Crew", "Bosun")
        );
        assert_eq!(
            (deckhand.previous.as_deref(), deckhand.next.as_deref()),
            (None, Some("crew/mate"))
        );
    }

    #[test]
    fn a_level_of_a_non_cumulative_track_holds_only_what_it_lists() {
        let fw = fleet();
        let purser = resolve(&fw, "shore/purser").unwrap();
        // Compared with the clerk, ledgers are raised; knots are not listed and so not held.
        assert_eq!(
            rows(&purser),
            vec![("ledgers", Status::Raised, "2", Some("1"), "shore/purser")]
        );
        // Only the level just before is compared: the clerk's `knots` are gone two levels on.
        let mate = resolve(&fw, "shore/mate").unwrap();
        assert_eq!(
            rows(&mate),
            vec![("ledgers", Status::Inherited, "2", None, "shore/purser")]
        );
    }

    #[test]
    fn role_levels_are_found_by_full_id_or_by_an_unambiguous_slug() {
        let fw = fleet();
        assert_eq!(find_role_level(&fw, "crew/mate").unwrap(), "crew/mate");
        assert_eq!(find_role_level(&fw, "bosun").unwrap(), "crew/bosun");
        assert_eq!(resolve(&fw, "purser").unwrap().id, "shore/purser");

        let err = find_role_level(&fw, "mate").unwrap_err();
        assert_eq!(
            err,
            UnknownRoleLevel {
                id: "mate".into(),
                hint: Some("it is ambiguous: crew/mate, shore/mate".into())
            }
        );
        assert_eq!(
            err.to_string(),
            "unknown role level `mate`; it is ambiguous: crew/mate, shore/mate"
        );
        let err = resolve(&fw, "crew/bosn").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown role level `crew/bosn`; did you mean `crew/bosun`?"
        );
        let err = find_role_level(&fw, "zzz").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown role level `zzz`; `trellis list` shows every role level"
        );
        let bare = UnknownRoleLevel {
            id: "x/y".into(),
            hint: None,
        };
        assert_eq!(bare.to_string(), "unknown role level `x/y`");
    }

    #[test]
    fn restricted_text_is_marked_and_withheld_names_and_levels_stay() {
        let fw = fleet();
        let mut mate = resolve(&fw, "crew/mate").unwrap();
        let restricted: Vec<(&str, bool)> = mate
            .requirements
            .iter()
            .map(|r| (r.skill.as_str(), r.restricted))
            .collect();
        assert_eq!(restricted, vec![("knots", true), ("charts", false)]);
        assert_eq!(mate.requirements[0].descriptor.as_deref(), Some("Splices."));
        assert_eq!(mate.restricted_source, None);
        mate.withhold_restricted();
        assert_eq!(mate.requirements[0].descriptor, None);
        assert_eq!(
            mate.requirements[1].descriptor.as_deref(),
            Some("Reads a chart.")
        );
        assert_eq!(mate.requirements[1].category.as_deref(), Some("Navigation"));
        assert_eq!(mate.text_withheld, None);

        let mut purser = resolve(&fw, "shore/purser").unwrap();
        assert_eq!(purser.restricted_source.as_deref(), Some("The Guild"));
        assert_eq!(purser.summary.as_deref(), Some("Keeps the books."));
        purser.withhold_restricted();
        assert_eq!(purser.summary, None);
        assert_eq!(purser.interview[0].name, "Books");
        assert_eq!(purser.interview[0].description, None);
        assert!(purser.interview[0].anchors.is_empty());
        assert_eq!(purser.text_withheld.as_deref(), Some("The Guild"));
    }

    #[test]
    fn statuses_are_named_in_lowercase() {
        let names: Vec<&str> = [
            Status::New,
            Status::Raised,
            Status::Inherited,
            Status::Lowered,
        ]
        .into_iter()
        .map(Status::as_str)
        .collect();
        assert_eq!(names, ["new", "raised", "inherited", "lowered"]);
    }
}
