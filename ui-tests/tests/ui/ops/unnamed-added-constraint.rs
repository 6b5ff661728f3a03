use schema_runtime::prelude::*;

// An unnamed constraint is declared inside create_table; one added by its own op could never
// be named to drop it. Inside create_table `.unnamed()` is fine.
#[migration(id = "20250103_100000_votes", message = "votes")]
fn upgrade(op: &mut Ops) {
    op.create_table("votes", |t| {
        t.column("user_id", Type::BigInt).not_null();
        t.column("value", Type::SmallInt).not_null();
        t.unique_unnamed(["user_id"]);
        t.check_unnamed("value <> 0");
        t.foreign_key(["user_id"], "users", ["id"]).unnamed();
    });
    op.create_foreign_key("votes", ["user_id"], "users", ["id"]).unnamed();
}

fn main() {}
