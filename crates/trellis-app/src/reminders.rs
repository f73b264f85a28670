//! What the server reminds people of on its own, the day before: check-ins (both of the pair) and
//! the steps of development plans (their owner); and the results of closed review cycles, shared
//! with each person on the cycle's day; the role levels of approved promotion cases, assigned on
//! the case's day; and the role level, manager and team changes planned for the day. Written to
//! the inbox (and emailed as each person chose); each reminder once, however many servers run.

use std::time::Duration;

use crate::error::AppResult;
use crate::time::today;
use crate::{App, assignment, check_ins, cycles, plans, promotions};

/// When something on `day` is, seen from `today`: "tomorrow", "today", or "on 2026-12-10" (for
/// something overdue and never reminded).
pub(crate) fn when(day: &str, today: &str, tomorrow: &str) -> String {
    if day == tomorrow {
        "tomorrow".to_owned()
    } else if day == today {
        "today".to_owned()
    } else {
        format!("on {day}")
    }
}

/// Sends the reminders due on `today` (`YYYY-MM-DD`), shares the results of review cycles whose
/// day has come, assigns the role levels of approved promotion cases whose day has come and makes
/// the placements planned for the day; returns how many reminders, shared cycles, promotions and
/// placements went out.
pub async fn send_due(app: &App, today: &str) -> AppResult<usize> {
    Ok(check_ins::remind_due(app, today).await?
        + plans::remind_due(app, today).await?
        + cycles::share_due(app, today).await?
        + promotions::apply_due(app, today).await?
        + assignment::apply_due(app, today).await?)
}

/// Runs [`send_due`] every `every` until the runtime stops.
pub fn spawn(app: App, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = send_due(&app, &today()).await {
                tracing::warn!(error = %e, "reminders failed; retrying later");
            }
            // Unsuccessful candidates past the retention period, on the same schedule.
            match crate::hiring::erase_expired(&app, crate::time::now_millis()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(candidates = n, "candidates erased after retention"),
                Err(e) => tracing::warn!(error = %e, "erasing candidates failed; retrying later"),
            }
        }
    })
}
