//! Apply from empty to head (item 1 of the issue): per chain length and database, in alternating
//! rounds on a fresh database each (created and dropped untimed): our runner binary, our library
//! call in this process (connection excluded), Alembic, and the plain SQL script through the
//! database's own client, which is the floor the ratios divide by.

use std::fmt::Write as _;
use std::time::Instant;

use schema_runtime::Dialect;

use crate::chain;
use crate::context::{Context, Forms};
use crate::databases::{RunDatabase, Server};
use crate::measure::{cpu_time, time_command_cpu, Human, Samples, Who};
use crate::BenchError;

/// The ways a chain is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applier {
    /// The package's runner binary: `migrate_N upgrade head`.
    OursCli,
    /// The same runner built with `--release`.
    OursCliRelease,
    /// `Migrator::upgrade` in this process, on an open connection.
    OursLibrary,
    /// `alembic upgrade head`.
    Alembic,
    /// The plain SQL script through psql / sqlite3 / mariadb.
    Plain,
    /// The plain SQL script plus our `schema_log` row per revision.
    PlainWithLog,
}

const ORDER: [Applier; 6] = [
    Applier::OursCli,
    Applier::OursCliRelease,
    Applier::OursLibrary,
    Applier::Alembic,
    Applier::Plain,
    Applier::PlainWithLog,
];

impl Applier {
    fn label(self) -> &'static str {
        match self {
            Applier::OursCli => {
                "ours: runner binary, debug as `cargo schema` builds it (`migrate upgrade head`)"
            }
            Applier::OursCliRelease => "ours: the same runner built with `--release`",
            Applier::OursLibrary => "ours: library `Migrator::upgrade` (connection excluded)",
            Applier::Alembic => "Alembic (`alembic upgrade head`)",
            Applier::Plain => "plain SQL script through the client (**floor**)",
            Applier::PlainWithLog => {
                "plain SQL script + our `schema_log` INSERT per revision, through the client"
            }
        }
    }
}

/// Database name of the apply runs.
const DB: &str = "bench_apply";

/// Applies the chain of `forms` to `db` with `applier`, timed; checks it reached the head.
/// Returns the wall time and the CPU time (user + system) of the applying process (of this
/// process, every thread, for the library call).
pub async fn apply_once(
    cx: &Context,
    server: &Server,
    forms: &Forms,
    applier: Applier,
    db: &RunDatabase,
) -> Result<(std::time::Duration, std::time::Duration), BenchError> {
    let n = forms.package.revisions;
    let timing = match applier {
        Applier::OursCli | Applier::OursCliRelease => time_command_cpu(
            std::process::Command::new(if applier == Applier::OursCli {
                &forms.runner
            } else {
                &forms.runner_release
            })
            .args(["upgrade", "head", "--database-url", &db.url])
            .current_dir(&forms.package.dir),
        )?,
        Applier::OursLibrary => {
            let mut conn = db.connect().await?;
            let cpu = cpu_time(Who::Myself);
            let clock = Instant::now();
            forms.migrator.upgrade(&mut conn, "head").await?;
            let elapsed = clock.elapsed();
            let cpu = cpu_time(Who::Myself).saturating_sub(cpu);
            drop(conn);
            (elapsed, cpu)
        }
        Applier::Alembic => time_command_cpu(
            cx.alembic(&forms.alembic, &db.sqlalchemy_url)
                .args(["upgrade", "head"]),
        )?,
        Applier::Plain => {
            time_command_cpu(&mut server.script_command(db, &forms.scripts[&server.dialect]))?
        }
        Applier::PlainWithLog => time_command_cpu(
            &mut server.script_command(db, &forms.scripts_with_log[&server.dialect]),
        )?,
    };
    let table = match applier {
        Applier::Alembic => "alembic_version",
        _ => "schema_version",
    };
    db.verify(table, &chain::revision_id(n), n).await?;
    Ok(timing)
}

/// Runs the suite and adds its section and targets to the report.
pub async fn run(cx: &mut Context) -> Result<(), BenchError> {
    let mut body = String::from(
        "Each revision creates a table, adds a column to the previous table and creates an index. \
         One fresh database per run (created and dropped outside the timing); each run is checked \
         to end at the head with every table. The plain script has our DDL and version-table \
         statements (from `migrator.plan_upgrade` and `schema_runtime::cli::script`), one \
         transaction per revision on PostgreSQL and SQLite (MariaDB commits DDL as it goes, for \
         every tool). Ours also writes one `schema_log` row per revision in the same transaction: \
         the \"+ schema_log\" script adds that row to the plain script, so runner / plain+log is \
         the tool's own overhead. Alembic runs with `transaction_per_migration=True` (on SQLite the \
         pysqlite driver still commits each DDL statement on its own). Process rows include \
         process start and connecting; the library row excludes the connection. The CPU column is the \
         applying process's user + system time (getrusage; this whole process for the library \
         call): on PostgreSQL and MariaDB the client's own work, the server's not counted; on \
         SQLite the engine's too, as it runs inside the client. Unlike wall time it does not \
         move with the disk's fsync latency.\n",
    );
    let sizes = cx.options.sizes.clone();
    for n in sizes {
        let forms = cx.forms(n)?;
        for server in cx.servers.clone() {
            let rounds = cx.options.rounds;
            let mut samples: Vec<Samples> = vec![Samples::default(); ORDER.len()];
            let mut cpu: Vec<Samples> = vec![Samples::default(); ORDER.len()];
            for round in 1..=rounds {
                for (i, applier) in ORDER.iter().enumerate() {
                    let db = server.fresh(DB).await?;
                    let (elapsed, used) = apply_once(cx, &server, &forms, *applier, &db).await?;
                    samples[i].push(elapsed);
                    cpu[i].push(used);
                }
                eprintln!(
                    "   apply {n} on {}: round {round}/{rounds}: {}",
                    server.label(),
                    samples
                        .iter()
                        .map(|s| Human(s.0[s.0.len() - 1]).to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            server.drop(DB).await?;
            let floor = &samples[4];
            let _ = writeln!(
                body,
                "\n### {n} revisions on {}\n\n| applier | time | vs plain SQL | CPU of the applying process (median) |\n| --- | --- | --- | --- |",
                server.label()
            );
            for (i, applier) in ORDER.iter().enumerate() {
                let _ = writeln!(
                    body,
                    "| {} | {} | {} | {} |",
                    applier.label(),
                    samples[i].summary(),
                    samples[i].ratio_to(floor),
                    Human(cpu[i].median()),
                );
            }
            let _ = writeln!(
                body,
                "\nAlembic / ours (debug runner): {}; Alembic / ours (release runner): {}. \
                 Ours beyond the statements it sends (runner / plain+log): debug {}, release {}; \
                 library / plain+log: {}.",
                samples[3].ratio_to(&samples[0]),
                samples[3].ratio_to(&samples[1]),
                samples[0].ratio_to(&samples[5]),
                samples[1].ratio_to(&samples[5]),
                samples[2].ratio_to(&samples[5]),
            );
            if n == 1000 {
                let ratio = samples[0].median().as_secs_f64() / floor.median().as_secs_f64();
                let release = samples[1].median().as_secs_f64() / floor.median().as_secs_f64();
                let library = samples[2].median().as_secs_f64() / floor.median().as_secs_f64();
                cx.report.target(
                    format!("apply 1,000 revisions on {}: ≤ 1.02x the plain SQL script", server.label()),
                    format!(
                        "debug runner {} = {ratio:.2}x; release runner {} = {release:.2}x; library {} = {library:.2}x; plain {}",
                        Human(samples[0].median()),
                        Human(samples[1].median()),
                        Human(samples[2].median()),
                        Human(floor.median())
                    ),
                    ratio <= 1.02,
                );
            }
            let d = server.dialect;
            cx.report.command(format!(
                "{} upgrade head --database-url {}",
                cx.shown(&forms.runner),
                server.database(DB).url
            ));
            cx.report.command(format!(
                "BENCH_DATABASE_URL={} {} -c {} upgrade head",
                server.database(DB).sqlalchemy_url,
                cx.shown(&cx.alembic),
                cx.shown(&forms.alembic.ini())
            ));
            let script = server.script_command(&server.database(DB), &forms.scripts[&d]);
            cx.report.command(format!(
                "{} {}{}",
                cx.shown(std::path::Path::new(script.get_program())),
                script
                    .get_args()
                    .map(|a| cx.shown(std::path::Path::new(a)))
                    .collect::<Vec<_>>()
                    .join(" "),
                if d == Dialect::Mariadb {
                    format!(" < {}", cx.shown(&forms.scripts[&d]))
                } else {
                    String::new()
                }
            ));
        }
    }
    cx.report.section(crate::suites::Suite::Apply.title(), body);
    Ok(())
}
