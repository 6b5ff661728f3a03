//! Autogenerate (item 4) of the chain's final tables (1,000 in the full run): our diff from an
//! empty schema and rendering of the ops (offline, in process); against live databases, our
//! introspection + diff of a database at head, and Alembic's `revision --autogenerate` against an
//! empty database and against a database at head, in alternating rounds.

use std::fmt::Write as _;
use std::time::Duration;

use schema_runtime::autogen::{diff, render_ops, DiffOptions};
use schema_runtime::{NamingConvention, Schema};

use crate::chain;
use crate::context::{Context, Forms};
use crate::databases::{RunDatabase, Server};
use crate::forms::alembic;
use crate::measure::{time_command, time_in_process, Human, Samples};
use crate::suites::apply::{apply_once, Applier};
use crate::BenchError;

/// The revision id Alembic is told to give the generated file, so it can be removed.
const REV_ID: &str = "bench_autogen";

/// Runs `alembic revision --autogenerate` on `project` against `db`; returns its time and the
/// number of ops in the generated upgrade, and removes the file.
fn alembic_autogenerate(
    cx: &Context,
    project: &alembic::Project,
    db: &RunDatabase,
) -> Result<(Duration, usize), BenchError> {
    let elapsed = time_command(
        cx.alembic(project, &db.sqlalchemy_url)
            .env("BENCH_MODELS", "1")
            .args([
                "revision",
                "--autogenerate",
                "-m",
                "auto",
                "--rev-id",
                REV_ID,
            ]),
    )?;
    let file = project.versions().join(format!("{REV_ID}_auto.py"));
    let source = std::fs::read_to_string(&file)?;
    std::fs::remove_file(&file)?;
    let upgrade = source
        .split("def upgrade")
        .nth(1)
        .and_then(|s| s.split("def downgrade").next())
        .unwrap_or("");
    let ops = upgrade.matches("op.").count();
    Ok((elapsed, ops))
}

/// Our introspection of `db` plus the diff against `target`: time and number of changes.
#[cfg(feature = "introspect")]
async fn ours_live(
    server: &Server,
    db: &RunDatabase,
    target: &Schema,
) -> Result<Option<(Duration, Duration, usize, String)>, BenchError> {
    use schema_runtime::introspect::{introspect, IntrospectOptions};
    let mut conn = db.connect().await?;
    let clock = std::time::Instant::now();
    let live = introspect(&mut conn, &IntrospectOptions::default())
        .await
        .map_err(|e| BenchError::new(e.to_string()))?;
    let read = clock.elapsed();
    let options = DiffOptions::default().with_dialect(Some(server.dialect));
    let changes = diff(&live, target, &options);
    let source = render_ops(&changes, &NamingConvention::default());
    let elapsed = clock.elapsed();
    // What a non-empty diff at head says, for the report.
    let sample = source
        .lines()
        .take(2)
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Some((read, elapsed, changes.len(), sample)))
}

/// Introspection is not in this build of schema-runtime yet.
#[cfg(not(feature = "introspect"))]
async fn ours_live(
    _server: &Server,
    _db: &RunDatabase,
    _target: &Schema,
) -> Result<Option<(Duration, Duration, usize, String)>, BenchError> {
    Ok(None)
}

/// Runs the suite and adds its section to the report.
pub async fn run(cx: &mut Context) -> Result<(), BenchError> {
    let n = cx.options.sizes.iter().copied().max().unwrap_or(1000);
    let forms: Forms = cx.forms(n)?;
    let head = chain::revision_id(n);
    let target = forms
        .migrator
        .schema_at(&[head])
        .map_err(|e| BenchError::new(format!("replaying the chain: {e}")))?;
    let reps = cx.options.in_process;
    let empty = Schema::default();
    let naming = NamingConvention::default();
    let diff_only = time_in_process(reps, || diff(&empty, &target, &DiffOptions::default()));
    let changes = diff(&empty, &target, &DiffOptions::default());
    let render_only = time_in_process(reps, || render_ops(&changes, &naming));
    let both = time_in_process(reps, || {
        render_ops(&diff(&empty, &target, &DiffOptions::default()), &naming)
    });
    let mut body = format!(
        "The chain's final {n} tables (each: `id` BIGINT primary key, `name` VARCHAR(100) NOT NULL, \
         `next_id` BIGINT on all but the last, an index on `name`).\n\n\
         ### Offline: ours, in process (release), medians of {reps}\n\n\
         | what | time |\n| --- | --- |\n\
         | `diff(&Schema::default(), &target, ..)` ({} changes) | {} |\n\
         | `render_ops` (migration source, {} bytes) | {} |\n\
         | diff + render | {} |\n",
        changes.len(),
        diff_only.summary(),
        render_ops(&changes, &naming).len(),
        render_only.summary(),
        both.summary(),
    );
    cx.report.command(format!(
        "BENCH_MODELS=1 BENCH_DATABASE_URL=<url> {} -c <project>/alembic.ini revision --autogenerate -m auto --rev-id {REV_ID}",
        cx.shown(&cx.alembic)
    ));

    // Alembic's autogenerate against an empty database needs a project without revisions.
    let empty_project =
        alembic::write_project(&cx.work.join(format!("alembic_autogen_{n}")), 0, Some(n))?;
    let _ = writeln!(
        body,
        "\n### Against live databases, alternating rounds\n\n\
         Ours: `introspect` of a database at head (our tool applied the chain) + `diff` against the \
         replayed head + `render_ops`, in process, connection excluded. Alembic: the whole \
         `alembic revision --autogenerate` process with a `MetaData` of the {n} tables, against an \
         empty database (project without revisions) and against a database at head (the chain's \
         project, {n} revisions, Alembic applied them).\n\n\
         | database | ours: introspect | ours: introspect + diff + render | Alembic vs empty database | Alembic vs database at head | Alembic at head / ours |\n\
         | --- | --- | --- | --- | --- | --- |"
    );
    let mut notes = Vec::new();
    for server in cx.servers.clone() {
        let ours_db = server.fresh("bench_autogen_ours").await?;
        apply_once(cx, &server, &forms, Applier::OursLibrary, &ours_db).await?;
        let alembic_db = server.fresh("bench_autogen_alembic").await?;
        apply_once(cx, &server, &forms, Applier::Alembic, &alembic_db).await?;
        let mut read = Samples::default();
        let mut ours = Samples::default();
        let mut vs_empty = Samples::default();
        let mut vs_head = Samples::default();
        let mut found = (0, 0, 0);
        let mut sample = String::new();
        for round in 1..=cx.options.rounds {
            if let Some((r, total, changes, first)) = ours_live(&server, &ours_db, &target).await? {
                read.push(r);
                ours.push(total);
                found.0 = changes;
                sample = first;
            }
            let empty_db = server.fresh("bench_autogen_empty").await?;
            let (t, ops) = alembic_autogenerate(cx, &empty_project, &empty_db)?;
            vs_empty.push(t);
            server.drop("bench_autogen_empty").await?;
            found.1 = ops;
            let (t, ops) = alembic_autogenerate(cx, &forms.alembic, &alembic_db)?;
            vs_head.push(t);
            found.2 = ops;
            eprintln!(
                "   autogenerate on {}: round {round}: ours {}, Alembic vs empty {}, vs head {}",
                server.label(),
                Human(ours.0.last().copied().unwrap_or_default()),
                Human(vs_empty.0.last().copied().unwrap_or_default()),
                Human(t)
            );
        }
        let pending = "pending: `schema_runtime::introspect` is not in this build";
        let (read_cell, ours_cell, ratio_cell) = if ours.len() == 0 {
            (pending.to_owned(), pending.to_owned(), "–".to_owned())
        } else {
            (read.summary(), ours.summary(), vs_head.ratio_to(&ours))
        };
        let _ = writeln!(
            body,
            "| {} | {read_cell} | {ours_cell} | {} | {} | {ratio_cell} |",
            server.label(),
            vs_empty.summary(),
            vs_head.summary(),
        );
        let sample = if found.0 > 0 {
            format!(" (they begin: `{sample}`)")
        } else {
            String::new()
        };
        notes.push(format!(
            "{}: ours found {} changes at head{sample}{}; Alembic wrote {} ops against the empty database and {} at head",
            server.label(),
            found.0,
            if ours.len() == 0 { " (not measured)" } else { "" },
            found.1,
            found.2
        ));
        for name in [
            "bench_autogen_ours",
            "bench_autogen_alembic",
            "bench_autogen_empty",
        ] {
            server.drop(name).await?;
        }
    }
    let _ = writeln!(
        body,
        "\nWhat each found (a check that they did the work): {}.",
        notes.join("; ")
    );
    cx.report
        .section(crate::suites::Suite::Autogen.title(), body);
    Ok(())
}
