//! The audit log: events appended outside a change (sign-ins, denials, reads, in batches), and
//! the filtered, paged listing.

use sqlx::QueryBuilder;
use trellis_store::backend::{audit_limit, clean_text};
use trellis_store::{Audit, AuditEvent, AuditFilter, AuditStore, NewAuditEvent, StoreResult};

use crate::dialect::{Dialect, Values};
use crate::{Connection, Database, append, db_run};

impl AuditStore for Database {
    async fn append_audit(&self, event: NewAuditEvent, audit: &Audit) -> StoreResult<()> {
        let mut one = self.write_one().await?;
        append(&mut one, audit, event).await?;
        one.commit().await
    }

    async fn audit_events(&self, filter: AuditFilter) -> StoreResult<Vec<AuditEvent>> {
        let limit = i64::from(audit_limit(filter.limit));
        db_run!(self, |c| async move {
            let mut query = QueryBuilder::<Db>::new(
                "SELECT id, at, actor_id, action, target, outcome, ip, details
                 FROM audit_events WHERE TRUE",
            );
            if let Some(actor) = filter.actor_id {
                query.push(" AND actor_id = ").push_bind(actor);
            }
            if let Some(target) = filter.target {
                query.push(" AND target = ").push_bind(target);
            }
            if let Some(prefix) = filter.action_prefix {
                // substr, not LIKE: LIKE ignores case in SQLite and treats `_` and `%` specially.
                let length = i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX);
                query
                    .push(" AND substr(action, 1, ")
                    .push_bind(length)
                    .push(") = ")
                    .push_bind(prefix);
            }
            if let Some(outcome) = filter.outcome {
                query.push(" AND outcome = ").push_bind(outcome.as_str());
            }
            if let Some(since) = filter.since {
                query.push(" AND at >= ").push_bind(since);
            }
            if let Some(until) = filter.until {
                query.push(" AND at < ").push_bind(until);
            }
            if let Some(before) = filter.before_id {
                query.push(" AND id < ").push_bind(before);
            }
            query.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
            query.build_query_as().fetch_all(c).await
        })
    }

    async fn append_audit_batch(&self, events: Vec<(NewAuditEvent, Audit)>) -> StoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        let actions = events
            .iter()
            .map(|(event, _)| clean_text("action", &event.action))
            .collect::<StoreResult<Vec<_>>>()?;
        let columns = [
            (
                "at",
                Values::Int(events.iter().map(|(_, a)| a.at).collect()),
            ),
            (
                "actor_id",
                Values::OptInt(events.iter().map(|(_, a)| a.actor_id).collect()),
            ),
            (
                "action",
                Values::Text(actions.iter().map(String::as_str).collect()),
            ),
            (
                "target",
                Values::Text(events.iter().map(|(e, _)| e.target.as_str()).collect()),
            ),
            (
                "outcome",
                Values::Text(events.iter().map(|(e, _)| e.outcome.as_str()).collect()),
            ),
            (
                "ip",
                Values::OptText(events.iter().map(|(_, a)| a.ip.as_deref()).collect()),
            ),
            (
                "details",
                Values::Json(events.iter().map(|(e, _)| e.details.to_string()).collect()),
            ),
        ];
        let mut tx = self.write().await?;
        db_run!(tx, |c| Db::insert_rows(c, "audit_events", &columns))?;
        tx.commit().await
    }
}
