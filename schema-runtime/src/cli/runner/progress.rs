//! What `upgrade` and `downgrade` tell while they run, on stderr: on a terminal a progress bar
//! over the steps with the revision and statement `[i/n]` running; otherwise a line per step as
//! it ends and, once a step has run for [`SLOW`], a line per statement as it starts (the one
//! running then included), so a log shows what a long run is waiting on. Nothing with
//! `--quiet` or `--format json`; `-v` prints every statement.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::output;
use crate::migrator::StepEvent;

/// How long a step runs before its statements are shown one by one (without a terminal).
pub(super) const SLOW: Duration = Duration::from_secs(2);

/// How often the watcher looks at a running step.
const TICK: Duration = Duration::from_millis(100);

/// How the run is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Nothing but notices, warnings and errors (`--quiet`, `--format json`).
    Silent,
    /// Lines: a line per finished step, and per statement of a slow step.
    Lines,
    /// A progress bar (stderr is a terminal).
    Bar,
}

impl Mode {
    /// The mode for this run: `Bar` when stderr is a terminal.
    pub(super) fn detect(silent: bool) -> Mode {
        if silent || output::quiet() {
            Mode::Silent
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Lines
        }
    }
}

/// The statement running, for the watcher.
#[derive(Debug, Default)]
struct Running {
    /// When the current step started.
    step_started: Option<Instant>,
    /// `REV [i/n] SQL` of the statement running, and whether it was printed.
    statement: Option<(String, bool)>,
}

/// The observer side of a run's progress.
pub(super) struct Progress {
    mode: Mode,
    verbose: bool,
    bar: Option<ProgressBar>,
    running: Arc<Mutex<Running>>,
    /// Set to stop the watcher thread.
    done: Arc<std::sync::atomic::AtomicBool>,
    watcher: Option<std::thread::JoinHandle<()>>,
}

/// `SQL` on one line, cut to `max` characters.
fn one_line(sql: &str, max: usize) -> String {
    let flat: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max).collect();
        format!("{cut}...")
    }
}

impl Progress {
    /// Starts showing a run of about `steps` steps (`None`: not known).
    pub(super) fn start(mode: Mode, verbose: bool, steps: Option<usize>) -> Progress {
        let running = Arc::new(Mutex::new(Running::default()));
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut progress = Progress {
            mode,
            verbose,
            bar: None,
            running: running.clone(),
            done: done.clone(),
            watcher: None,
        };
        match mode {
            Mode::Silent => {}
            Mode::Bar => {
                let bar = ProgressBar::with_draw_target(
                    steps.map(|n| n as u64),
                    ProgressDrawTarget::stderr(),
                );
                let style = ProgressStyle::with_template(
                    "{prefix:>12.cyan.bold} [{bar:25}] {pos}/{len} {elapsed:>4} {wide_msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
                bar.set_style(style);
                bar.set_prefix("Migrating");
                bar.enable_steady_tick(TICK);
                progress.bar = Some(bar);
            }
            Mode::Lines if !verbose => {
                progress.watcher = Some(std::thread::spawn(move || {
                    while !done.load(std::sync::atomic::Ordering::Relaxed) {
                        std::thread::sleep(TICK);
                        let mut running = running.lock().unwrap_or_else(|e| e.into_inner());
                        let slow = running.step_started.is_some_and(|t| t.elapsed() >= SLOW);
                        if let (true, Some((line, printed))) = (slow, &mut running.statement) {
                            if !*printed {
                                output::note("Running", &*line);
                                *printed = true;
                            }
                        }
                    }
                }));
            }
            Mode::Lines => {}
        }
        progress
    }

    /// Hears one event of the run.
    pub(super) fn observe(&self, event: StepEvent<'_>) {
        match event {
            StepEvent::Notice(text) => self.print(|| output::note("Note", text)),
            // The version rows the run starts from: the status line already named the target.
            StepEvent::Current(_) => {}
            StepEvent::Started(step) => {
                let mut running = self.lock();
                running.step_started = Some(Instant::now());
                running.statement = None;
                if let Some(bar) = &self.bar {
                    bar.set_message(format!("{} ({})", step.revision, step.message));
                }
            }
            StepEvent::Statement(step, i) => {
                let n = step.statements.len();
                if self.mode == Mode::Silent {
                    return;
                }
                if self.verbose {
                    let line = format!("{} [{}/{n}] {};", step.revision, i + 1, step.statements[i]);
                    self.print(|| output::note("Running", &line));
                }
                let line = format!(
                    "{} [{}/{n}] {}",
                    step.revision,
                    i + 1,
                    one_line(&step.statements[i], 100)
                );
                if let Some(bar) = &self.bar {
                    bar.set_message(line);
                    return;
                }
                let mut running = self.lock();
                let slow = running.step_started.is_some_and(|t| t.elapsed() >= SLOW);
                if slow && !self.verbose {
                    output::note("Running", &line);
                }
                running.statement = Some((line, slow || self.verbose));
            }
            StepEvent::Finished(step, duration) => {
                {
                    let mut running = self.lock();
                    running.step_started = None;
                    running.statement = None;
                }
                if self.mode != Mode::Silent {
                    self.print(|| output::step_finished(step, duration));
                }
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                    if bar.length().is_some_and(|len| bar.position() > len) {
                        bar.set_length(bar.position());
                    }
                }
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Running> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Prints above the bar (if any).
    fn print(&self, f: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(watcher) = self.watcher.take() {
            let _ = watcher.join();
        }
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_shown_on_one_line_and_cut() {
        assert_eq!(
            one_line("CREATE INDEX ix\n  ON t (a)", 100),
            "CREATE INDEX ix ON t (a)"
        );
        assert_eq!(one_line("abcdef", 3), "abc...");
    }
}
