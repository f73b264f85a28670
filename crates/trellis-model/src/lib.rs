//! The Trellis framework model: career frameworks as data, with the rules that keep them sound.
//!
//! - [`framework`]: the types a framework is written in.
//! - [`validate`]: errors (ids, references, levels, interview weights, regression, links).
//! - [`lint`]: warnings (empty sections, template leaks, junk tails, mojibake).
//! - [`resolve`]: the effective profile of a role level; [`diff`]: what changes between two.
//! - [`sections`]: the rest of a role blueprint (stakeholders, qualifications, promotion, onboarding, interview guidance…).
//! - [`readiness`]: whether a person meets a role level, under the framework's readiness policy.
//!
//! Pure: no I/O. Reading and writing files is `trellis-formats`' job.
#![forbid(unsafe_code)]

pub mod diagnostic;
pub mod diff;
pub mod framework;
pub mod lint;
pub mod readiness;
pub mod resolve;
pub mod sections;
pub mod text;
pub mod validate;

pub use diagnostic::{Code, Diagnostic, Location, Pointer, Seg, Severity};
pub use framework::*;
pub use resolve::{EffectiveRequirement, Profile, Status, resolve};
pub use sections::{
    Automation, Escalation, Exercise, FailureModes, InterviewGuidance, ItemGroup, Need, Onboarding,
    OnboardingStage, Promotion, Qualification, Qualifications, SectionNotes, Stakeholder,
    Stakeholders, Variant, VariantBy,
};

/// Every error and warning about a loaded framework, in a stable order.
pub fn check(fw: &Framework, unloaded: &validate::Unloaded) -> Vec<Diagnostic> {
    let mut out = validate::validate(fw, unloaded);
    out.extend(lint::lint(fw));
    out
}
