use schema_runtime::prelude::*;

#[migration(id = "20250103_100000_backfill_active", message = "backfill users.active")]
fn upgrade(op: &mut Ops) {
    op.add_column("users", "active", Type::Boolean);
    op.update("users").set("active", true).filter("active IS NULL");
}

fn main() {}
