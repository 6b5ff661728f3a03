use schema_runtime::prelude::*;

#[migration(id = "20250102_143000_invoice_numbers", message = "invoice numbers")]
fn upgrade(op: &mut Ops) {
    op.create_sequence("invoice_numbers").start(1000).cache(20);
    op.alter_sequence("invoice_numbers").increment(10).no_max_value();
    op.rename_sequence("invoice_numbers", "invoice_serials");
    op.drop_sequence("invoice_serials");
    op.alter_column("orders", "id")
        .set_identity_always(true)
        .set_identity_sequence(|s| {
            s.increment(10).no_max_value();
        });
}

fn main() {
    let mut ops = Ops::new();
    (__SCHEMA_REVISION.upgrade)(&mut ops);
    assert_eq!(ops.ops().len(), 5);
}
