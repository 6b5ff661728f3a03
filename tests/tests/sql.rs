//! Snapshots of the SQL of every op on every dialect (`<case>@<dialect>.snap`), and of the
//! downgrades derived from them. No database needed.

use schema_runtime::prelude::*;
use schema_runtime::{Dialect, Migrator, Revision, Schema};

/// Renders the ops of `change` on each dialect against the schema `setup` builds, and snapshots
/// the statements (or the error) as `<case>@<dialect>`.
fn snapshot(case: &str, setup: impl Fn(&mut Ops), change: impl Fn(&mut Ops)) {
    let mut base = Ops::new();
    setup(&mut base);
    let mut ops = Ops::new();
    change(&mut ops);
    for dialect in Dialect::ALL {
        let mut schema = Schema::default();
        for op in base.ops() {
            schema.apply(op).expect("setup applies");
        }
        let mut out = Vec::new();
        for op in ops.ops() {
            match dialect.render(op, &schema) {
                Ok(sql) => out.extend(sql.into_iter().map(|s| format!("{s};"))),
                Err(e) => out.push(format!("error: {e}")),
            }
            let _ = schema.apply(op);
        }
        insta::assert_snapshot!(format!("{case}@{}", dialect.name()), out.join("\n\n"));
    }
}

fn users(op: &mut Ops) {
    op.create_table("users", |t| {
        t.column("id", Type::BigInt).primary_key().identity();
        t.column("email", Type::String(255)).not_null().unique();
        t.column("name", Type::String(100));
        t.column("bio", Type::Text);
        t.column("karma", Type::Integer).not_null().default(0);
    });
    op.create_index("users", ["name"]);
}

fn nothing(_: &mut Ops) {}

#[test]
fn create_table_with_every_portable_type() {
    snapshot("create_table_every_type", nothing, |op| {
        op.create_table("everything", |t| {
            t.column("small", Type::SmallInt).not_null();
            t.column("int", Type::Integer);
            t.column("big", Type::BigInt);
            t.column("flag", Type::Boolean).not_null().default(false);
            t.column("real", Type::Real);
            t.column("double", Type::Double);
            t.column("money", Type::Numeric(12, 2)).default(0.5);
            t.column("code", Type::String(32)).default("n/a");
            t.column("body", Type::Text);
            t.column("blob", Type::Bytes);
            t.column("day", Type::Date);
            t.column("at", Type::Time);
            t.column("stamp", Type::Timestamp);
            t.column("created_at", Type::TimestampTz)
                .not_null()
                .default_now();
            t.column("uid", Type::Uuid);
            t.column("doc", Type::Json);
            t.column("native", Type::custom("CHAR(2)"));
        });
    });
}

/// The portable types of issue 16: an unbounded string (refused on MySQL and MariaDB), a
/// float of a binary precision, fractional-second precisions and the DATETIME spelling.
#[test]
fn create_table_with_the_precision_types() {
    snapshot("create_table_precision_types", nothing, |op| {
        op.create_table("moments", |t| {
            t.column("id", Type::Integer).primary_key();
            t.column("ratio", Type::Float(24)).default(0.5);
            t.column("precise", Type::Float(53));
            t.column("at", Type::TimePrecision(3));
            t.column("whole", Type::TimePrecision(0));
            t.column("stamp", Type::TimestampPrecision(3))
                .not_null()
                .default_now();
            t.column("seconds", Type::TimestampPrecision(0))
                .default_now();
            t.column("seen_at", Type::TimestampTzPrecision(6));
            t.column("logged", Type::DateTime).default_now();
            t.column("day", Type::Date)
                .default(Value::date("2024-01-31"));
            t.column("money", Type::Numeric(12, 2))
                .default(Value::decimal("12.50"));
        });
    });
    snapshot("create_table_unbounded_string", nothing, |op| {
        op.create_table("notes", |t| {
            t.column("id", Type::Integer).primary_key();
            t.column("title", Type::Varchar)
                .not_null()
                .default("untitled");
        });
    });
    snapshot("alter_column_to_unbounded_string", users, |op| {
        op.alter_column("users", "name").set_type(Type::Varchar);
    });
}

/// A precision no database has is refused on every dialect, with the valid range.
#[test]
fn precisions_out_of_range_are_refused() {
    snapshot("precision_out_of_range", nothing, |op| {
        op.create_table("t", |t| {
            t.column("f", Type::Float(54));
        });
        op.create_table("u", |t| {
            t.column("at", Type::TimestampPrecision(7));
        });
    });
}

/// Typed values in `bulk_insert`, `update` and the derived `delete_rows` (the downgrade).
#[test]
fn typed_values_in_rows() {
    fn moments(op: &mut Ops) {
        op.create_table("moments", |t| {
            t.column("id", Type::Integer).primary_key();
            t.column("money", Type::Numeric(12, 2));
            t.column("day", Type::Date);
            t.column("at", Type::Time);
            t.column("stamp", Type::Timestamp);
            t.column("seen_at", Type::TimestampTz);
            t.column("uid", Type::Uuid);
            t.column("doc", Type::Json);
        });
    }
    let insert = |op: &mut Ops| {
        op.bulk_insert(
            "moments",
            ["id", "money", "day", "at", "stamp", "seen_at", "uid", "doc"],
            [
                row![
                    1,
                    Value::decimal("-12.50"),
                    Value::date("2024-01-31"),
                    Value::time("13:45:00.25"),
                    Value::timestamp("2024-01-31T13:45:00"),
                    Value::timestamp_tz("2024-01-01 01:30:00+02:00"),
                    Value::uuid("67e55044-10b1-426f-9247-bb680e5fe0c8"),
                    Value::json(r#"{"it's": [1, "a\\b"]}"#)
                ],
                row![
                    2,
                    None::<i32>,
                    None::<i32>,
                    None::<i32>,
                    None::<i32>,
                    None::<i32>,
                    None::<i32>,
                    None::<i32>
                ],
            ],
        );
    };
    snapshot("bulk_insert_typed_values", moments, insert);
    snapshot(
        "update_typed_values",
        |op| {
            moments(op);
            insert(op);
        },
        |op| {
            op.update("moments")
                .set("money", Value::decimal("0.01"))
                .set("day", Value::date("2025-12-31"))
                .set("at", Value::time("00:00:00"))
                .set("stamp", Value::timestamp("2025-12-31 23:59:59.999999"))
                .set("seen_at", Value::timestamp_tz("2025-12-31 23:00:00Z"))
                .set("uid", Value::uuid("00000000-0000-0000-0000-000000000000"))
                .set("doc", Value::json("null"))
                .filter("id = 2");
        },
    );
    // Derived downgrade of the insert: the rows are deleted by their values.
    let down = Migrator::new(vec![
        Revision::new("0001", &[], "moments", moments),
        Revision::new("0002", &["0001"], "rows", insert),
    ])
    .expect("two revisions");
    for d in Dialect::ALL {
        let steps = down
            .plan_downgrade(d, &["0002".to_owned()], "-1")
            .expect("derived downgrade");
        let sql: Vec<String> = steps
            .iter()
            .flat_map(|s| s.statements.iter().map(|sql| format!("{sql};")))
            .collect();
        insta::assert_snapshot!(
            format!("bulk_insert_typed_values_downgrade@{}", d.name()),
            sql.join("\n\n")
        );
    }
}

/// `Value::json` takes anything that displays as JSON: a `serde_json::Value` too.
#[test]
fn json_values_from_serde_json() {
    let doc = serde_json::json!({"a": [1, "it's"]});
    assert_eq!(Value::json(&doc), Value::json(r#"{"a":[1,"it's"]}"#));
    assert_eq!(
        Dialect::Postgres.render_value(&Value::json(doc)),
        r#"'{"a":[1,"it''s"]}'::jsonb"#
    );
}

/// A malformed typed value is refused when the migration is planned, saying what it should be.
#[test]
fn malformed_typed_values_are_refused() {
    snapshot(
        "malformed_typed_values",
        |op| {
            op.create_table("t", |t| {
                t.column("day", Type::Date);
                t.column("uid", Type::Uuid);
            });
        },
        |op| {
            op.bulk_insert("t", ["day"], [row![Value::date("31/01/2024")]]);
            op.update("t").set("uid", Value::uuid("not-a-uuid"));
            op.add_column("t", "doc", Type::Json)
                .default(Value::json("{oops}"));
        },
    );
}

#[test]
fn create_table_with_identity_primary_key_unique_and_defaults() {
    snapshot("create_table_identity_unique", nothing, users);
}

#[test]
fn create_table_with_composite_primary_key() {
    snapshot("create_table_composite_pk", nothing, |op| {
        op.create_table("post_tags", |t| {
            t.column("post_id", Type::BigInt).primary_key();
            t.column("tag_id", Type::Integer).primary_key();
        });
    });
}

#[test]
fn identity_on_a_non_key_column_is_an_error() {
    snapshot("create_table_identity_not_pk", nothing, |op| {
        op.create_table("counters", |t| {
            t.column("n", Type::BigInt).identity();
        });
    });
}

#[test]
fn drop_table() {
    snapshot("drop_table", users, |op| {
        op.drop_table("users");
    });
}

#[test]
fn add_column_variants() {
    snapshot("add_column_nullable", users, |op| {
        op.add_column("users", "nickname", Type::String(50));
    });
    snapshot("add_column_not_null_with_default", users, |op| {
        op.add_column("users", "active", Type::Boolean)
            .not_null()
            .default(true);
    });
    snapshot("add_column_not_null_without_default", users, |op| {
        op.add_column("users", "slug", Type::String(80)).not_null();
    });
    snapshot("add_column_unique", users, |op| {
        op.add_column("users", "handle", Type::String(40)).unique();
    });
    snapshot("add_column_default_now", users, |op| {
        op.add_column("users", "seen_at", Type::TimestampTz)
            .default_now();
    });
}

#[test]
fn drop_column_variants() {
    snapshot("drop_column", users, |op| op.drop_column("users", "bio"));
    snapshot("drop_column_indexed_and_unique", users, |op| {
        op.drop_column("users", "name");
        op.drop_column("users", "email");
    });
}

#[test]
fn alter_column_variants() {
    snapshot("alter_column_type", users, |op| {
        op.alter_column("users", "name").set_type(Type::String(200));
    });
    snapshot("alter_column_type_using", users, |op| {
        op.alter_column("users", "bio")
            .set_type_using(Type::Integer, "length(bio)");
    });
    snapshot("alter_column_set_not_null", users, |op| {
        op.alter_column("users", "name").set_not_null();
    });
    snapshot("alter_column_set_nullable", users, |op| {
        op.alter_column("users", "karma").set_nullable();
    });
    snapshot("alter_column_set_default", users, |op| {
        op.alter_column("users", "karma").set_default(10);
    });
    snapshot("alter_column_drop_default", users, |op| {
        op.alter_column("users", "karma").drop_default();
    });
    snapshot("alter_column_rename", users, |op| {
        op.alter_column("users", "name").rename_to("display_name");
    });
    snapshot("alter_column_everything", users, |op| {
        op.alter_column("users", "name")
            .set_type(Type::String(150))
            .set_not_null()
            .set_default("anonymous")
            .rename_to("display_name");
    });
}

#[test]
fn index_variants() {
    snapshot("create_index", users, |op| {
        op.create_index("users", ["karma"]);
    });
    snapshot("create_index_unique_several_columns", users, |op| {
        op.create_index("users", ["name", "karma"]).unique();
    });
    snapshot("create_index_named", users, |op| {
        op.create_index("users", ["karma"]).name("users_by_karma");
    });
    snapshot("create_index_on_text", users, |op| {
        op.create_index("users", ["bio"]);
    });
    snapshot("drop_index", users, |op| {
        op.drop_index("ix_users_name");
    });
    snapshot("create_index_long_name", nothing, |op| {
        op.create_table("a_table_with_a_rather_long_name_for_testing", |t| {
            t.column("a_column_with_an_equally_long_name_one", Type::Integer);
            t.column("a_column_with_an_equally_long_name_two", Type::Integer);
        });
        op.create_index(
            "a_table_with_a_rather_long_name_for_testing",
            [
                "a_column_with_an_equally_long_name_one",
                "a_column_with_an_equally_long_name_two",
            ],
        );
    });
}

#[test]
fn unique_constraint_variants() {
    snapshot("create_unique", users, |op| {
        op.create_unique("users", ["name", "karma"]);
    });
    snapshot("drop_unique", users, |op| {
        op.drop_constraint("users", "uq_users_email");
    });
}

#[test]
fn raw_sql_variants() {
    snapshot("execute_portable", users, |op| {
        op.execute("UPDATE users SET karma = karma + 1");
    });
    snapshot("execute_per_dialect_missing_one", users, |op| {
        op.sql(SqlText {
            postgres: Some("CREATE EXTENSION IF NOT EXISTS citext".into()),
            sqlite: Some("PRAGMA user_version = 2".into()),
            ..SqlText::default()
        });
    });
}

#[test]
fn identifiers_are_quoted_per_dialect() {
    snapshot("quoting", nothing, |op| {
        op.create_table("order", |t| {
            t.column("select", Type::Integer).primary_key();
            t.column("we\"ird`name", Type::Text);
            t.column("note", Type::Text).default("it's \\ fine");
        });
    });
}

#[test]
fn ops_on_missing_objects_are_errors() {
    snapshot("missing_table", nothing, |op| {
        op.add_column("ghosts", "boo", Type::Text);
        op.drop_index("ix_nothing");
        op.alter_column("ghosts", "boo").set_nullable();
    });
}

/// The downgrade the planner derives for a revision, on each dialect.
#[test]
fn derived_downgrades() {
    let migrator = Migrator::new(vec![
        Revision::new("0001", &[], "users", users),
        Revision::new("0002", &["0001"], "many changes", |op| {
            op.add_column("users", "handle", Type::String(40)).unique();
            op.drop_column("users", "bio");
            op.alter_column("users", "name")
                .set_type(Type::String(200))
                .rename_to("display_name");
            op.create_index("users", ["karma"]).unique();
            op.drop_index("ix_users_name");
            op.execute("UPDATE users SET karma = 1")
                .reverse("UPDATE users SET karma = 0");
        }),
    ])
    .expect("valid graph");
    for dialect in Dialect::ALL {
        let out = match migrator.plan_downgrade(dialect, &["0002".to_string()], "0001") {
            Ok(steps) => steps[0]
                .statements
                .iter()
                .map(|s| format!("{s};"))
                .collect::<Vec<_>>()
                .join("\n\n"),
            Err(e) => format!("error: {e}"),
        };
        insta::assert_snapshot!(format!("derived_downgrade@{}", dialect.name()), out);
    }
}

#[test]
fn irreversible_sql_without_reverse_stops_the_downgrade() {
    let migrator = Migrator::new(vec![
        Revision::new("0001", &[], "users", users),
        Revision::new("0002", &["0001"], "backfill", |op| {
            op.execute("UPDATE users SET karma = 1");
        }),
    ])
    .expect("valid graph");
    let err = migrator
        .plan_downgrade(Dialect::Postgres, &["0002".to_string()], "-1")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "revision `0002` cannot be downgraded: execute(raw SQL) cannot be reversed automatically; give it `.reverse(\"...\")` or write an explicit downgrade"
    );
}

/// Every SQL line of the committed snapshots of one flavour (`@mysql*.snap` or `@mariadb.snap`),
/// as `(file, line)`: the test suites' and the blog example's. Lines of refusals (`error: ...`,
/// `revision ...: ... is not supported`) quote grammar instead of using it, and are left out.
fn snapshot_sql_lines(flavour: &str) -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut lines = Vec::new();
    for dir in [
        "tests/tests/snapshots",
        "examples/blog/migrations/snapshots",
    ] {
        let entries = std::fs::read_dir(root.join(dir)).expect("snapshot folder");
        for entry in entries {
            let path = entry.expect("entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let suffix = name.rsplit_once('@').map(|(_, s)| s).unwrap_or_default();
            if !suffix.starts_with(flavour) || !name.ends_with(".snap") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read snapshot");
            // The body follows the second `---` of insta's header.
            let body = text.splitn(3, "---\n").nth(2).unwrap_or_default();
            for line in body.lines() {
                let refusal = line.starts_with("error:")
                    || line.starts_with("revision `")
                    || line.contains("is not supported on");
                if !refusal {
                    lines.push((name.clone(), line.to_owned()));
                }
            }
        }
    }
    lines
}

#[test]
fn mysql_snapshots_hold_no_mariadb_only_grammar_and_mariadb_none_of_mysql_only() {
    // MariaDB grammar that MySQL 8.4 rejects (MySQL 8.4 reference manual: CREATE INDEX, DROP
    // INDEX, ALTER TABLE), and MySQL grammar MariaDB rejects (MariaDB: no DROP CHECK, no
    // functional key parts).
    let mariadb_only = [
        "CREATE INDEX IF NOT EXISTS",
        "CREATE UNIQUE INDEX IF NOT EXISTS",
        "DROP INDEX IF EXISTS",
        "ADD COLUMN IF NOT EXISTS",
        "DROP COLUMN IF EXISTS",
        "CREATE OR REPLACE",
        "DROP CONSTRAINT",
        " UUID",
        " INET6",
    ];
    let mysql_only = ["DROP CHECK", "((", " ARRAY)"];
    let mysql = snapshot_sql_lines("mysql");
    let mariadb = snapshot_sql_lines("mariadb");
    assert!(
        mysql.len() > 400,
        "too few MySQL snapshot lines: {}",
        mysql.len()
    );
    assert!(
        mariadb.len() > 400,
        "too few MariaDB snapshot lines: {}",
        mariadb.len()
    );
    let found = |lines: &[(String, String)], grammar: &[&str]| -> Vec<String> {
        lines
            .iter()
            .filter(|(_, line)| {
                let upper = line.to_ascii_uppercase();
                // `((` inside a CREATE INDEX key list is a functional key part.
                grammar
                    .iter()
                    .any(|g| upper.contains(g) && (*g != "((" || upper.starts_with("CREATE")))
            })
            .map(|(file, line)| format!("{file}: {line}"))
            .collect()
    };
    assert_eq!(found(&mysql, &mariadb_only), Vec::<String>::new());
    assert_eq!(found(&mariadb, &mysql_only), Vec::<String>::new());
    // And each flavour shows its own grammar where it has it.
    assert!(mysql.iter().any(|(_, l)| l.contains("DROP CHECK")));
    assert!(mysql.iter().any(|(_, l)| l.contains("((lower(email)))")));
    assert!(mariadb
        .iter()
        .any(|(_, l)| l.contains("CREATE INDEX IF NOT EXISTS")));
}
