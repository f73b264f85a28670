//! Single sign-on through an OpenID provider: the port's side of a sign-in under way.

use std::future::Future;

use crate::{Millis, StoreResult};

/// What the server keeps between sending a browser to the provider and its return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSsoSignIn {
    /// Sent to the provider and checked in the ID token it signs.
    pub nonce: String,
    /// The PKCE secret whose hash went to the provider; shown only when exchanging the code.
    pub pkce_verifier: String,
    /// Where to go once signed in (a path on this site).
    pub next_path: String,
}

/// Sign-ins under way, by the hash of their `state`. Each is taken once and before it expires.
pub trait SsoStore: Send + Sync {
    /// Records a sign-in under way until `expires_at`, dropping those already expired at `now`.
    fn begin_sso_sign_in(
        &self,
        state_hash: &str,
        pending: &PendingSsoSignIn,
        now: Millis,
        expires_at: Millis,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Takes (removes and returns) the sign-in of this state if it has not expired at `now`; of
    /// two callbacks with the same state, at most one gets it.
    fn take_sso_sign_in(
        &self,
        state_hash: &str,
        now: Millis,
    ) -> impl Future<Output = StoreResult<Option<PendingSsoSignIn>>> + Send;
}
