use schema_runtime::prelude::*;

#[migration(id = "20250103_100000_checks", message = "checks")]
fn upgrade(op: &mut Ops) {
    op.create_check("users", "ck_users_name_nonempty", "name <> ''");
    op.create_table("orders", |t| {
        t.column("total", Type::Integer).not_null();
        t.check("ck_orders_total_positive", "total > 0");
    });
}

fn main() {}
