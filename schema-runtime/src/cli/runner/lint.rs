//! `lint`: the safety review of [`crate::lint`], one block per finding (or one JSON document),
//! exit 3 when an error finding is not allowed by its revision.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use super::{exit_codes, output, Context};
use crate::cli::args::LintArgs;
use crate::lint::{self, Finding, Rule, Severity, Summary};
use crate::migrator::MigrateError;
use crate::Dialect;

/// `--format json`: the whole review.
#[derive(Debug, Serialize)]
struct Report {
    /// The dialects linted for.
    dialects: Vec<&'static str>,
    /// The revisions linted, oldest first.
    revisions: Vec<String>,
    /// No error finding that its revision does not allow.
    passed: bool,
    /// Error findings not allowed.
    errors: usize,
    /// Warning findings not allowed.
    warnings: usize,
    /// Info findings not allowed.
    infos: usize,
    /// Findings their revision allows (`allow_lint`).
    allowed: usize,
    /// Every finding, in graph order then op order.
    findings: Vec<FindingReport>,
    /// `allow_lint` entries that allow nothing (the revision breaks no such rule).
    unused_allows: Vec<UnusedAllow>,
}

/// An `allow_lint` entry that allows nothing.
#[derive(Debug, Serialize)]
struct UnusedAllow {
    revision: String,
    rule: String,
}

/// One finding in the JSON report.
#[derive(Debug, Serialize)]
struct FindingReport {
    rule: &'static str,
    /// `error`, `warning` or `info`.
    severity: &'static str,
    revision: String,
    /// The op's position in the revision's upgrade, from 1.
    op_index: usize,
    /// `create_index(ix_posts_slug)`.
    op: String,
    /// The linted dialects the rule applies to.
    dialects: Vec<&'static str>,
    message: String,
    reason: &'static str,
    instead: &'static str,
    /// The revision's `allow_lint` names the rule.
    allowed: bool,
}

impl From<&Finding> for FindingReport {
    fn from(f: &Finding) -> Self {
        FindingReport {
            rule: f.rule.id,
            severity: f.rule.severity.name(),
            revision: f.revision.clone(),
            op_index: f.op_index,
            op: f.op.clone(),
            dialects: names(&f.dialects),
            message: f.message.clone(),
            reason: f.rule.reason,
            instead: f.rule.instead,
            allowed: f.allowed,
        }
    }
}

/// One rule in `--rules --format json`.
#[derive(Debug, Serialize)]
struct RuleReport {
    id: &'static str,
    severity: &'static str,
    dialects: Vec<&'static str>,
    reason: &'static str,
    instead: &'static str,
    bad: &'static str,
    good: &'static str,
}

impl From<&Rule> for RuleReport {
    fn from(r: &Rule) -> Self {
        RuleReport {
            id: r.id,
            severity: r.severity.name(),
            dialects: names(r.dialects),
            reason: r.reason,
            instead: r.instead,
            bad: r.bad,
            good: r.good,
        }
    }
}

fn names(dialects: &[Dialect]) -> Vec<&'static str> {
    dialects.iter().map(|d| d.name()).collect()
}

/// The style of a severity's label.
fn style(severity: Severity, allowed: bool) -> Style {
    let color = match severity {
        _ if allowed => AnsiColor::Cyan,
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Info => AnsiColor::Cyan,
    };
    color.on_default().bold()
}

/// A finding's block on stderr, its `severity[rule]` label colored, and a blank line.
fn print(finding: &Finding) {
    let text = finding.to_string();
    let label_end = text.find(':').unwrap_or(0);
    let (label, rest) = text.split_at(label_end);
    let style = style(finding.rule.severity, finding.allowed);
    let _ = writeln!(anstream::stderr(), "{style}{label}{style:#}{rest}\n");
}

pub(super) fn lint(cx: &Context<'_>, args: &LintArgs) -> Result<u8, MigrateError> {
    if args.rules {
        return Ok(rules(cx.json));
    }
    let dialects: Vec<Dialect> = if args.dialect.is_empty() {
        Dialect::enabled()
    } else {
        args.dialect.clone()
    };
    let range = args.range.as_deref();
    let revisions: Vec<String> = lint::revisions_in(cx.migrator, range)?
        .into_iter()
        .map(str::to_owned)
        .collect();
    let findings = lint::lint(cx.migrator, &dialects, range)?;
    let unused = lint::unused_allows(cx.migrator, &dialects, range, &findings)?;
    let summary = Summary::of(&findings);
    let shown = names(&dialects).join(", ");
    if cx.json {
        let report = Report {
            dialects: names(&dialects),
            revisions: revisions.clone(),
            passed: summary.passed(),
            errors: summary.errors,
            warnings: summary.warnings,
            infos: summary.infos,
            allowed: summary.allowed,
            findings: findings.iter().map(Into::into).collect(),
            unused_allows: unused
                .iter()
                .map(|(revision, rule)| UnusedAllow {
                    revision: revision.clone(),
                    rule: rule.clone(),
                })
                .collect(),
        };
        output::data(serde_json::to_string_pretty(&report).unwrap_or_default());
    } else {
        for finding in &findings {
            print(finding);
        }
        for (revision, rule) in &unused {
            output::warning(format!(
                "revision `{revision}` allows `{rule}` but breaks no such rule: remove it from its \
                 `allow_lint`"
            ));
        }
        let what = format!("{} revision(s) for {shown}: {summary}", revisions.len());
        if summary.passed() {
            output::status("Linted", what);
        } else {
            output::error(format!(
                "lint failed: {what}; make the ops safe as each `instead:` says, or allow a rule in \
                 its revision with `#[migration(.., allow_lint = [\"RULE\"])]`"
            ));
        }
    }
    Ok(if summary.passed() {
        exit_codes::SUCCESS
    } else {
        exit_codes::CHECK_FAILED
    })
}

/// `lint --rules`: every rule, on stdout.
fn rules(json: bool) -> u8 {
    if json {
        let rules: Vec<RuleReport> = lint::RULES.iter().map(Into::into).collect();
        output::data(serde_json::to_string_pretty(&rules).unwrap_or_default());
        return exit_codes::SUCCESS;
    }
    for rule in &lint::RULES {
        output::data(format!(
            "{} ({}; {})\n  why: {}\n  instead: {}\n  bad:  {}\n  good: {}\n",
            rule.id,
            rule.severity,
            names(rule.dialects).join(", "),
            rule.reason,
            rule.instead,
            rule.bad,
            rule.good
        ));
    }
    exit_codes::SUCCESS
}
