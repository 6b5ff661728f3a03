// A folder of three migrations forming a chain, embedded in file name order.
static MIGRATIONS: schema_runtime::Migrations = schema_runtime::migrations!("fixtures/chain");

fn main() {
    let ids: Vec<&str> = MIGRATIONS.defs().iter().map(|def| def.id).collect();
    assert_eq!(MIGRATIONS.defs().len(), 3);
    assert_eq!(
        ids,
        [
            "20250101_090000_init",
            "20250102_143000_create_users",
            "20250103_100000_add_email",
        ]
    );
    assert_eq!(
        MIGRATIONS.defs()[2].parents,
        ["20250102_143000_create_users"]
    );
    assert!(MIGRATIONS.defs()[0]
        .source
        .ends_with("20250101_090000_init.rs"));

    // Also usable in expression position outside a static.
    let again = schema_runtime::migrations!("fixtures/chain");
    assert_eq!(again.defs().len(), 3);
}
