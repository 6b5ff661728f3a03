//! Output in cargo's style, on stderr: right-aligned bold status verbs, `warning:` in yellow,
//! `error:` in red; colors per `--color`, then `CARGO_TERM_COLOR`, then terminal detection.

use std::fmt::Display;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use anstyle::{AnsiColor, Style};

use crate::cli::Color;

const GREEN: Style = AnsiColor::Green.on_default().bold();
const CYAN: Style = AnsiColor::Cyan.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const BOLD: Style = Style::new().bold();

/// `--quiet`: no status lines (warnings and errors are still printed).
static QUIET: AtomicBool = AtomicBool::new(false);

/// Turns status lines off for the rest of the process (`--quiet`).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// The color choice in effect: `--color` wins over `CARGO_TERM_COLOR`.
pub fn color_choice(flag: Option<Color>) -> Color {
    flag.unwrap_or_else(|| match std::env::var("CARGO_TERM_COLOR").as_deref() {
        Ok("always") => Color::Always,
        Ok("never") => Color::Never,
        _ => Color::Auto,
    })
}

/// Applies the color choice to every later write of this process.
pub fn init_color(choice: Color) {
    let choice = match choice {
        Color::Auto => anstream::ColorChoice::Auto,
        Color::Always => anstream::ColorChoice::Always,
        Color::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

/// `     Created migrations/`: the verb bold green, right-aligned to 12 columns, as cargo prints.
pub fn status(verb: &str, message: impl Display) {
    if QUIET.load(Ordering::Relaxed) {
        return;
    }
    let _ = writeln!(anstream::stderr(), "{GREEN}{verb:>12}{GREEN:#} {message}");
}

/// `   Unchanged build.rs`: a status line for something left as it was, the verb in cyan.
pub fn note(verb: &str, message: impl Display) {
    if QUIET.load(Ordering::Relaxed) {
        return;
    }
    let _ = writeln!(anstream::stderr(), "{CYAN}{verb:>12}{CYAN:#} {message}");
}

/// `warning: message`.
pub fn warning(message: impl Display) {
    let _ = writeln!(anstream::stderr(), "{YELLOW}warning{YELLOW:#}: {message}");
}

/// `error: message`.
pub fn error(message: impl Display) {
    let _ = writeln!(anstream::stderr(), "{RED}error{RED:#}: {message}");
}

/// Guidance after a command, with a bold heading (`next: ...`); a body starting with a
/// newline is a block under the heading.
pub fn hint(heading: &str, body: impl Display) {
    let body = body.to_string();
    let separator = if body.starts_with('\n') { "" } else { " " };
    let _ = writeln!(
        anstream::stderr(),
        "{BOLD}{heading}{BOLD:#}:{separator}{body}"
    );
}

/// A line on stdout: data for machines (`--format json`), not status.
pub fn data(line: impl Display) {
    let _ = writeln!(anstream::stdout(), "{line}");
}
