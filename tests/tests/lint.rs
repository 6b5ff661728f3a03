//! `cargo schema lint`: each rule's bad example is flagged and its good example is not, on a
//! schema the replay of a first revision builds; ops on a table created in the same revision are
//! never flagged; `allow_lint`, ranges and dialects (all without a database). Then the rules
//! that predict a table rewrite or copy, checked on the real servers: PostgreSQL's relation file
//! changes exactly when lint says it rewrites, MariaDB refuses `ALGORITHM=INPLACE` /
//! `LOCK=NONE` exactly when lint says it copies or blocks.

use schema_runtime::lint::{self, Finding, Severity, Summary};
use schema_runtime::prelude::*;
use schema_runtime::{Dialect, Migrator, Revision, Schema};
use schema_tests::{block_on, TestDb};

/// The tables every example works on, created by a revision of their own (so they exist
/// before the example's revision).
fn base() -> Revision {
    Revision::new("0001_base", &[], "base tables", |op| {
        op.create_enum("mood", ["sad", "happy"]);
        op.create_table("users", |t| {
            t.column("id", Type::BigInt).primary_key().identity();
            t.column("email", Type::String(255));
            t.column("name", Type::String(100)).not_null();
            t.column("bio", Type::Text);
            t.column("mood", Type::enumeration("mood"));
        });
        op.create_table("posts", |t| {
            t.column("id", Type::BigInt).primary_key().identity();
            t.column("author_id", Type::BigInt).not_null();
            t.column("title", Type::String(200)).not_null();
            t.column("slug", Type::String(200));
        });
        op.create_index("posts", ["slug"]);
        op.create_table("events", |t| {
            t.column("id", Type::Integer).not_null();
            t.column("at", Type::Timestamp);
        });
        op.create_table("documents", |t| {
            t.column("id", Type::BigInt).primary_key();
            t.column("body", Type::Text);
        });
        op.create_table("legacy_sessions", |t| {
            t.column("id", Type::BigInt).primary_key();
        });
        op.create_sequence("invoice_numbers").start(1000);
    })
}

/// One rule's examples.
struct Case {
    rule: &'static str,
    bad: fn(&mut Ops),
    good: fn(&mut Ops),
    /// The good example is a `transactional = false` revision.
    good_outside_transaction: bool,
    /// The good example's `allow_lint`.
    good_allows: &'static [&'static str],
}

const fn case(rule: &'static str, bad: fn(&mut Ops), good: fn(&mut Ops)) -> Case {
    Case {
        rule,
        bad,
        good,
        good_outside_transaction: false,
        good_allows: &[],
    }
}

const fn outside_transaction(mut c: Case) -> Case {
    c.good_outside_transaction = true;
    c
}

const fn allowing(mut c: Case, rules: &'static [&'static str]) -> Case {
    c.good_allows = rules;
    c
}

/// Every rule, in the order of `lint::RULES`.
fn cases() -> Vec<Case> {
    vec![
        outside_transaction(case(
            "add-index-without-concurrently",
            |op| {
                op.create_index("posts", ["author_id"]);
            },
            |op| {
                op.create_index("posts", ["author_id"]).concurrently();
            },
        )),
        outside_transaction(case(
            "drop-index-without-concurrently",
            |op| {
                op.drop_index("ix_posts_slug");
            },
            |op| {
                op.drop_index("ix_posts_slug").concurrently();
            },
        )),
        outside_transaction(case(
            "add-unique-constraint",
            |op| {
                op.create_unique("users", ["email"]);
            },
            |op| {
                op.create_index("users", ["email"]).unique().concurrently();
            },
        )),
        outside_transaction(case(
            "add-primary-key",
            |op| {
                op.create_primary_key("events", ["id"]);
            },
            |op| {
                op.create_index("events", ["id"]).unique().concurrently();
            },
        )),
        case(
            "add-foreign-key",
            |op| {
                op.create_foreign_key("posts", ["author_id"], "users", ["id"]);
            },
            |op| {
                op.execute(
                    "ALTER TABLE posts ADD CONSTRAINT fk_posts_author FOREIGN KEY (author_id) \
                     REFERENCES users (id) NOT VALID",
                )
                .reverse("ALTER TABLE posts DROP CONSTRAINT fk_posts_author");
            },
        ),
        case(
            "add-check-constraint",
            |op| {
                op.create_check("posts", "ck_title", "length(title) > 0");
            },
            |op| {
                op.execute(
                    "ALTER TABLE posts ADD CONSTRAINT ck_title CHECK (length(title) > 0) NOT VALID",
                )
                .reverse("ALTER TABLE posts DROP CONSTRAINT ck_title");
            },
        ),
        case(
            "set-not-null",
            |op| {
                op.alter_column("users", "email").set_not_null();
            },
            |op| {
                op.execute(
                    "ALTER TABLE users ADD CONSTRAINT ck_email_nn CHECK (email IS NOT NULL) NOT VALID",
                )
                .reverse("ALTER TABLE users DROP CONSTRAINT ck_email_nn");
            },
        ),
        case(
            "change-column-type",
            |op| {
                op.alter_column("events", "id").set_type(Type::BigInt);
            },
            |op| {
                op.alter_column("users", "name").set_type(Type::String(200));
                op.alter_column("users", "email").set_type(Type::Text);
            },
        ),
        case(
            "add-not-null-column-without-default",
            |op| {
                op.add_column("users", "plan", Type::Text).not_null();
            },
            |op| {
                op.add_column("users", "plan", Type::Text)
                    .not_null()
                    .default("free");
            },
        ),
        case(
            "add-column-volatile-default",
            |op| {
                op.add_column("users", "token", Type::Uuid)
                    .default_expr("gen_random_uuid()");
            },
            |op| {
                op.add_column("users", "token", Type::Uuid);
                op.alter_column("users", "token")
                    .set_default_expr("gen_random_uuid()");
            },
        ),
        case(
            "add-identity-column",
            |op| {
                op.add_column("events", "seq", Type::BigInt).identity();
            },
            |op| {
                op.add_column("events", "seq", Type::BigInt);
            },
        ),
        case(
            "add-stored-generated-column",
            |op| {
                op.add_column("users", "name_lower", Type::String(100))
                    .generated_stored("lower(name)");
            },
            |op| {
                op.add_column("users", "name_lower", Type::String(100))
                    .generated_virtual("lower(name)");
            },
        ),
        outside_transaction(case(
            "add-enum-value-in-transaction",
            |op| {
                op.add_enum_value("mood", "ecstatic");
            },
            |op| {
                op.add_enum_value("mood", "ecstatic");
            },
        )),
        case(
            "drop-enum-value",
            |op| {
                op.drop_enum_value("mood", "sad");
            },
            |op| {
                // A type no existing table uses yet.
                op.create_enum("size", ["s", "m", "l"]);
                op.drop_enum_value("size", "m");
            },
        ),
        case(
            "backfill-in-ddl-transaction",
            |op| {
                op.add_column("users", "plan", Type::Text);
                op.update("users").set("plan", "free");
            },
            |op| {
                op.update("users").set("bio", "");
            },
        ),
        case(
            "rename-column",
            |op| {
                op.alter_column("users", "name").rename_to("display_name");
            },
            |op| {
                op.add_column("users", "display_name", Type::String(100));
            },
        ),
        case(
            "rename-table",
            |op| {
                op.rename_table("posts", "articles");
            },
            |op| {
                op.create_table("articles", |t| {
                    t.column("id", Type::BigInt).primary_key();
                });
            },
        ),
        case(
            "rename-enum-value",
            |op| {
                op.rename_enum_value("mood", "sad", "blue");
            },
            |op| {
                op.add_enum_value("mood", "blue");
            },
        ),
        case(
            "rename-sequence",
            |op| {
                op.rename_sequence("invoice_numbers", "invoice_serials");
            },
            |op| {
                op.create_sequence("invoice_serials").start(1_000_000);
            },
        ),
        allowing(
            case(
                "drop-column",
                |op| {
                    op.drop_column("users", "bio");
                },
                |op| {
                    op.drop_column("users", "bio");
                },
            ),
            &["drop-column"],
        ),
        allowing(
            case(
                "drop-table",
                |op| {
                    op.drop_table("legacy_sessions");
                },
                |op| {
                    op.drop_table("legacy_sessions");
                },
            ),
            &["drop-table"],
        ),
        allowing(
            case(
                "drop-sequence",
                |op| {
                    op.drop_sequence("invoice_numbers");
                },
                |op| {
                    op.drop_sequence("invoice_numbers");
                },
            ),
            &["drop-sequence"],
        ),
        case(
            "downgrade-deletes-cascade",
            |op| {
                op.create_foreign_key("posts", ["author_id"], "users", ["id"])
                    .on_delete(FkAction::Cascade);
                op.bulk_insert("users", ["id", "name"], [row![1, "system"]]);
            },
            |op| {
                op.create_foreign_key("posts", ["author_id"], "users", ["id"])
                    .on_delete(FkAction::Restrict);
                op.bulk_insert("users", ["id", "name"], [row![1, "system"]]);
            },
        ),
        case(
            "raw-sql",
            |op| {
                op.execute("ALTER TABLE events ALTER COLUMN id TYPE bigint")
                    .reverse("ALTER TABLE events ALTER COLUMN id TYPE integer");
            },
            |op| {
                op.alter_column("events", "id").set_type(Type::BigInt);
            },
        ),
        case(
            "mysql-change-column-type",
            |op| {
                op.alter_column("events", "id").set_type(Type::BigInt);
            },
            |op| {
                // VARCHAR(100) to VARCHAR(200): both above 63 characters, one length byte size.
                op.alter_column("users", "name").set_type(Type::String(200));
            },
        ),
        case(
            "mysql-change-nullability",
            |op| {
                op.alter_column("users", "email").set_not_null();
            },
            |op| {
                op.add_column("users", "plan", Type::Text)
                    .not_null()
                    .default("free");
            },
        ),
        case(
            "mysql-drop-primary-key",
            |op| {
                op.drop_constraint("legacy_sessions", "pk_legacy_sessions");
            },
            |op| {
                op.execute("ALTER TABLE legacy_sessions DROP PRIMARY KEY, ADD PRIMARY KEY (id)")
                    .reverse("SELECT 1");
            },
        ),
        case(
            "mysql-add-foreign-key",
            |op| {
                op.add_column("posts", "editor_id", Type::BigInt)
                    .references("users", "id");
            },
            |op| {
                op.add_column("posts", "editor_id", Type::BigInt);
            },
        ),
        case(
            "mysql-fulltext-index",
            |op| {
                op.create_index("documents", ["body"]).using("fulltext");
            },
            |op| {
                op.create_table("notes", |t| {
                    t.column("id", Type::BigInt).primary_key();
                    t.column("body", Type::Text);
                });
                op.create_index("notes", ["body"]).using("fulltext");
            },
        ),
        case(
            "mysql-enum-value-not-at-end",
            |op| {
                op.add_enum_value("mood", "meh").before("happy");
            },
            |op| {
                op.add_enum_value("mood", "meh");
            },
        ),
    ]
}

/// The findings of a revision `0002_case` built by `build` on top of [`base`], for every
/// dialect.
fn lint_one(build: fn(&mut Ops), transactional: bool, allows: &[&str]) -> Vec<Finding> {
    let mut revision = Revision::new("0002_case", &["0001_base"], "the case", build);
    if !transactional {
        revision = revision.non_transactional();
    }
    let revision = revision.allow_lint(allows);
    // The example fits the schema (the replay takes every op; rendering is not the point).
    let mut schema = Schema::default();
    for op in base().upgrade.iter().chain(&revision.upgrade) {
        schema
            .apply(op)
            .unwrap_or_else(|e| panic!("the example replays: {}: {e}", op.describe()));
    }
    let migrator = Migrator::new(vec![base(), revision]).expect("a valid graph");
    lint::lint(&migrator, &Dialect::ALL, None).expect("lint runs")
}

#[test]
fn each_rule_flags_its_bad_example_and_not_its_good_one() {
    let cases = cases();
    let ids: Vec<&str> = cases.iter().map(|c| c.rule).collect();
    let rules: Vec<&str> = lint::RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids, rules, "one case per rule, in the rules' order");

    let mut reports = Vec::new();
    for case in &cases {
        let bad = lint_one(case.bad, true, &[]);
        let flagged: Vec<&Finding> = bad.iter().filter(|f| f.rule.id == case.rule).collect();
        assert!(
            !flagged.is_empty(),
            "{}: the bad example is not flagged: {bad:#?}",
            case.rule
        );
        for f in &flagged {
            assert_eq!(f.revision, "0002_case", "{}", case.rule);
            assert!(!f.allowed, "{}", case.rule);
            let rule = lint::rule(case.rule).expect("a rule");
            let expected: Vec<Dialect> = rule.dialects.to_vec();
            assert_eq!(f.dialects, expected, "{}", case.rule);
        }
        assert!(
            bad.iter().all(|f| f.revision == "0002_case"),
            "{}: the base revision creates its tables and is never flagged: {bad:#?}",
            case.rule
        );

        let good = lint_one(case.good, !case.good_outside_transaction, case.good_allows);
        let unallowed: Vec<&Finding> = good
            .iter()
            .filter(|f| f.rule.id == case.rule && !f.allowed)
            .collect();
        assert!(
            unallowed.is_empty(),
            "{}: the good example is flagged: {unallowed:#?}",
            case.rule
        );
        if !case.good_allows.is_empty() {
            assert!(
                good.iter().any(|f| f.rule.id == case.rule && f.allowed),
                "{}: the allowed finding is still reported, as allowed",
                case.rule
            );
            assert!(Summary::of(&good).passed(), "{}", case.rule);
        }
        reports.push(format!("## {}\n{}", case.rule, lint::report(&bad)));
    }
    insta::assert_snapshot!("bad_examples", reports.join("\n\n"));
}

#[test]
fn ops_on_a_table_created_in_the_same_revision_are_never_flagged() {
    let findings = lint_one(
        |op| {
            op.create_enum("state", ["new", "done"]);
            op.create_table("jobs", |t| {
                t.column("id", Type::Integer).not_null();
                t.column("owner_id", Type::BigInt);
                t.column("title", Type::String(100));
                t.column("state", Type::enumeration("state"));
                t.column("obsolete", Type::Text);
            });
            op.create_index("jobs", ["title"]);
            op.create_index("jobs", ["obsolete"]).using("fulltext");
            op.create_unique("jobs", ["title"]);
            op.create_primary_key("jobs", ["id"]);
            op.create_foreign_key("jobs", ["owner_id"], "users", ["id"]);
            op.create_check("jobs", "ck_jobs_title", "title <> ''");
            op.alter_column("jobs", "title").set_not_null();
            op.alter_column("jobs", "id").set_type(Type::BigInt);
            op.add_column("jobs", "priority", Type::Integer).not_null();
            op.add_column("jobs", "token", Type::Uuid)
                .default_expr("gen_random_uuid()");
            op.add_column("jobs", "seq", Type::BigInt).identity();
            op.add_enum_value("state", "running").before("done");
            op.drop_enum_value("state", "new");
            op.update("jobs").set("priority", 1);
            op.alter_column("jobs", "owner_id").rename_to("user_id");
            op.drop_index("ix_jobs_title");
            op.drop_column("jobs", "token");
            op.rename_table("jobs", "tasks");
            op.drop_constraint("tasks", "pk_jobs");
            op.drop_table("tasks");
        },
        true,
        &[],
    );
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn a_column_added_in_the_same_revision_may_be_renamed_and_dropped_but_not_rewritten() {
    let findings = lint_one(
        |op| {
            op.add_column("users", "plan", Type::String(20));
            op.alter_column("users", "plan").rename_to("tier");
            op.alter_column("users", "tier").set_type(Type::Integer);
            op.alter_column("users", "tier").set_not_null();
            op.drop_column("users", "tier");
        },
        true,
        &[],
    );
    let rules: Vec<(&str, usize)> = findings.iter().map(|f| (f.rule.id, f.op_index)).collect();
    assert_eq!(
        rules,
        [
            ("change-column-type", 3),
            ("mysql-change-column-type", 3),
            ("set-not-null", 4),
            ("mysql-change-nullability", 4),
        ]
    );
}

#[test]
fn allow_lint_reports_the_finding_as_allowed_and_passes() {
    let findings = lint_one(
        |op| {
            op.alter_column("users", "name").rename_to("display_name");
            op.drop_column("users", "bio");
        },
        true,
        &["rename-column"],
    );
    let seen: Vec<(&str, bool)> = findings.iter().map(|f| (f.rule.id, f.allowed)).collect();
    assert_eq!(seen, [("rename-column", true), ("drop-column", false)]);
    let summary = Summary::of(&findings);
    assert_eq!((summary.errors, summary.allowed), (1, 1));
    assert!(!summary.passed());
    assert!(findings[0].to_string().contains("allowed by allow_lint"));
}

#[test]
fn the_dialects_linted_choose_the_rules() {
    let migrator = Migrator::new(vec![
        base(),
        Revision::new("0002_case", &["0001_base"], "type", |op| {
            op.alter_column("events", "id").set_type(Type::BigInt);
            op.create_index("posts", ["author_id"]);
        }),
    ])
    .expect("valid");
    let rules = |dialects: &[Dialect]| -> Vec<(&'static str, Vec<Dialect>)> {
        lint::lint(&migrator, dialects, None)
            .expect("lint")
            .into_iter()
            .map(|f| (f.rule.id, f.dialects))
            .collect()
    };
    assert_eq!(rules(&[Dialect::Sqlite]), []);
    assert_eq!(
        rules(&[Dialect::Mariadb]),
        [("mysql-change-column-type", vec![Dialect::Mariadb])]
    );
    assert_eq!(
        rules(&[Dialect::Postgres]),
        [
            ("change-column-type", vec![Dialect::Postgres]),
            ("add-index-without-concurrently", vec![Dialect::Postgres])
        ]
    );
}

#[test]
fn an_index_or_check_some_dialects_have_is_judged_on_those_only() {
    let migrator = Migrator::new(vec![
        base(),
        Revision::new("0002_case", &["0001_base"], "per dialect", |op| {
            op.create_index("posts", ["author_id"])
                .only_on(&[Dialect::Mysql]);
            op.create_index("posts", ["slug"])
                .only_on(&[Dialect::Postgres]);
        }),
    ])
    .expect("valid");
    let findings: Vec<(&'static str, String, Vec<Dialect>)> =
        lint::lint(&migrator, &Dialect::ALL, None)
            .expect("lint")
            .into_iter()
            .map(|f| (f.rule.id, f.op, f.dialects))
            .collect();
    // The MySQL-only index is no PostgreSQL lock: only the PostgreSQL one is flagged.
    assert_eq!(
        findings,
        [(
            "add-index-without-concurrently",
            "create_index(ix_posts_slug)".to_owned(),
            vec![Dialect::Postgres]
        )]
    );
}

#[test]
fn raw_sql_and_data_changes_some_dialects_run_are_judged_on_those_only() {
    let migrator = Migrator::new(vec![
        base(),
        Revision::new("0002_case", &["0001_base"], "per dialect", |op| {
            op.add_column("users", "plan", Type::Text);
            op.only_on(&[Dialect::Sqlite], |op| {
                op.execute("UPDATE users SET plan = 'free'");
                // A backfill beside a schema change is a PostgreSQL lock concern only.
                op.update("users").set("plan", "free");
            });
            op.only_on(&[Dialect::Postgres], |op| {
                op.update("users").set("plan", "basic");
            });
        }),
    ])
    .expect("valid");
    let findings: Vec<(&'static str, String, Vec<Dialect>)> =
        lint::lint(&migrator, &Dialect::ALL, None)
            .expect("lint")
            .into_iter()
            .map(|f| (f.rule.id, f.op, f.dialects))
            .collect();
    assert_eq!(
        findings,
        [
            (
                "raw-sql",
                "execute(raw SQL)".to_owned(),
                vec![Dialect::Sqlite]
            ),
            (
                "backfill-in-ddl-transaction",
                "update(users)".to_owned(),
                vec![Dialect::Postgres]
            ),
        ],
        "{findings:#?}"
    );
}

#[test]
fn a_range_lints_its_revisions_over_the_schema_of_the_earlier_ones() {
    let migrator = Migrator::new(vec![
        base(),
        Revision::new("0002_rename", &["0001_base"], "rename", |op| {
            op.alter_column("users", "name").rename_to("display_name");
        }),
        Revision::new("0003_index", &["0002_rename"], "index", |op| {
            op.create_index("users", ["display_name"]);
        }),
    ])
    .expect("valid");
    let revisions = |range: Option<&str>| -> Vec<String> {
        lint::lint(&migrator, &[Dialect::Postgres], range)
            .expect("lint")
            .into_iter()
            .map(|f| f.revision)
            .collect()
    };
    assert_eq!(revisions(None), ["0002_rename", "0003_index"]);
    assert_eq!(revisions(Some("0003_index")), ["0003_index"]);
    assert_eq!(revisions(Some("0003:")), ["0003_index"]);
    assert_eq!(revisions(Some(":0002")), ["0002_rename"]);
    assert_eq!(
        lint::revisions_in(&migrator, Some("0002:")).expect("range"),
        ["0002_rename", "0003_index"]
    );
    assert!(lint::lint(&migrator, &[Dialect::Postgres], Some("nope")).is_err());
}

#[test]
fn every_rule_is_documented_with_examples_and_a_severity() {
    for rule in &lint::RULES {
        assert!(!rule.bad.is_empty() && !rule.good.is_empty(), "{}", rule.id);
        assert!(
            rule.reason.len() > 30 && rule.instead.len() > 20,
            "{}",
            rule.id
        );
    }
    let raw = lint::rule("raw-sql").expect("raw-sql");
    assert_eq!(raw.severity, Severity::Info);
    let readme = include_str!("../../README.md");
    for rule in &lint::RULES {
        assert!(
            readme.contains(&format!("`{}`", rule.id)),
            "the README's Lint section lists `{}`",
            rule.id
        );
    }
}

/// tests/fixtures/lint, as `#[migration]` and `migrations!` build it (`allow_lint` included).
static FIXTURE: schema_runtime::Migrations = schema_runtime::migrations!("fixtures/lint");

#[test]
fn lint_tests_fail_with_the_report_of_the_errors_and_pass_on_a_clean_range() {
    let failure = std::panic::catch_unwind(|| {
        schema_runtime::testing::assert_lint_passes(&FIXTURE, None);
    })
    .expect_err("0002_risky builds an index without CONCURRENTLY");
    let message = failure
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        message.contains(
            "error[add-index-without-concurrently]: create_index(ix_accounts_name) in revision \
             `0002_risky` (op 1, postgres)"
        ),
        "{message}"
    );
    assert!(message.contains("allowed by allow_lint"), "{message}");
    assert!(message.contains("allow_lint = [\"RULE\"]"), "{message}");
    schema_runtime::testing::assert_lint_passes(&FIXTURE, Some("0003_online:"));

    // The attribute carried `allow_lint` into the revision the lint reads.
    let migrator = Migrator::from_migrations(&FIXTURE).expect("valid");
    let risky = migrator.revision("0002_risky").expect("0002");
    assert_eq!(risky.allow_lint, ["set-not-null"]);
    assert_eq!(
        migrator
            .header("0004_drop_legacy")
            .expect("0004")
            .allow_lint,
        ["drop-column", "drop-index-without-concurrently"]
    );
}

#[test]
fn defaults_comments_nullable_columns_and_safe_widening_are_fine() {
    let findings = lint_one(
        |op| {
            op.alter_column("users", "bio").set_default("");
            op.alter_column("users", "name")
                .set_default_expr("'anonymous'");
            op.alter_column("users", "bio").drop_default();
            op.alter_column("users", "name").set_nullable();
            op.alter_column("users", "email").set_comment(Some("login"));
            op.set_table_comment("users", Some("people"));
            op.add_column("users", "seen_at", Type::TimestampTz)
                .default_now();
            op.add_column("users", "score", Type::Integer)
                .not_null()
                .default(0);
            op.add_column("users", "nickname", Type::String(40));
            op.alter_column("users", "email")
                .set_type(Type::String(300));
            op.add_enum_value("mood", "ecstatic").after("happy");
            op.bulk_insert("users", ["name"], vec![row!["root"]]);
        },
        false,
        &[],
    );
    // Only MySQL's rebuild for the nullability change.
    let rules: Vec<&str> = findings.iter().map(|f| f.rule.id).collect();
    assert_eq!(rules, ["mysql-change-nullability"], "{findings:#?}");
}

/// A change whose cost a rule predicts, checked on a real server: `before` builds the table
/// (one row in it), `change` is the op judged.
struct Probe {
    name: &'static str,
    before: fn(&mut Ops),
    change: fn(&mut Ops),
    /// The rule that says the change rewrites (PostgreSQL) or copies / blocks (MySQL family).
    rule: &'static str,
    /// MySQL family: what each ALTER of the change is run with; refused when it copies the
    /// table (`ALGORITHM=INPLACE`) or blocks writes (`LOCK=NONE`).
    clause: &'static str,
}

fn table_with(column: Type) -> fn(&mut Ops) {
    // A fn pointer per type: the probes are plain data.
    match column {
        Type::Integer => |op| one_column(op, Type::Integer),
        Type::String(10) => |op| one_column(op, Type::String(10)),
        Type::String(20) => |op| one_column(op, Type::String(20)),
        Type::String(60) => |op| one_column(op, Type::String(60)),
        Type::String(100) => |op| one_column(op, Type::String(100)),
        Type::Text => |op| one_column(op, Type::Text),
        Type::Numeric(10, 2) => |op| one_column(op, Type::Numeric(10, 2)),
        other => panic!("no probe table for {other}"),
    }
}

fn one_column(op: &mut Ops, ty: Type) {
    op.create_table("t", |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("c", ty);
    });
}

fn probe_migrator(probe: &Probe) -> Migrator {
    Migrator::new(vec![
        Revision::new("0001", &[], "before", probe.before),
        Revision::new("0002", &["0001"], "change", probe.change),
    ])
    .expect("valid")
}

/// Whether lint flags `probe.rule` on the change, for `dialect`.
fn predicted(probe: &Probe, dialect: Dialect) -> bool {
    lint::lint(&probe_migrator(probe), &[dialect], Some("0002"))
        .expect("lint")
        .iter()
        .any(|f| f.rule.id == probe.rule)
}

/// Runs the probe's first revision and a row on a fresh database; returns the statements of
/// its change.
async fn prepare(
    db: &mut schema_runtime::Database,
    probe: &Probe,
    dialect: Dialect,
) -> Vec<String> {
    let migrator = probe_migrator(probe);
    let steps = migrator
        .plan_upgrade(dialect, &[], "head")
        .unwrap_or_else(|e| panic!("{}: {e}", probe.name));
    for sql in &steps[0].statements {
        db.raw()
            .execute(sql)
            .await
            .unwrap_or_else(|e| panic!("{}: {sql}: {e}", probe.name));
    }
    let table = dialect.quote("t");
    db.raw()
        .execute(&format!("INSERT INTO {table} (id) VALUES (1)"))
        .await
        .unwrap_or_else(|e| panic!("{}: insert: {e}", probe.name));
    steps[1].statements.clone()
}

fn postgres_probes() -> Vec<Probe> {
    let probe = |name, before, change: fn(&mut Ops), rule| Probe {
        name,
        before,
        change,
        rule,
        clause: "",
    };
    vec![
        probe(
            "integer to bigint",
            table_with(Type::Integer),
            |op| {
                op.alter_column("t", "c").set_type(Type::BigInt);
            },
            "change-column-type",
        ),
        probe(
            "varchar(10) to varchar(20)",
            table_with(Type::String(10)),
            |op| {
                op.alter_column("t", "c").set_type(Type::String(20));
            },
            "change-column-type",
        ),
        probe(
            "varchar(20) to varchar(10)",
            table_with(Type::String(20)),
            |op| {
                op.alter_column("t", "c").set_type(Type::String(10));
            },
            "change-column-type",
        ),
        probe(
            "varchar(20) to text",
            table_with(Type::String(20)),
            |op| {
                op.alter_column("t", "c").set_type(Type::Text);
            },
            "change-column-type",
        ),
        probe(
            "text to varchar(20)",
            table_with(Type::Text),
            |op| {
                op.alter_column("t", "c").set_type(Type::String(20));
            },
            "change-column-type",
        ),
        probe(
            "numeric(10,2) to numeric(12,2)",
            table_with(Type::Numeric(10, 2)),
            |op| {
                op.alter_column("t", "c").set_type(Type::Numeric(12, 2));
            },
            "change-column-type",
        ),
        probe(
            "numeric(10,2) to numeric(12,3)",
            table_with(Type::Numeric(10, 2)),
            |op| {
                op.alter_column("t", "c").set_type(Type::Numeric(12, 3));
            },
            "change-column-type",
        ),
        probe(
            "integer to integer using",
            table_with(Type::Integer),
            |op| {
                op.alter_column("t", "c")
                    .set_type_using(Type::BigInt, "c::bigint");
            },
            "change-column-type",
        ),
        probe(
            "stored generated column",
            table_with(Type::Integer),
            |op| {
                op.add_column("t", "g", Type::Integer)
                    .generated_stored(r#""c" * 2"#);
            },
            "add-stored-generated-column",
        ),
        probe(
            "column with gen_random_uuid()",
            table_with(Type::Integer),
            |op| {
                op.add_column("t", "token", Type::Uuid)
                    .default_expr("gen_random_uuid()");
            },
            "add-column-volatile-default",
        ),
        probe(
            "column with random()",
            table_with(Type::Integer),
            |op| {
                op.add_column("t", "r", Type::Double)
                    .default_expr("random()");
            },
            "add-column-volatile-default",
        ),
        probe(
            "column with now()",
            table_with(Type::Integer),
            |op| {
                op.add_column("t", "at", Type::TimestampTz).default_now();
            },
            "add-column-volatile-default",
        ),
        probe(
            "column with a constant",
            table_with(Type::Integer),
            |op| {
                op.add_column("t", "n", Type::Integer).not_null().default(0);
            },
            "add-column-volatile-default",
        ),
        probe(
            "identity column",
            table_with(Type::Integer),
            |op| {
                op.add_column("t", "seq", Type::BigInt).identity();
            },
            "add-identity-column",
        ),
    ]
}

#[test]
fn the_rewrite_rules_agree_with_postgresql() {
    block_on(async {
        let Some(test_db) = TestDb::create(Dialect::Postgres, "lint_rewrites").await else {
            return;
        };
        let mut db = test_db.connect().await;
        let mut disagreements = Vec::new();
        for probe in postgres_probes() {
            db.raw()
                .execute("DROP TABLE IF EXISTS t")
                .await
                .expect("drop");
            let change = prepare(&mut db, &probe, Dialect::Postgres).await;
            let filenode = "SELECT pg_relation_filenode('t')::text";
            let before = db.raw().fetch_strings(filenode).await.expect("filenode");
            for sql in &change {
                db.raw()
                    .execute(sql)
                    .await
                    .unwrap_or_else(|e| panic!("{}: {sql}: {e}", probe.name));
            }
            let after = db.raw().fetch_strings(filenode).await.expect("filenode");
            let rewritten = before != after;
            let flagged = predicted(&probe, Dialect::Postgres);
            if rewritten != flagged {
                disagreements.push(format!(
                    "{}: PostgreSQL {} the table, lint {} `{}`",
                    probe.name,
                    if rewritten { "rewrote" } else { "kept" },
                    if flagged { "flags" } else { "does not flag" },
                    probe.rule
                ));
            }
        }
        drop(db);
        test_db.drop_db().await;
        assert!(disagreements.is_empty(), "{disagreements:#?}");
    });
}

fn mysql_probes() -> Vec<Probe> {
    const COPY: &str = "ALGORITHM=INPLACE";
    const BLOCKS: &str = "LOCK=NONE";
    let probe = |name, before, change: fn(&mut Ops), rule, clause| Probe {
        name,
        before,
        change,
        rule,
        clause,
    };
    vec![
        // A STORED generated column is computed into a copy of the table; a VIRTUAL one is
        // added in place.
        probe(
            "stored generated column",
            table_with(Type::Integer),
            |op| {
                op.add_column("t", "g", Type::Integer)
                    .generated_stored(r#""c" * 2"#);
            },
            "add-stored-generated-column",
            COPY,
        ),
        probe(
            "virtual generated column",
            table_with(Type::Integer),
            |op| {
                op.add_column("t", "g", Type::Integer)
                    .generated_virtual(r#""c" * 2"#);
            },
            "add-stored-generated-column",
            COPY,
        ),
        probe(
            "int to bigint",
            table_with(Type::Integer),
            |op| {
                op.alter_column("t", "c").set_type(Type::BigInt);
            },
            "mysql-change-column-type",
            COPY,
        ),
        probe(
            "varchar(10) to varchar(20)",
            table_with(Type::String(10)),
            |op| {
                op.alter_column("t", "c").set_type(Type::String(20));
            },
            "mysql-change-column-type",
            COPY,
        ),
        probe(
            "varchar(60) to varchar(100): 240 to 400 bytes",
            table_with(Type::String(60)),
            |op| {
                op.alter_column("t", "c").set_type(Type::String(100));
            },
            "mysql-change-column-type",
            COPY,
        ),
        probe(
            "varchar(100) to varchar(200)",
            table_with(Type::String(100)),
            |op| {
                op.alter_column("t", "c").set_type(Type::String(200));
            },
            "mysql-change-column-type",
            COPY,
        ),
        probe(
            "varchar(20) to text",
            table_with(Type::String(20)),
            |op| {
                op.alter_column("t", "c").set_type(Type::Text);
            },
            "mysql-change-column-type",
            COPY,
        ),
        probe(
            "NOT NULL to nullable: rebuilt in place",
            |op| {
                op.create_table("t", |t| {
                    t.column("id", Type::BigInt).primary_key();
                    t.column("c", Type::Integer).not_null().default(0);
                });
            },
            |op| {
                op.alter_column("t", "c").set_nullable();
            },
            "mysql-change-column-type",
            COPY,
        ),
        probe(
            "foreign key",
            |op| {
                one_column(op, Type::BigInt);
                op.create_table("r", |t| {
                    t.column("id", Type::BigInt).primary_key();
                });
            },
            |op| {
                op.create_foreign_key("t", ["c"], "r", ["id"]);
            },
            "mysql-add-foreign-key",
            COPY,
        ),
        probe(
            "drop the primary key",
            table_with(Type::Integer),
            |op| {
                op.drop_constraint("t", "pk_t");
            },
            "mysql-drop-primary-key",
            COPY,
        ),
        probe(
            "first FULLTEXT index",
            table_with(Type::String(100)),
            |op| {
                op.create_index("t", ["c"]).using("fulltext");
            },
            "mysql-fulltext-index",
            BLOCKS,
        ),
        probe(
            "enum value at the end",
            |op| {
                op.create_enum("mood", ["sad", "happy"]);
                one_column(op, Type::enumeration("mood"));
            },
            |op| {
                op.add_enum_value("mood", "ecstatic");
            },
            "mysql-enum-value-not-at-end",
            COPY,
        ),
        probe(
            "enum value in the middle",
            |op| {
                op.create_enum("mood", ["sad", "happy"]);
                one_column(op, Type::enumeration("mood"));
            },
            |op| {
                op.add_enum_value("mood", "meh").before("happy");
            },
            "mysql-enum-value-not-at-end",
            COPY,
        ),
        probe(
            "rename an enum value",
            |op| {
                op.create_enum("mood", ["sad", "happy"]);
                one_column(op, Type::enumeration("mood"));
            },
            |op| {
                op.rename_enum_value("mood", "sad", "blue");
            },
            "rename-enum-value",
            COPY,
        ),
        probe(
            "drop an enum value",
            |op| {
                op.create_enum("mood", ["sad", "meh", "happy"]);
                one_column(op, Type::enumeration("mood"));
            },
            |op| {
                op.drop_enum_value("mood", "meh");
            },
            "drop-enum-value",
            COPY,
        ),
    ]
}

#[test]
fn the_copy_rules_agree_with_mariadb() {
    block_on(async {
        let Some(test_db) = TestDb::create(Dialect::Mariadb, "lint_copies").await else {
            return;
        };
        let mut db = test_db.connect().await;
        let mut disagreements = Vec::new();
        for probe in mysql_probes() {
            for table in ["t", "r"] {
                db.raw()
                    .execute(&format!("DROP TABLE IF EXISTS `{table}`"))
                    .await
                    .expect("drop");
            }
            let change = prepare(&mut db, &probe, Dialect::Mariadb).await;
            let mut refused = None;
            for sql in &change {
                // `ALTER TABLE .., LOCK=NONE`, `CREATE INDEX .. ON t (c) LOCK=NONE`.
                let sql = if sql.starts_with("ALTER TABLE") {
                    format!("{sql}, {}", probe.clause)
                } else if sql.starts_with("CREATE") && sql.contains("INDEX") {
                    format!("{sql} {}", probe.clause)
                } else {
                    sql.clone()
                };
                if let Err(e) = db.raw().execute(&sql).await {
                    refused = Some(format!("{sql}: {e}"));
                    break;
                }
            }
            // Refused for the algorithm or the lock (1845/1846 "... is not supported. Reason:
            // ..."), not for the SQL itself.
            if let Some(error) = refused.as_ref().filter(|e| !e.contains("is not supported")) {
                disagreements.push(format!(
                    "{}: refused for another reason: {error}",
                    probe.name
                ));
            }
            let flagged = predicted(&probe, Dialect::Mariadb);
            if refused.is_some() != flagged {
                disagreements.push(format!(
                    "{}: MariaDB {} {}, lint {} `{}`",
                    probe.name,
                    if refused.is_some() { "refused" } else { "took" },
                    probe.clause,
                    if flagged { "flags" } else { "does not flag" },
                    probe.rule
                ));
                disagreements.extend(refused);
            }
        }
        drop(db);
        test_db.drop_db().await;
        assert!(disagreements.is_empty(), "{disagreements:#?}");
    });
}

#[test]
fn an_allow_that_allows_nothing_is_reported_unless_its_rule_is_not_linted() {
    let migrator = Migrator::new(vec![
        base(),
        Revision::new("0002_case", &["0001_base"], "rename", |op| {
            op.alter_column("users", "name").rename_to("display_name");
        })
        .allow_lint(&["rename-column", "drop-table", "mysql-drop-primary-key"]),
    ])
    .expect("valid");
    let unused = |dialects: &[Dialect]| {
        let findings = lint::lint(&migrator, dialects, None).expect("lint");
        lint::unused_allows(&migrator, dialects, None, &findings).expect("unused")
    };
    let pair = |rule: &str| ("0002_case".to_owned(), rule.to_owned());
    assert_eq!(
        unused(&Dialect::ALL),
        [pair("drop-table"), pair("mysql-drop-primary-key")]
    );
    // The MySQL rule could not fire on PostgreSQL.
    assert_eq!(unused(&[Dialect::Postgres]), [pair("drop-table")]);
}
