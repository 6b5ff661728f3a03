use schema_runtime::prelude::*;

#[migration(id = "20250101_090000_init", message = "create accounts")]
fn upgrade(op: &mut Ops) {
    op.create_table("accounts", |t| {
        t.column("id", Type::BigInt).primary_key().identity();
    });
}

fn main() {
    let def = __SCHEMA_REVISION;
    assert_eq!(def.id, "20250101_090000_init");
    assert!(def.parents.is_empty());
    assert_eq!(def.message, "create accounts");
    assert!(def.downgrade.is_none());
    assert!(!def.irreversible);
    assert!(def.transactional);
    assert!(def.source.ends_with("base-revision.rs"));

    // The function stays an ordinary function.
    let mut ops = Ops::new();
    upgrade(&mut ops);
    assert_eq!(ops.ops().len(), 1);
    let mut through_def = Ops::new();
    (def.upgrade)(&mut through_def);
    assert_eq!(through_def.ops(), ops.ops());
}
