//! The machine and the versions of everything measured, and the load average (other agents
//! compile on this machine: a suite waits for a quiet moment before it starts).

use std::process::Command;
use std::time::{Duration, Instant};

use schema_runtime::{Database, Dialect};

use crate::context::{Context, Options};
use crate::measure::run_command;
use crate::BenchError;

/// `0.52 0.61 0.70`: the 1, 5 and 15 minute load averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn one_minute_load() -> f64 {
    load_average()
        .split_whitespace()
        .next()
        .and_then(|l| l.parse().ok())
        .unwrap_or(0.0)
}

/// Waits (up to `quiet_wait_secs`) until the 1-minute load is under `quiet_load`.
pub fn wait_for_quiet(options: &Options) {
    let clock = Instant::now();
    let limit = Duration::from_secs(options.quiet_wait_secs);
    let mut told = false;
    while one_minute_load() >= options.quiet_load && clock.elapsed() < limit {
        if !told {
            eprintln!(
                "   load average {} (1 min ≥ {}): waiting up to {} s for a quieter machine",
                load_average(),
                options.quiet_load,
                options.quiet_wait_secs
            );
            told = true;
        }
        std::thread::sleep(Duration::from_secs(10));
    }
}

fn first_line(command: &mut Command) -> String {
    run_command(command)
        .map(|out| out.lines().next().unwrap_or("").trim().to_owned())
        .unwrap_or_else(|e| format!("unavailable ({e})"))
}

/// The "Machine" and "Versions" sections, as Markdown.
pub async fn describe(cx: &Context) -> Result<String, BenchError> {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let free = run_command(Command::new("free").arg("-h")).unwrap_or_default();
    let mut out = String::from("## Machine\n\n");
    out.push_str(&format!(
        "- CPU: {cpu}, `nproc` = {}\n- kernel: {}\n- date: {}\n- load average when the run started: {}\n\n```\n$ free -h\n{}```\n",
        first_line(&mut Command::new("nproc")),
        first_line(Command::new("uname").args(["-sr"])),
        first_line(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"])),
        load_average(),
        free
    ));
    let python = cx.bench.join(".venv/bin/python");
    let versions = first_line(Command::new(&python).args([
        "-c",
        "import alembic, sqlalchemy, sys; print(f'alembic {alembic.__version__}, SQLAlchemy {sqlalchemy.__version__}, Python {sys.version.split()[0]}')",
    ]));
    let commit = first_line(Command::new("git").arg("-C").arg(&cx.repo).args([
        "rev-parse",
        "--short",
        "HEAD",
    ]));
    let dirty = run_command(Command::new("git").arg("-C").arg(&cx.repo).args([
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        "schema-runtime",
        "schema-macros",
        "cargo-schema",
    ]))
    .map(|s| {
        if s.trim().is_empty() {
            ""
        } else {
            " (with uncommitted changes in the working tree)"
        }
    })
    .unwrap_or("");
    out.push_str("\n## Versions\n\n");
    out.push_str(&format!(
        "- cargo-schema: commit {commit}{dirty}; our measurements use the release harness for in-process calls and the debug runner binary that `cargo schema` builds\n- {}\n- {}\n- {versions}\n",
        first_line(Command::new("rustc").arg("-V")),
        first_line(Command::new("cargo").arg("-V")),
    ));
    for server in &cx.servers {
        let client = first_line(&mut server.client_version_command());
        let version = match server.dialect {
            Dialect::Sqlite => String::new(),
            _ => match Database::connect(&server.database(admin_name(server.dialect)).url).await {
                Ok(mut db) => db
                    .raw()
                    .fetch_strings("SELECT CAST(version() AS CHAR(200))")
                    .await
                    .ok()
                    .and_then(|v| v.into_iter().next())
                    .map(|v| format!("server {}; ", v.trim()))
                    .unwrap_or_default(),
                Err(e) => format!("server unreachable ({e}); "),
            },
        };
        out.push_str(&format!(
            "- {}: {version}client `{client}`\n",
            server.label()
        ));
    }
    Ok(out)
}

/// The administrative database of a server URL (`postgres`, `mysql`).
fn admin_name(d: Dialect) -> &'static str {
    match d {
        Dialect::Postgres => "postgres",
        Dialect::Sqlite => "admin",
        _ => "mysql",
    }
}
