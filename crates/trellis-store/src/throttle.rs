//! Rows of sign-in throttling: the failures counted for a key, and what a reservation decided.

use crate::Millis;

/// The failures of one throttling key within a window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    /// The oldest and the newest within the window.
    pub first_at: Option<Millis>,
    pub last_at: Option<Millis>,
}

/// What [`crate::AccountStore::reserve_sign_in_attempt`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// The attempt may go ahead; these failure rows stand for it until released.
    Reserved(Vec<i64>),
    /// Refused: try again in this many milliseconds. Nothing was recorded.
    Wait(Millis),
}
