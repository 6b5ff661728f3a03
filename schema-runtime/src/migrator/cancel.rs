//! Stopping a run from outside: a [`Cancel`] handle the run checks at every statement boundary,
//! and [`Cancel::on_signals`] for SIGINT / SIGTERM (what Ctrl-C and a container platform's
//! redeploy send).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// Asks a run to stop at the next statement boundary: the step under way is rolled back where
/// the database can (or, outside a transaction, keeps its recorded progress and resumes on the
/// next run), nothing further starts, and the run returns [`MigrateError::Cancelled`].
///
/// ```
/// use schema_runtime::migrator::Cancel;
/// let cancel = Cancel::new();
/// let handle = cancel.clone();
/// assert!(!cancel.is_cancelled());
/// handle.cancel();
/// assert!(cancel.is_cancelled());
/// ```
///
/// [`MigrateError::Cancelled`]: super::MigrateError::Cancelled
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A handle nobody has cancelled yet.
    pub fn new() -> Self {
        Cancel::default()
    }

    /// Stops the runs that hold this handle at their next statement boundary.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// A handle cancelled by the first SIGINT or SIGTERM (Ctrl-C on Windows); a second one
    /// exits the process at once with status 130. Needs a running tokio runtime.
    pub fn on_signals() -> Self {
        let cancel = Cancel::new();
        let handle = cancel.clone();
        tokio::spawn(async move {
            let received = AtomicUsize::new(0);
            loop {
                signal().await;
                if received.fetch_add(1, Ordering::SeqCst) == 0 {
                    eprintln!(
                        "interrupted: stopping at the next statement boundary (interrupt again to abort at once)"
                    );
                    handle.cancel();
                } else {
                    eprintln!("interrupted again: aborting");
                    std::process::exit(130);
                }
            }
        });
        cancel
    }
}

/// The next SIGINT or SIGTERM.
#[cfg(unix)]
async fn signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut interrupt), Ok(mut terminate)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        // No signal handling here: never resolve.
        std::future::pending::<()>().await;
        return;
    };
    tokio::select! {
        _ = interrupt.recv() => {}
        _ = terminate.recv() => {}
    }
}

/// The next Ctrl-C.
#[cfg(not(unix))]
async fn signal() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
