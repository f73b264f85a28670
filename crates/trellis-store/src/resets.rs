//! Passwords reset by email: the port's side of a reset link (only the hash of its token is
//! stored).

use std::future::Future;

use crate::{Audit, Millis, Person, PersonId, StoreResult};

/// Reset links asked for by email. A token is used once and before it expires; only an active
/// account's token counts.
pub trait PasswordResetStore: Send + Sync {
    /// Records a reset link for an active person (the hash of its token and when it expires) with
    /// its audit event. `NotFound` for an unknown or deactivated person.
    fn create_password_reset(
        &self,
        person: PersonId,
        token_hash: &str,
        expires_at: Millis,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The active person a token is for, if it is unused and unexpired at `now`.
    fn password_reset(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> impl Future<Output = StoreResult<Option<Person>>> + Send;
    /// Sets a new password through a token at `audit.at`, in one transaction: the token is used
    /// (an unknown, used or expired token, or one of a deactivated account, is `NotFound`, and
    /// of two uses at once one is), every other token of the account ends, every session of the
    /// account ends, and the reset is audited. Returns the person.
    fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        audit: &Audit,
    ) -> impl Future<Output = StoreResult<Person>> + Send;
}
