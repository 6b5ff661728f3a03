//! Property tests. Identifiers (dots, quotes, backticks, `;`, `--`, spaces, unicode) and values
//! (quotes, backslashes, comment markers, newlines, unicode) through every kind of op, online
//! on each database and offline through each database's own client, with a canary table that
//! must survive; and no panic on any input for the target grammar, the revision header reader
//! and the graph builder.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use schema_runtime::graph::{NodeSpec, RevisionGraph, Target};
use schema_runtime::introspect::{introspect, IntrospectOptions};
use schema_runtime::prelude::*;
use schema_runtime::{Database, Dialect, Migrator, Revision};
use schema_tests::{all_databases, block_on, dump_rows, dump_schema, run_client, TestDb};

/// A name of 1 to 10 characters from an alphabet of trouble, after a fixed first letter (so
/// the names of one case differ, also for MySQL's case-insensitive column names); never ending
/// with a space, which MySQL refuses (tested apart).
fn ident(first: char) -> impl Strategy<Value = String> {
    let alphabet: Vec<char> = "aZ09._\"`'; -$%éß中ñ\\".chars().collect();
    proptest::collection::vec(proptest::sample::select(alphabet), 1..10).prop_map(move |chars| {
        let mut name: String = std::iter::once(first).chain(chars).collect();
        while name.ends_with(' ') {
            name.pop();
        }
        name
    })
}

/// A text value: quotes, backslashes, comment markers, newlines, `%`, unicode (no NUL, which is
/// refused apart).
fn text() -> impl Strategy<Value = String> {
    let alphabet: Vec<char> = "a '\"\\;-/*%_\n\té中🦀$".chars().collect();
    proptest::collection::vec(proptest::sample::select(alphabet), 0..24)
        .prop_map(|chars| chars.into_iter().collect())
}

/// The canary: a table made before, that every case must leave alone.
fn canary() -> Revision {
    Revision::new("0001", &[], "canary", |op| {
        op.create_table("canary", |t| {
            t.column("id", Type::Integer).primary_key();
            t.column("note", Type::String(50)).not_null();
        });
        op.bulk_insert("canary", ["id", "note"], [row![1, "still here"]]);
    })
}

/// Every op family over the generated names: a table with a column, an index, an enum type
/// (PostgreSQL's own, MySQL's inline, SQLite's text) whose values are renamed, a row with the
/// generated value, then a rename of the table and of the column.
fn case(table: &str, column: &str, index: &str, kind: &str, value: &str) -> Migrator {
    let (t, c, i, k, v) = (
        table.to_owned(),
        column.to_owned(),
        index.to_owned(),
        kind.to_owned(),
        value.to_owned(),
    );
    Migrator::new(vec![
        canary(),
        Revision::new("0002", &["0001"], "generated names", move |op| {
            op.create_enum(&k, ["a", "b"]);
            op.create_table(&t, |tb| {
                tb.column("id", Type::Integer).primary_key();
                tb.column(&c, Type::String(100));
                tb.column("kind", Type::enumeration(&k)).default("a");
            });
            op.create_index(&t, [c.as_str()]).name(&i);
            op.bulk_insert(&t, ["id", c.as_str(), "kind"], [row![1, v.as_str(), "b"]]);
            op.rename_enum_value(&k, "b", "bee");
            op.add_enum_value(&k, "c");
        }),
        Revision::new("0003", &["0002"], "renames", {
            let (table, column) = (table.to_owned(), column.to_owned());
            move |op| {
                op.alter_column(&table, &column)
                    .rename_to(&format!("{column}2"));
                op.rename_table(&table, &format!("{table}2"));
            }
        }),
    ])
    .expect("three revisions in a line")
}

/// What one case leaves: the schema and the generated table's rows, and the canary's.
async fn state(db: &mut Database, table: &str, column: &str) -> String {
    let mut out = dump_schema(db).await;
    out.push_str(
        &dump_rows(
            db,
            &format!("{table}2"),
            &["id", &format!("{column}2"), "kind"],
        )
        .await,
    );
    out.push_str(&dump_rows(db, "canary", &["id", "note"]).await);
    out
}

#[test]
fn generated_identifiers_and_values_round_trip_online_and_offline() {
    let dbs: Vec<TestDb> = block_on(all_databases("props"));
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (ident('t'), ident('c'), ident('i'), ident('k'), text());
    let result = runner.run(&strategy, |(table, column, index, kind, value)| {
        for test_db in &dbs {
            block_on(check_case(test_db, &table, &column, &index, &kind, &value))
                .map_err(TestCaseError::fail)?;
        }
        Ok(())
    });
    block_on(async {
        for db in dbs {
            db.drop_db().await;
        }
    });
    result.unwrap();
}

async fn check_case(
    test_db: &TestDb,
    table: &str,
    column: &str,
    index: &str,
    kind: &str,
    value: &str,
) -> Result<(), String> {
    let d = test_db.dialect;
    let migrator = case(table, column, index, kind, value);
    let mut db = test_db.connect().await;
    let fail = |what: String| {
        format!("{d}, table {table:?}, column {column:?}, index {index:?}, enum {kind:?}, value {value:?}: {what}")
    };

    // Online: up, read back exactly, down to the canary, down to nothing.
    migrator
        .upgrade(&mut db, "head")
        .await
        .map_err(|e| fail(format!("upgrade: {e}")))?;
    let online = state(&mut db, table, column).await;
    let live = introspect(&mut db, &IntrospectOptions::default())
        .await
        .map_err(|e| fail(format!("introspect: {e}")))?;
    let renamed = format!("{table}2");
    let t = live
        .table(&renamed)
        .ok_or_else(|| fail(format!("no table {renamed:?} in {online}")))?;
    if t.def.column(&format!("{column}2")).is_none() || !t.indexes.iter().any(|i| i.name == index) {
        return Err(fail(format!("names not kept: {online}")));
    }
    // Adopted: the source autogenerate writes parses as Rust and spells every name exactly
    // (the corpus in tests/brownfield/*/identifiers.sql compiles such a file).
    let adoption = schema_runtime::autogen::adopt(&live, false, Vec::new());
    let body = schema_runtime::autogen::render_ops(
        &adoption.changes,
        &schema_runtime::NamingConvention::default(),
    );
    let source = format!("fn upgrade(op: &mut Ops) {{\n{body}}}");
    let file: syn::File = syn::parse_str(&source)
        .map_err(|e| fail(format!("adopt writes no Rust ({e}):\n{source}")))?;
    let literals = string_literals(&file);
    for name in [&renamed, &format!("{column}2"), &index.to_owned()] {
        if !literals.contains(name) {
            return Err(fail(format!("adopt does not spell {name:?}:\n{source}")));
        }
    }
    let expected_row = format!("{renamed}: 1 | {value} | bee\n");
    if !online.contains(&expected_row) || !online.contains("canary: 1 | still here") {
        return Err(fail(format!("rows not kept:\n{online}")));
    }
    migrator
        .downgrade(&mut db, "0001")
        .await
        .map_err(|e| fail(format!("downgrade: {e}")))?;
    let after = dump_schema(&mut db).await;
    if after.contains(&renamed)
        || !dump_rows(&mut db, "canary", &["id", "note"])
            .await
            .contains("still here")
    {
        return Err(fail(format!("downgrade left:\n{after}")));
    }
    migrator
        .downgrade(&mut db, "base")
        .await
        .map_err(|e| fail(format!("downgrade base: {e}")))?;

    // Offline: the same revisions as a script through the database's own client.
    let steps = migrator
        .plan_upgrade(d, &[], "head")
        .map_err(|e| fail(format!("plan: {e}")))?;
    let script = schema_runtime::cli::script(migrator.version_table(), d, &steps);
    if let Some(output) = run_client(test_db, &script) {
        if !output.status.success() {
            return Err(fail(format!(
                "the client refused the script: {}\n{script}",
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        let offline = state(&mut db, table, column).await;
        if offline != online {
            return Err(fail(format!(
                "offline differs from online:\n--- online\n{online}\n--- offline\n{offline}"
            )));
        }
        migrator
            .downgrade(&mut db, "base")
            .await
            .map_err(|e| fail(format!("downgrade after the script: {e}")))?;
    }
    Ok(())
}

/// Every string literal of `file`, unescaped.
fn string_literals(file: &syn::File) -> Vec<String> {
    struct Strings(Vec<String>);
    impl<'ast> syn::visit::Visit<'ast> for Strings {
        fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
            self.0.push(lit.value());
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            // `row![..]` and the like: their tokens are not parsed as expressions.
            let mut tokens = vec![mac.tokens.clone()];
            while let Some(stream) = tokens.pop() {
                for tree in stream {
                    match tree {
                        proc_macro2::TokenTree::Group(g) => tokens.push(g.stream()),
                        proc_macro2::TokenTree::Literal(l) => {
                            if let Ok(s) = syn::parse_str::<syn::LitStr>(&l.to_string()) {
                                self.0.push(s.value());
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    let mut strings = Strings(Vec::new());
    syn::visit::visit_file(&mut strings, file);
    strings.0
}

#[test]
fn names_and_values_no_database_takes_are_refused_before_anything_runs() {
    let mut op = Ops::new();
    op.create_table("ends with a space ", |t| {
        t.column("id", Type::Integer);
    });
    let schema = schema_runtime::Schema::default();
    for d in [Dialect::Mysql, Dialect::Mariadb] {
        let err = d.render(&op.ops()[0], &schema).unwrap_err().to_string();
        assert!(err.contains("ends with a space"), "{d}: {err}");
    }
    assert!(Dialect::Postgres.render(&op.ops()[0], &schema).is_ok());

    // MySQL counts 64 characters, not bytes: 30 three-byte characters fit, 65 do not.
    let mut op = Ops::new();
    op.create_table(&"中".repeat(30), |t| {
        t.column("id", Type::Integer);
    });
    op.create_table(&"中".repeat(65), |t| {
        t.column("id", Type::Integer);
    });
    assert!(Dialect::Mariadb.render(&op.ops()[0], &schema).is_ok());
    let long = Dialect::Mariadb
        .render(&op.ops()[1], &schema)
        .unwrap_err()
        .to_string();
    assert!(
        long.contains("65 characters long and MariaDB allows 64"),
        "{long}"
    );
    let pg = Dialect::Postgres
        .render(&op.ops()[0], &schema)
        .unwrap_err()
        .to_string();
    assert!(
        pg.contains("90 bytes long and PostgreSQL allows 63"),
        "{pg}"
    );

    // NUL: named, with the op, before any statement.
    let mut setup = Ops::new();
    setup.create_table("notes", |t| {
        t.column("body", Type::Text);
    });
    let mut schema = schema_runtime::Schema::default();
    schema.apply(&setup.ops()[0]).unwrap();
    let mut op = Ops::new();
    op.bulk_insert("notes", ["body"], [row!["a\0b"]]);
    for d in Dialect::ALL {
        let err = d.render(&op.ops()[0], &schema).unwrap_err().to_string();
        assert!(
            err.contains("bulk_insert(notes)") && err.contains("NUL"),
            "{d}: {err}"
        );
    }
}

proptest! {
    #![proptest_config(Config { cases: 2000, failure_persistence: None, ..Config::default() })]

    /// Any text given as a target parses or is refused; none panics, and resolving it against
    /// a graph does not either.
    #[test]
    fn the_target_grammar_never_panics(target in "\\PC{0,24}") {
        let _ = Target::parse(&target);
        let specs: [(&str, Vec<String>); 2] = [("a", vec![]), ("b", vec!["a".to_owned()])];
        let graph = RevisionGraph::from_specs(specs.iter().map(|(id, parents)| NodeSpec {
            id,
            parents,
            depends_on: &[],
            branch_labels: &[],
        }));
        let graph = graph.expect("a valid graph");
        let _ = graph.upgrade_plan(&[], &target);
        let _ = graph.downgrade_plan(&["b".to_owned()], &target);
        let _ = graph.range(&target, &[]);
    }

    /// Any file text: the revision header reader answers, never panics.
    #[test]
    fn the_revision_header_reader_never_panics(text in "\\PC{0,200}") {
        let _ = schema_core::source::read_revision(&text);
        let wrapped = format!("#[migration({text})]\nfn upgrade(op: &mut Ops) {{}}");
        let _ = schema_core::source::read_revision(&wrapped);
    }

    /// Any graph of up to 12 revisions with arbitrary parents and dependencies: the builder
    /// accepts it or names what is wrong; it never panics, and an accepted graph plans.
    #[test]
    fn the_graph_builder_never_panics(edges in proptest::collection::vec(
        (0usize..12, proptest::collection::vec(0usize..14, 0..3), proptest::collection::vec(0usize..14, 0..2)),
        0..12,
    )) {
        let ids: Vec<String> = (0..14).map(|i| format!("r{i}")).collect();
        let nodes: Vec<(String, Vec<String>, Vec<String>)> = edges
            .iter()
            .map(|(id, parents, deps)| {
                (
                    ids[*id].clone(),
                    parents.iter().map(|p| ids[*p].clone()).collect(),
                    deps.iter().map(|p| ids[*p].clone()).collect(),
                )
            })
            .collect();
        let graph = RevisionGraph::from_specs(nodes.iter().map(|(id, parents, deps)| NodeSpec {
            id,
            parents,
            depends_on: deps,
            branch_labels: &[],
        }));
        if let Ok(graph) = graph {
            let _ = graph.upgrade_plan(&[], "heads");
            let _ = graph.topological();
        }
    }
}
