use schema_runtime::prelude::*;

#[migration(id = "20250103_100000_totals", message = "line totals")]
fn upgrade(op: &mut Ops) {
    op.create_table("lines", |t| {
        t.column("quantity", Type::Integer).not_null();
        t.column("total", Type::Integer)
            .default(0)
            .generated_stored("quantity * 2");
    });
    op.add_column("lines", "id", Type::BigInt)
        .generated_virtual("quantity")
        .identity();
}

fn main() {}
