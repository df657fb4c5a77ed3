//! The server's share of invoice runs: every second it looks for runs with work (a preview
//! being computed, an approved run being finalised) and works them batch by batch. Every
//! server process on the database runs one; batches are claimed `FOR UPDATE SKIP LOCKED`,
//! so they share a run without doing anything twice, and a process that dies mid-batch
//! leaves its batch to the others (its transaction rolls back with its connection).

use std::time::Duration;

use sqlx::PgPool;

pub fn spawn(pool: PgPool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            let runs = match app::invoices::run::runs_with_work(&pool).await {
                Ok(runs) => runs,
                Err(e) => {
                    tracing::warn!(error = %e, "looking for invoice runs");
                    continue;
                }
            };
            for run in runs {
                if let Err(e) = app::invoices::run::work(&pool, run, |_, _| {}).await {
                    tracing::warn!(%run, error = %e, "working an invoice run");
                }
            }
        }
    });
}
