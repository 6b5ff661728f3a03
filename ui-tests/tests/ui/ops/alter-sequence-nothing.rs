use schema_runtime::prelude::*;

// The option was forgotten: this alter would change nothing.
#[migration(id = "20250103_100000_invoice_numbers_by_ten", message = "invoice numbers by ten")]
fn upgrade(op: &mut Ops) {
    op.alter_sequence("invoice_numbers");
}

fn main() {}
