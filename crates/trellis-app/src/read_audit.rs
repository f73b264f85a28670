//! Audit events for reads of assessments and evidence, buffered in memory and written in batches.
//!
//! Writes are audited by the store in the same transaction as the change. Reads are different: a
//! person page or a readiness call changes nothing, and making each one wait for a database commit
//! (an fsync on SQLite with `synchronous=FULL`) would cost more than the read itself. So reads queue
//! their event here and a background task writes the queue with one `append_audit_batch` every
//! [`FLUSH_EVERY`], or as soon as [`FLUSH_AT`] events are waiting, and once more on shutdown.
//!
//! The trade-off: a crash (not a clean shutdown) can lose the read events of the last fraction of a
//! second, and an event reaches the log up to [`FLUSH_EVERY`] after the read (its `at` is still the
//! time of the read). Denials and every write are never buffered: they are written before the
//! response, so the log is complete for everything that changed or was refused.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::Notify;
use trellis_store::prelude::*;
use trellis_store::{Audit, NewAuditEvent, StoreResult};
use trellis_store_sql::Database;

/// How often the queue is written by default (`Config::read_audit_every`).
pub const FLUSH_EVERY: Duration = Duration::from_millis(200);
/// Queue length that triggers a write without waiting for the timer.
pub const FLUSH_AT: usize = 500;
/// Events kept when the database refuses a batch (it is retried with the next flush); beyond this,
/// the oldest are dropped and the loss is logged, so a database outage cannot exhaust memory.
const KEEP_ON_FAILURE: usize = 50_000;

type Queued = (NewAuditEvent, Audit);

#[derive(Debug, Default)]
pub struct ReadAudit {
    queue: Mutex<Vec<Queued>>,
    /// Held while a batch is written: a flush waits for the batch the writer task has already
    /// taken, so that everything queued before it is in the log when it returns.
    writing: tokio::sync::Mutex<()>,
    wake: Notify,
    started: AtomicBool,
}

impl ReadAudit {
    /// Queues a read event, starting the writer task on first use (it needs a running runtime,
    /// which request handlers always have).
    pub fn record(
        self: &Arc<Self>,
        store: &Database,
        every: Duration,
        event: NewAuditEvent,
        audit: Audit,
    ) {
        let len = {
            let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            q.push((event, audit));
            q.len()
        };
        if !self.started.swap(true, Ordering::AcqRel) {
            tokio::spawn(writer(store.clone(), Arc::downgrade(self), every));
        }
        if len >= FLUSH_AT {
            self.wake.notify_one();
        }
    }

    /// How many events wait to be written.
    pub fn len(&self) -> usize {
        self.queue.lock().map_or(0, |q| q.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn take(&self) -> Vec<Queued> {
        std::mem::take(&mut *self.queue.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Puts a batch the database refused back at the front of the queue.
    fn restore(&self, mut batch: Vec<Queued>) {
        let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        batch.append(&mut q);
        if batch.len() > KEEP_ON_FAILURE {
            let lost = batch.len() - KEEP_ON_FAILURE;
            tracing::error!(
                lost,
                "audit: dropped read events the database would not take"
            );
            batch.drain(..lost);
        }
        *q = batch;
    }

    /// Writes everything queued so far, a batch the writer task is already writing included.
    pub async fn flush(&self, store: &Database) -> StoreResult<()> {
        let _writing = self.writing.lock().await;
        let batch = self.take();
        if batch.is_empty() {
            return Ok(());
        }
        match store.append_audit_batch(batch.clone()).await {
            Ok(()) => Ok(()),
            Err(e) => {
                self.restore(batch);
                Err(e)
            }
        }
    }
}

/// Writes the queue periodically until the server state is gone.
async fn writer(store: Database, buffer: Weak<ReadAudit>, every: Duration) {
    loop {
        let wake = match buffer.upgrade() {
            Some(b) => b,
            None => return,
        };
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = wake.wake.notified() => {}
        }
        if let Err(e) = wake.flush(&store).await {
            tracing::warn!(error = %e, "audit: could not write read events (will retry)");
        }
    }
}
