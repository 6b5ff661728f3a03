use schema_runtime::prelude::*;

// Only literal arguments are judged at compile time; these are left to `Migrator::check`,
// and a builder kept in a variable may still be finished later.
#[migration(id = "20250103_100000_run_time_names", message = "names known at run time")]
fn upgrade(op: &mut Ops) {
    let table = String::new();
    op.create_table(&table, |t| {
        t.column("id", Type::BigInt).primary_key();
    });
    for column in ["a", "b"] {
        op.add_column("wide", column, Type::Text);
    }
    let alter = op.alter_column("users", "email");
    alter.set_not_null();
    let columns: Vec<String> = Vec::new();
    op.create_index("users", columns);
}

fn main() {
    let mut ops = Ops::new();
    upgrade(&mut ops);
    assert_eq!(ops.ops().len(), 5);
}
