use schema_runtime::prelude::*;

#[migration(
    id = "0001_users",
    message = "users",
    lock_timeout = "5s",
    statement_timeout = "10min"
)]
fn upgrade(op: &mut Ops) {
    op.create_table("users", |t| {
        t.column("id", Type::BigInt).primary_key();
    });
}

fn main() {
    let def = __SCHEMA_REVISION;
    assert_eq!(def.lock_timeout_ms, Some(5_000));
    assert_eq!(def.statement_timeout_ms, Some(600_000));
}
