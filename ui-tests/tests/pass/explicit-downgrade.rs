use schema_runtime::prelude::*;

#[migration(
    id = "20250102_143000_create_users",
    revises = "20250101_090000_init",
    message = "create users",
    downgrade = self::down::downgrade
)]
fn upgrade(op: &mut Ops) {
    op.create_table("users", |t| {
        t.column("id", Type::BigInt).primary_key();
    });
}

mod down {
    use schema_runtime::prelude::*;

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

fn main() {
    let downgrade = __SCHEMA_REVISION.downgrade.expect("explicit downgrade");
    let mut ops = Ops::new();
    downgrade(&mut ops);
    assert_eq!(ops.ops().len(), 1);
}
