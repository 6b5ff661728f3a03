//! The crash suite's package: 33 revisions, every one reversible of what real histories hold (tables with foreign
//! keys, a thousand seeded rows in several `INSERT`s, data backfills of which two are not
//! idempotent, column changes SQLite makes as table rebuilds, an enum, indexes, a foreign key
//! dropped), and a dump of everything a run leaves (schema, rows, version rows, log) to compare
//! a run that was killed and run again with a clean one.
//!
//! `crash_runner` (src/bin) applies it in its own process, so the suite and the stress script
//! (tests/stress/kill9.sh) can abort it at any moment.

use schema_runtime::prelude::*;
use schema_runtime::{Database, Migrator, Revision};

use crate::{dump_rows, dump_schema};

/// Rows of `tasks` the package seeds (in 500-row statements).
pub const TASKS: i64 = 1000;

fn rev(n: usize, message: &str, build: impl FnOnce(&mut Ops)) -> Revision {
    let id = format!("{n:04}");
    let parent = format!("{:04}", n - 1);
    let parents: Vec<&str> = if n == 1 { vec![] } else { vec![&parent] };
    Revision::new(&id, &parents, message, build)
}

/// The package's revisions.
pub fn revisions() -> Vec<Revision> {
    let users: Vec<_> = (1..=50)
        .map(|i| row![i, format!("user{i}@example.com"), format!("User {i}")])
        .collect();
    let projects: Vec<_> = (1..=100)
        .map(|i| row![i, (i % 50) + 1, format!("Project {i}")])
        .collect();
    let tasks: Vec<_> = (1..=TASKS)
        .map(|i| row![i, (i % 100) + 1, format!("Task {i}"), i % 5])
        .collect();
    vec![
        rev(1, "users", |op| {
            op.create_table("users", |t| {
                t.column("id", Type::BigInt).primary_key();
                t.column("email", Type::String(255)).not_null().unique();
                t.column("name", Type::String(100)).not_null();
            });
        }),
        rev(2, "projects", |op| {
            op.create_table("projects", |t| {
                t.column("id", Type::BigInt).primary_key();
                t.column("owner_id", Type::BigInt)
                    .not_null()
                    .references("users", "id");
                t.column("name", Type::String(100)).not_null();
            });
        }),
        rev(3, "tasks", |op| {
            op.create_table("tasks", |t| {
                t.column("id", Type::BigInt).primary_key();
                t.column("project_id", Type::BigInt)
                    .not_null()
                    .references("projects", "id")
                    .on_delete(FkAction::Cascade);
                t.column("title", Type::String(200)).not_null();
                t.column("priority", Type::Integer).not_null().default(0);
                t.column("done", Type::Boolean).not_null().default(false);
            });
        }),
        rev(4, "seed users", move |op| {
            op.bulk_insert("users", ["id", "email", "name"], users);
        }),
        rev(5, "seed projects", move |op| {
            op.bulk_insert("projects", ["id", "owner_id", "name"], projects);
        }),
        rev(6, "seed tasks", move |op| {
            op.bulk_insert("tasks", ["id", "project_id", "title", "priority"], tasks);
        }),
        rev(7, "estimates", |op| {
            op.add_column("tasks", "estimate", Type::Integer);
        }),
        rev(8, "backfill estimates", |op| {
            op.execute("UPDATE tasks SET estimate = priority * 2")
                .reverse("UPDATE tasks SET estimate = NULL");
        }),
        rev(9, "bump priorities (not idempotent)", |op| {
            op.execute("UPDATE tasks SET priority = priority + 1")
                .reverse("UPDATE tasks SET priority = priority - 1");
        }),
        rev(10, "index tasks by project and priority", |op| {
            op.create_index("tasks", ["project_id", "priority"]);
        }),
        rev(11, "karma", |op| {
            op.add_column("users", "karma", Type::Integer)
                .not_null()
                .default(0);
        }),
        rev(12, "longer names", |op| {
            op.alter_column("users", "name").set_type(Type::String(200));
        }),
        rev(13, "tags", |op| {
            op.create_table("tags", |t| {
                t.column("id", Type::Integer).primary_key();
                t.column("name", Type::String(50)).not_null().unique();
            });
        }),
        rev(14, "task tags", |op| {
            op.create_table("task_tags", |t| {
                t.column("task_id", Type::BigInt)
                    .primary_key()
                    .references("tasks", "id");
                t.column("tag_id", Type::Integer)
                    .primary_key()
                    .references("tags", "id");
            });
        }),
        rev(15, "seed tags", |op| {
            op.bulk_insert(
                "tags",
                ["id", "name"],
                [row![1, "urgent"], row![2, "later"], row![3, "bug"]],
            );
        }),
        rev(16, "tag every third task", |op| {
            op.execute(
                "INSERT INTO task_tags (task_id, tag_id) SELECT id, 1 FROM tasks WHERE id % 3 = 0",
            )
            .reverse("DELETE FROM task_tags WHERE tag_id = 1");
        }),
        rev(17, "archived projects", |op| {
            op.add_column("projects", "archived", Type::Boolean)
                .not_null()
                .default(false);
        }),
        rev(18, "archive every tenth project", |op| {
            op.execute("UPDATE projects SET archived = (1 = 1) WHERE id % 10 = 0")
                .reverse("UPDATE projects SET archived = (1 = 0) WHERE id % 10 = 0");
        }),
        rev(19, "priorities are never negative", |op| {
            op.create_check("tasks", "priority_nonnegative", "priority >= 0");
        }),
        rev(20, "titles are summaries", |op| {
            op.alter_column("tasks", "title").rename_to("summary");
        }),
        rev(21, "task owners", |op| {
            op.add_column("tasks", "owner_id", Type::BigInt)
                .references("users", "id");
        }),
        rev(22, "owners from projects", |op| {
            op.execute("UPDATE tasks SET owner_id = (SELECT owner_id FROM projects WHERE projects.id = tasks.project_id)")
                .reverse("UPDATE tasks SET owner_id = NULL");
        }),
        rev(23, "index karma", |op| {
            op.create_index("users", ["karma"]);
        }),
        rev(24, "drop the karma index", |op| {
            op.drop_index("ix_users_karma");
        }),
        rev(25, "task status", |op| {
            op.create_enum("task_status", ["open", "closed"]);
            op.add_column("tasks", "status", Type::enumeration("task_status"))
                .not_null()
                .default("open");
        }),
        rev(26, "blocked tasks", |op| {
            op.add_enum_value("task_status", "blocked");
        }),
        rev(27, "estimates are required", |op| {
            op.alter_column("tasks", "estimate").set_not_null();
        }),
        rev(28, "status replaces done", |op| {
            op.drop_column("tasks", "done");
        }),
        rev(29, "audit", |op| {
            op.create_table("audit", |t| {
                t.column("id", Type::BigInt).primary_key();
                t.column("note", Type::String(200)).not_null();
            });
        }),
        rev(30, "bump even projects again (not idempotent)", |op| {
            op.execute("UPDATE tasks SET priority = priority + 10 WHERE project_id % 2 = 0")
                .reverse("UPDATE tasks SET priority = priority - 10 WHERE project_id % 2 = 0");
        }),
        rev(31, "task tags lose their tag key", |op| {
            op.drop_constraint("task_tags", "fk_task_tags_tag_id_tags");
        }),
        rev(32, "one project name per owner, and an audit row", |op| {
            op.create_unique("projects", ["owner_id", "name"]);
            op.bulk_insert(
                "audit",
                ["id", "note"],
                [row![1, "crash suite"], row![2, "done"]],
            );
        }),
        // InnoDB drops the index it made for tasks.owner_id's foreign key once this one can
        // serve it: the downgrade must drop it around the key (MariaDB error 1553 otherwise).
        rev(33, "tasks by owner and priority", |op| {
            op.create_index("tasks", ["owner_id", "priority"]);
        }),
    ]
}

/// The migrator over [`revisions`].
pub fn migrator() -> Migrator {
    Migrator::new(revisions()).expect("the crash package's graph is valid")
}

/// Everything a run leaves, as text: the schema, every row of every table, the version rows,
/// and the log (revision, direction, outcome; not times).
pub async fn dump(db: &mut Database) -> String {
    let migrator = migrator();
    let mut out = dump_schema(db).await;
    for (table, columns) in [
        ("users", &["id", "email", "name", "karma"][..]),
        ("projects", &["id", "owner_id", "name", "archived"]),
        (
            "tasks",
            &[
                "id",
                "project_id",
                "summary",
                "priority",
                "estimate",
                "owner_id",
                "status",
            ],
        ),
        ("tags", &["id", "name"]),
        ("task_tags", &["task_id", "tag_id"]),
        ("audit", &["id", "note"]),
    ] {
        out.push_str(&dump_rows(db, table, columns).await);
    }
    let heads = migrator.current(db).await.expect("version rows");
    out.push_str(&format!("version: {}\n", heads.join(", ")));
    for entry in migrator.log(db).await.expect("log") {
        out.push_str(&format!(
            "log: {} {} {}\n",
            entry.revision,
            entry.direction,
            if entry.success { "ok" } else { "failed" }
        ));
    }
    for p in migrator.part_way(db).await.expect("progress") {
        out.push_str(&format!(
            "part-way: {} {}/{}\n",
            p.revision, p.done, p.total
        ));
    }
    out
}
