//! Throttling of password guesses, at sign-in and at the "current password" of a password change.
//!
//! Failures are counted per email and client address together, so that someone guessing from one
//! place slows down their own guesses, never the owner's sign-in from elsewhere: the first
//! [`Config::free_failures_per_pair`] come at once, then each further attempt waits twice as long
//! as the one before (from [`Config::first_delay`] up to the throttle window). One address is
//! also capped at [`Config::max_failures_per_ip`] failures per window, whatever the emails.
//!
//! An attempt is reserved before its password is checked (see
//! [`AccountStore::reserve_sign_in_attempt`]): attempts sent at once are counted one by one, so a
//! burst of guesses gets no more checks than the same guesses sent one after another.

use std::time::Duration;

use trellis_store::prelude::*;
use trellis_store::{Failures, Millis, Reservation};
use trellis_store_sql::Database;

use crate::Config;
use crate::error::AppResult;

/// A reserved attempt: its password may be checked now.
#[derive(Debug)]
#[must_use = "an attempt that succeeds is released; one that fails stands as a failure"]
pub struct Attempt {
    reserved: Vec<i64>,
    pair: String,
}

/// Whether an attempt may go ahead.
#[derive(Debug)]
pub enum Throttle {
    Go(Attempt),
    /// Too many failures: try again after this long.
    Wait(Duration),
}

/// What is being tried, which is counted apart: password guesses, or reset links asked for
/// (which must not slow down the owner's sign-in once the password is reset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Password,
    ResetLink,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Password => "",
            Kind::ResetLink => "reset-",
        }
    }
}

/// The key of an email from an address.
fn pair_key(kind: Kind, email: &str, ip: Option<&str>) -> String {
    format!(
        "{}pair:{}|{}",
        kind.prefix(),
        email.trim().to_lowercase(),
        ip.unwrap_or("unknown")
    )
}

fn address_key(kind: Kind, ip: Option<&str>) -> String {
    format!("{}ip:{}", kind.prefix(), ip.unwrap_or("unknown"))
}

fn millis(d: Duration) -> Millis {
    Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX)
}

/// How long the next attempt must wait, given the failures of its email and address together
/// (`pair`) and of its address (`address`) within the window; `None` when it may go ahead.
pub fn wait_for(config: &Config, now: Millis, pair: Failures, address: Failures) -> Option<Millis> {
    let window = millis(config.throttle_window);
    let mut wait: Millis = 0;
    if address.count >= config.max_failures_per_ip {
        // Until the oldest failure leaves the window.
        let oldest = address.first_at.unwrap_or(now);
        wait = wait.max(oldest.saturating_add(window).saturating_sub(now));
    }
    if pair.count >= config.free_failures_per_pair {
        let doublings = pair.count - config.free_failures_per_pair;
        let delay = millis(config.first_delay)
            .saturating_mul(1_i64.checked_shl(doublings.min(62)).unwrap_or(Millis::MAX))
            .min(window);
        let last = pair.last_at.unwrap_or(now);
        wait = wait.max(last.saturating_add(delay).saturating_sub(now));
    }
    (wait > 0).then_some(wait)
}

/// Reserves an attempt to check a password for `email` from `ip`, or says how long to wait.
pub async fn reserve(
    store: &Database,
    config: &Config,
    email: &str,
    ip: Option<&str>,
    now: Millis,
) -> AppResult<Throttle> {
    reserve_kind(store, config, Kind::Password, email, ip, now).await
}

/// Reserves an attempt of a kind, counted apart from the others (see [`reserve`]).
pub async fn reserve_kind(
    store: &Database,
    config: &Config,
    kind: Kind,
    email: &str,
    ip: Option<&str>,
    now: Millis,
) -> AppResult<Throttle> {
    let pair = pair_key(kind, email, ip);
    let address = address_key(kind, ip);
    let since = now.saturating_sub(millis(config.throttle_window));
    let decided = store
        .reserve_sign_in_attempt(&[&pair, &address], now, since, |seen| {
            wait_for(config, now, seen[0], seen[1])
        })
        .await?;
    Ok(match decided {
        Reservation::Reserved(reserved) => Throttle::Go(Attempt { reserved, pair }),
        Reservation::Wait(ms) => {
            Throttle::Wait(Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
        }
    })
}

impl Attempt {
    /// The password was right: the attempt is not a failure, and the email's earlier failures
    /// from this address are forgiven.
    pub async fn succeeded(self, store: &Database) -> AppResult<()> {
        Ok(store
            .release_sign_in_attempt(&self.reserved, &self.pair)
            .await?)
    }

    /// The password was wrong: the reservation stands as the failure.
    pub fn failed(self) {}
}

/// "Wait N minutes" or "wait N seconds", for people.
pub fn describe(wait: Duration) -> String {
    let secs = wait.as_secs().max(1);
    if secs < 90 {
        format!("{secs} second{}", if secs == 1 { "" } else { "s" })
    } else {
        let minutes = secs.div_ceil(60);
        format!("{minutes} minutes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failures(count: u32, first_at: Millis, last_at: Millis) -> Failures {
        Failures {
            count,
            first_at: Some(first_at),
            last_at: Some(last_at),
        }
    }

    #[test]
    fn the_first_failures_are_free_then_each_waits_twice_as_long() {
        let config = Config::default();
        let none = Failures::default();
        let now = 10_000_000;
        assert_eq!(wait_for(&config, now, none, none), None);
        assert_eq!(wait_for(&config, now, failures(4, now, now), none), None);
        assert_eq!(
            wait_for(&config, now, failures(5, now, now), none),
            Some(1_000)
        );
        assert_eq!(
            wait_for(&config, now, failures(6, now, now), none),
            Some(2_000)
        );
        assert_eq!(
            wait_for(&config, now, failures(8, now, now - 3_000), none),
            Some(5_000),
            "8 s after the last failure, 3 s of which have passed"
        );
        assert_eq!(
            wait_for(&config, now, failures(7, now, now - 4_000), none),
            None
        );
        // Never longer than the window, however many.
        assert_eq!(
            wait_for(&config, now, failures(5_000, now, now), none),
            Some(15 * 60 * 1000)
        );
    }

    #[test]
    fn an_address_is_capped_until_its_oldest_failure_leaves_the_window() {
        let config = Config::default();
        let now = 10_000_000;
        let window = 15 * 60 * 1000;
        let address = failures(50, now - window + 30_000, now);
        assert_eq!(
            wait_for(&config, now, Failures::default(), address),
            Some(30_000)
        );
        let below = failures(49, now - 1, now);
        assert_eq!(wait_for(&config, now, Failures::default(), below), None);
    }

    #[test]
    fn waits_are_said_in_words() {
        assert_eq!(describe(Duration::from_millis(300)), "1 second");
        assert_eq!(describe(Duration::from_secs(8)), "8 seconds");
        assert_eq!(describe(Duration::from_secs(900)), "15 minutes");
    }
}
