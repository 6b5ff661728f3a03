//! `bench/RESULTS.md`: machine, versions, the targets met or missed, one section per suite,
//! the commands that were timed and the load average around each suite. Text below the
//! `<!-- analysis -->` marker of an existing file is written by hand and kept.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use crate::measure::Human;
use crate::BenchError;

/// The marker after which RESULTS.md is hand-written.
const ANALYSIS_MARKER: &str =
    "<!-- analysis: written by hand, kept when the harness rewrites this file -->";

/// One target of the issue and how this run did against it.
#[derive(Debug, Clone)]
pub struct Target {
    /// What the target says.
    pub target: String,
    /// What was measured.
    pub measured: String,
    /// Met or not.
    pub met: bool,
}

/// The report being assembled.
#[derive(Debug, Default)]
pub struct Report {
    /// Quick smoke run or full run.
    pub quick: bool,
    /// A run narrowed by `--only`, `--sizes` or `--rounds`.
    pub partial: bool,
    /// The one command that produced it.
    pub command: String,
    /// Machine and versions, as Markdown.
    pub machine: String,
    /// Targets and how they went.
    pub targets: Vec<Target>,
    /// Suite sections: title and Markdown body.
    pub sections: Vec<(String, String)>,
    /// Commands that were timed, one line each.
    pub commands: Vec<String>,
    /// Per suite: load average before and after, and its wall time.
    pub loads: Vec<(String, String, String, Duration)>,
}

impl Report {
    /// An empty report.
    pub fn new(quick: bool, partial: bool) -> Report {
        Report {
            quick,
            partial,
            ..Report::default()
        }
    }

    /// Adds a target.
    pub fn target(&mut self, target: impl Into<String>, measured: impl Into<String>, met: bool) {
        self.targets.push(Target {
            target: target.into(),
            measured: measured.into(),
            met,
        });
    }

    /// Adds a timed command line, once.
    pub fn command(&mut self, line: impl Into<String>) {
        let line = line.into();
        if !self.commands.contains(&line) {
            self.commands.push(line);
        }
    }

    /// Adds a section.
    pub fn section(&mut self, title: impl Into<String>, body: String) {
        self.sections.push((title.into(), body));
    }

    /// Writes the report to `path`, keeping the hand-written analysis of an earlier one.
    pub fn write(&self, path: &Path) -> Result<(), BenchError> {
        let kept = std::fs::read_to_string(path)
            .ok()
            .and_then(|old| old.split_once(ANALYSIS_MARKER).map(|(_, a)| a.to_owned()))
            .unwrap_or_else(|| "\n\n(no analysis yet)\n".into());
        let mut out = String::new();
        let kind = match (self.quick, self.partial) {
            (true, _) => "quick smoke run (`--quick`: chain of 100, 3 rounds) — not for comparison",
            (false, true) => "partial run, narrowed by `--only`, `--sizes` or `--rounds`",
            (false, false) => "full run",
        };
        let _ = writeln!(out, "# Benchmark results\n");
        let _ = writeln!(
            out,
            "Written by `{}` ({kind}). Every table compares tools measured in alternating rounds \
             within this one run; each cell is `median (min–max, n=runs)`. Ratios are of medians.\n",
            self.command
        );
        out.push_str(&self.machine);
        let _ = writeln!(out, "\n## Targets\n");
        let _ = writeln!(out, "| target | measured (median) | |\n| --- | --- | --- |");
        for t in &self.targets {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                t.target,
                t.measured,
                if t.met { "met" } else { "**missed**" }
            );
        }
        for (title, body) in &self.sections {
            let _ = writeln!(out, "\n## {title}\n\n{}", body.trim_end());
        }
        let _ = writeln!(out, "\n## Load average around each suite\n");
        let _ = writeln!(
            out,
            "`/proc/loadavg` (1, 5, 15 min) before and after; other agents share this 2-core machine.\n"
        );
        let _ = writeln!(
            out,
            "| suite | before | after | wall time |\n| --- | --- | --- | --- |"
        );
        for (suite, before, after, took) in &self.loads {
            let _ = writeln!(out, "| {suite} | {before} | {after} | {} |", Human(*took));
        }
        let _ = writeln!(out, "\n## Commands timed\n\n```sh");
        for c in &self.commands {
            let _ = writeln!(out, "{c}");
        }
        let _ = writeln!(out, "```\n\n{ANALYSIS_MARKER}{kept}");
        std::fs::write(path, out.trim_end().to_owned() + "\n")?;
        Ok(())
    }
}
