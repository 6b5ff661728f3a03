//! Start-up when already at head (item 2), the cost an application or a deploy step pays every
//! time: our library call on an open connection, building the migrator from the revisions, our
//! runner binary run directly, `cargo schema current` on a built package, and Alembic's `upgrade
//! head` and `current` — in alternating rounds on databases already at head.

use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::chain;
use crate::context::Context;
use crate::measure::{ratio, run_command, time_command, Human, Samples};
use crate::suites::apply::{apply_once, Applier};
use crate::BenchError;

/// The measurements of one round, in order.
const ROWS: [&str; 8] = [
    "ours: library `Migrator::upgrade(&mut db, \"head\")` at head (open connection)",
    "ours: library `Migrator::new(revisions)` (what `from_migrations` does at start-up)",
    "ours: runner binary `migrate upgrade head` at head",
    "ours: runner binary `migrate current`",
    "ours: runner binary built with `--release`, `migrate upgrade head` at head",
    "ours: `cargo schema current` (package already built)",
    "Alembic: `alembic upgrade head` at head",
    "Alembic: `alembic current`",
];

/// Runs the suite and adds its section and targets to the report.
pub async fn run(cx: &mut Context) -> Result<(), BenchError> {
    let mut body = String::from(
        "Databases brought to head untimed first (ours and Alembic each on its own). Process rows \
         include process start and connecting. The runner binary is the debug build that \
         `cargo schema` makes; the library rows run in the release-built harness.\n",
    );
    let cargo_schema_dir = cx.target_dir().join("release");
    let path = format!(
        "{}:{}",
        cargo_schema_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let sizes = cx.options.sizes.clone();
    for n in sizes {
        let forms = cx.forms(n)?;
        for server in cx.servers.clone() {
            let ours_db = server.fresh("bench_head_ours").await?;
            apply_once(cx, &server, &forms, Applier::OursLibrary, &ours_db).await?;
            let alembic_db = server.fresh("bench_head_alembic").await?;
            apply_once(cx, &server, &forms, Applier::Alembic, &alembic_db).await?;
            let mut conn = ours_db.connect().await?;
            let cargo_schema = || {
                let mut c = cx.cargo();
                c.args(["schema", "current", "--manifest-path"])
                    .arg(forms.package.manifest())
                    .env("PATH", &path)
                    .env("DATABASE_URL", &ours_db.url)
                    .current_dir(&forms.package.dir);
                c
            };
            // The first `cargo schema` call may still build; start-up is the call after it.
            run_command(&mut cargo_schema())?;
            let mut samples = vec![Samples::default(); ROWS.len()];
            let rounds = cx.options.fast_rounds;
            for round in 1..=rounds {
                let clock = Instant::now();
                let applied = forms.migrator.upgrade(&mut conn, "head").await?;
                samples[0].push(clock.elapsed());
                if !applied.is_empty() {
                    return Err(BenchError::new(
                        "the database at head applied revisions again",
                    ));
                }
                let clock = Instant::now();
                let migrator = schema_runtime::Migrator::new(chain::revisions(n));
                samples[1].push(clock.elapsed());
                drop(std::hint::black_box(migrator));
                samples[2].push(time_command(
                    Command::new(&forms.runner)
                        .args(["upgrade", "head", "--database-url", &ours_db.url])
                        .current_dir(&forms.package.dir),
                )?);
                samples[3].push(time_command(
                    Command::new(&forms.runner)
                        .args(["current", "--database-url", &ours_db.url])
                        .current_dir(&forms.package.dir),
                )?);
                samples[4].push(time_command(
                    Command::new(&forms.runner_release)
                        .args(["upgrade", "head", "--database-url", &ours_db.url])
                        .current_dir(&forms.package.dir),
                )?);
                samples[5].push(time_command(&mut cargo_schema())?);
                samples[6].push(time_command(
                    cx.alembic(&forms.alembic, &alembic_db.sqlalchemy_url)
                        .args(["upgrade", "head"]),
                )?);
                samples[7].push(time_command(
                    cx.alembic(&forms.alembic, &alembic_db.sqlalchemy_url)
                        .arg("current"),
                )?);
                if round == rounds {
                    eprintln!(
                        "   start-up {n} on {}: {}",
                        server.label(),
                        samples
                            .iter()
                            .map(|s| Human(s.median()).to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
            }
            drop(conn);
            let _ = writeln!(
                body,
                "\n### {n} revisions on {}\n\n| what | time |\n| --- | --- |",
                server.label()
            );
            for (row, s) in ROWS.iter().zip(&samples) {
                let _ = writeln!(body, "| {row} | {} |", s.summary());
            }
            let _ = writeln!(
                body,
                "\nAlembic `upgrade head` / our runner `upgrade head`: {}; Alembic `current` / our runner `current`: {}; Alembic `current` / `cargo schema current`: {}",
                samples[6].ratio_to(&samples[2]),
                samples[7].ratio_to(&samples[3]),
                samples[7].ratio_to(&samples[5]),
            );
            if Some(&n) == cx.options.sizes.iter().max() {
                let label = server.label();
                let lib = samples[0].median();
                cx.report.target(
                    format!("at head, {n} revisions, {label}: library call < 5 ms"),
                    format!(
                        "`upgrade` {}; with `Migrator::new` {}",
                        Human(lib),
                        Human(lib + samples[1].median())
                    ),
                    lib < Duration::from_millis(5),
                );
                cx.report.target(
                    format!("at head, {n} revisions, {label}: runner binary < 30 ms"),
                    format!(
                        "`upgrade head` {} (release build {}); `current` {}",
                        Human(samples[2].median()),
                        Human(samples[4].median()),
                        Human(samples[3].median())
                    ),
                    samples[2].median() < Duration::from_millis(30),
                );
                cx.report.target(
                    format!("at head, {n} revisions, {label}: `cargo schema current` < 0.5 s"),
                    format!(
                        "{} (Alembic `current`: {}, {})",
                        Human(samples[5].median()),
                        Human(samples[7].median()),
                        ratio(samples[7].median(), samples[5].median())
                    ),
                    samples[5].median() < Duration::from_millis(500),
                );
            }
            cx.report.command(format!(
                "{} current --database-url {}",
                cx.shown(&forms.runner),
                server.database("bench_head_ours").url
            ));
            cx.report.command(format!(
                "PATH={}:$PATH CARGO_TARGET_DIR={} DATABASE_URL={} cargo schema current --manifest-path {}",
                cx.shown(&cargo_schema_dir),
                cx.shown(&cx.target_dir()),
                server.database("bench_head_ours").url,
                cx.shown(&forms.package.manifest())
            ));
            cx.report.command(format!(
                "BENCH_DATABASE_URL={} {} -c {} current",
                server.database("bench_head_alembic").sqlalchemy_url,
                cx.shown(&cx.alembic),
                cx.shown(&forms.alembic.ini())
            ));
            server.drop("bench_head_ours").await?;
            server.drop("bench_head_alembic").await?;
        }
    }
    cx.report
        .section(crate::suites::Suite::Startup.title(), body);
    Ok(())
}
