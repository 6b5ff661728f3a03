use schema_runtime::prelude::*;
use schema_runtime::Dialect;

#[migration(id = "20250103_100000_totals", message = "line totals")]
fn upgrade(op: &mut Ops) {
    op.create_table("lines", |t| {
        t.column("id", Type::BigInt).primary_key().identity();
        t.column("quantity", Type::Integer).not_null();
        t.column("unit_price", Type::Numeric(12, 2)).not_null();
        t.column("total", Type::Numeric(14, 2))
            .generated_stored("quantity * unit_price")
            .comment("line total");
    });
    op.add_column("lines", "label", Type::String(40))
        .generated_virtual_per_dialect(
            "'#' || quantity",
            &[(Dialect::Mysql, "concat('#', quantity)")],
        );
}

fn main() {}
