use schema_runtime::prelude::*;

#[migration(id = "20250103_100000_invoice_numbers", message = "invoice numbers")]
fn upgrade(op: &mut Ops) {
    op.create_sequence("invoice_numbers_for_every_branch_office_and_every_fiscal_year_ever")
        .start(1000);
}

fn main() {}
