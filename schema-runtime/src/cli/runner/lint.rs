//! `lint`: the safety review of [`crate::lint`], one block per finding (or one JSON document),
//! exit 3 when an error finding is not allowed by its revision.

use std::io::Write;

use super::{exit_codes, output, Context};
use crate::cli::args::LintArgs;
use crate::cli::json::{
    LintDocument as Report, LintFinding as FindingReport, LintRule as RuleReport, UnusedAllow,
};
use crate::lint::{self, Finding, Rule, Severity, Summary};
use crate::migrator::MigrateError;
use crate::Dialect;
use anstyle::{AnsiColor, Style};

impl From<&Finding> for FindingReport {
    fn from(f: &Finding) -> Self {
        FindingReport {
            rule: f.rule.id.to_owned(),
            severity: f.rule.severity.name().to_owned(),
            revision: f.revision.clone(),
            op_index: f.op_index,
            op: f.op.clone(),
            dialects: owned(names(&f.dialects)),
            message: f.message.clone(),
            reason: f.rule.reason.to_owned(),
            instead: f.rule.instead.to_owned(),
            allowed: f.allowed,
        }
    }
}

impl From<&Rule> for RuleReport {
    fn from(r: &Rule) -> Self {
        RuleReport {
            id: r.id.to_owned(),
            severity: r.severity.name().to_owned(),
            dialects: owned(names(r.dialects)),
            reason: r.reason.to_owned(),
            instead: r.instead.to_owned(),
            bad: r.bad.to_owned(),
            good: r.good.to_owned(),
        }
    }
}

fn names(dialects: &[Dialect]) -> Vec<&'static str> {
    dialects.iter().map(|d| d.name()).collect()
}

fn owned(names: Vec<&'static str>) -> Vec<String> {
    names.into_iter().map(str::to_owned).collect()
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
            dialects: owned(names(&dialects)),
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
