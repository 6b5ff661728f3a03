// Two branches, labelled, one revision depending on the other branch: the collector accepts
// them (with allow_branches) and the migrator builds the same graph at run time.
static MIGRATIONS: schema_runtime::Migrations =
    schema_runtime::migrations!("fixtures/branches-with-dependency", allow_branches);

fn main() {
    let defs = MIGRATIONS.defs();
    assert_eq!(defs[0].branch_labels, ["core"]);
    assert_eq!(defs[1].branch_labels, ["billing", "payments"]);
    assert_eq!(defs[2].depends_on, ["20250102_090000_billing"]);

    let migrator = schema_runtime::Migrator::from_migrations(&MIGRATIONS).expect("valid graph");
    let graph = migrator.graph();
    assert_eq!(
        graph.dependencies("20250103_090000_invoices"),
        ["20250102_090000_billing"]
    );
    assert_eq!(graph.heads().len(), 2);
    // The dependency is planned before the revision that needs it.
    let plan = graph
        .upgrade_plan(&[], "20250103_090000_invoices")
        .expect("plan");
    assert_eq!(
        plan,
        [
            "20250101_090000_init",
            "20250102_090000_billing",
            "20250103_090000_invoices"
        ]
    );
    assert!(migrator.check(&schema_runtime::Dialect::ALL).is_empty());
}
