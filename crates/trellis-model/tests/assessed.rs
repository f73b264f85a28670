//! Readiness before anyone has rated: no verdict, only "not yet assessed".

use trellis_model::readiness::{Readiness, ReadinessStatus, RequirementReadiness};
use trellis_model::{Importance, LevelId};

fn requirement(
    self_level: Option<&str>,
    manager: Option<&str>,
    agreed: Option<&str>,
) -> RequirementReadiness {
    RequirementReadiness {
        skill: "prog".into(),
        skill_name: "Programming".into(),
        category: None,
        importance: Importance::Important,
        required: LevelId("3".into()),
        required_label: "3".into(),
        self_level: self_level.map(Into::into),
        manager: manager.map(Into::into),
        agreed: agreed.map(Into::into),
        status: ReadinessStatus::NotMet,
        evidence_count: 0,
        explanation: String::new(),
    }
}

fn readiness(requirements: Vec<RequirementReadiness>) -> Readiness {
    Readiness {
        policy: "all-required".into(),
        policy_description: String::new(),
        role_level: "t/l".into(),
        ready: false,
        score: 0.0,
        requirements,
        summary: String::new(),
    }
}

#[test]
fn any_rating_by_anyone_makes_a_requirement_rated() {
    assert!(!requirement(None, None, None).rated());
    assert!(requirement(Some("2"), None, None).rated());
    assert!(requirement(None, Some("2"), None).rated());
    assert!(requirement(None, None, Some("2")).rated());
}

#[test]
fn a_role_level_is_assessed_once_any_requirement_is_rated() {
    assert!(!readiness(vec![]).assessed());
    assert!(!readiness(vec![requirement(None, None, None); 3]).assessed());
    let mut some = vec![requirement(None, None, None); 3];
    some[2] = requirement(None, Some("4"), None);
    assert!(readiness(some).assessed());
}
