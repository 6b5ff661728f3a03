mod single {
    use schema_runtime::prelude::*;

    #[migration(
        id = "20250103_100000_invoices",
        revises = "20250102_143000_create_users",
        depends_on = "20250102_150000_billing",
        branch_labels = "invoicing",
        message = "invoices"
    )]
    fn upgrade(op: &mut Ops) {
        op.create_table("invoices", |t| {
            t.column("id", Type::BigInt).primary_key();
        });
    }
}

mod lists {
    use schema_runtime::prelude::*;

    #[migration(
        id = "20250103_100000_invoices",
        depends_on = ["20250102_150000_billing", "20250102_160000_tax"],
        branch_labels = ["invoicing", "billing-v2", "EU_2025"],
        message = "invoices"
    )]
    fn upgrade(op: &mut Ops) {
        op.create_table("invoices", |t| {
            t.column("id", Type::BigInt).primary_key();
        });
    }
}

fn main() {
    let def = single::__SCHEMA_REVISION;
    assert_eq!(def.parents, ["20250102_143000_create_users"]);
    assert_eq!(def.depends_on, ["20250102_150000_billing"]);
    assert_eq!(def.branch_labels, ["invoicing"]);

    let def = lists::__SCHEMA_REVISION;
    assert!(def.parents.is_empty());
    assert_eq!(
        def.depends_on,
        ["20250102_150000_billing", "20250102_160000_tax"]
    );
    assert_eq!(def.branch_labels, ["invoicing", "billing-v2", "EU_2025"]);
}
