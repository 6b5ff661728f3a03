//! Output in cargo's style: right-aligned bold verbs, `error:` in red, colors per
//! `CARGO_TERM_COLOR` / `NO_COLOR` / terminal detection.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anstyle::{AnsiColor, Style};

const GREEN: Style = AnsiColor::Green.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const CYAN: Style = AnsiColor::Cyan.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();

tokio::task_local! {
    /// The fleet target whose verb is writing (its lines are prefixed with it).
    pub static TARGET: String;
}

/// `[target] ` inside a fleet target's verb, else nothing.
fn prefix() -> String {
    TARGET.try_with(|t| format!("[{t}] ")).unwrap_or_default()
}

/// `--quiet`: status lines and notes are not printed (warnings and errors are).
static QUIET: AtomicBool = AtomicBool::new(false);

/// Turns status lines off for the rest of the run (`--quiet`).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `--quiet` is in effect.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Applies `CARGO_TERM_COLOR` (`always`, `never`, `auto`) to every later write.
pub fn init_color() {
    let choice = match std::env::var("CARGO_TERM_COLOR").as_deref() {
        Ok("always") => anstream::ColorChoice::Always,
        Ok("never") => anstream::ColorChoice::Never,
        _ => anstream::ColorChoice::Auto,
    };
    choice.write_global();
}

/// `   Upgrading message` on stderr, the verb bold green and right-aligned to 12 columns.
pub fn status(verb: &str, message: impl std::fmt::Display) {
    if quiet() {
        return;
    }
    let p = prefix();
    let _ = writeln!(
        anstream::stderr(),
        "{p}{GREEN}{verb:>12}{GREEN:#} {message}"
    );
}

/// `     Skipped message`, the verb in cyan.
pub fn note(verb: &str, message: impl std::fmt::Display) {
    if quiet() {
        return;
    }
    let p = prefix();
    let _ = writeln!(anstream::stderr(), "{p}{CYAN}{verb:>12}{CYAN:#} {message}");
}

/// `     Applied 0002_posts (create posts) in 12ms` (or `Reverted`) when a step ends.
pub fn step_finished(step: &crate::Step, duration: Duration) {
    let done = if step.direction == crate::Direction::Up {
        "Applied"
    } else {
        "Reverted"
    };
    status(
        done,
        format!(
            "{} ({}) in {}",
            step.revision,
            step.message,
            self::duration(duration)
        ),
    );
}

/// `warning: message` on stderr.
pub fn warning(message: impl std::fmt::Display) {
    let p = prefix();
    let _ = writeln!(
        anstream::stderr(),
        "{p}{YELLOW}warning{YELLOW:#}: {message}"
    );
}

/// `error: message` on stderr.
pub fn error(message: impl std::fmt::Display) {
    let p = prefix();
    let _ = writeln!(anstream::stderr(), "{p}{RED}error{RED:#}: {message}");
}

/// A line on stdout (data, not status).
pub fn data(line: impl std::fmt::Display) {
    let p = prefix();
    let _ = writeln!(anstream::stdout(), "{p}{line}");
}

/// A `--format json` document on stdout, pretty-printed.
pub fn json<T: serde::Serialize>(document: &T) {
    data(serde_json::to_string_pretty(document).expect("plain data serializes"));
}

/// Milliseconds as the JSON documents give durations.
pub fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// `3.2ms`, `1.25s`.
pub fn duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1000.0 {
        format!("{ms:.1}ms")
    } else {
        format!("{:.2}s", ms / 1000.0)
    }
}
