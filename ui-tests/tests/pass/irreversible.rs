mod flag {
    use schema_runtime::prelude::*;

    #[migration(
        id = "20250105_080000_drop_legacy",
        message = "drop legacy",
        irreversible
    )]
    fn upgrade(op: &mut Ops) {
        op.drop_table("legacy");
    }
}

mod explicit {
    use schema_runtime::prelude::*;

    #[migration(
        id = "20250105_080000_drop_legacy",
        message = "drop legacy",
        irreversible = true,
        transactional = true
    )]
    fn upgrade(op: &mut Ops) {
        op.drop_table("legacy");
    }
}

mod not {
    use schema_runtime::prelude::*;

    // `irreversible = false` is the default, so it may be written with a downgrade.
    #[migration(
        id = "20250105_080000_drop_legacy",
        message = "drop legacy",
        irreversible = false,
        downgrade = downgrade
    )]
    fn upgrade(op: &mut Ops) {
        op.drop_table("legacy");
    }

    fn downgrade(_op: &mut Ops) {}
}

fn main() {
    assert!(flag::__SCHEMA_REVISION.irreversible);
    assert!(flag::__SCHEMA_REVISION.downgrade.is_none());
    assert!(explicit::__SCHEMA_REVISION.irreversible);
    assert!(!not::__SCHEMA_REVISION.irreversible);
    assert!(not::__SCHEMA_REVISION.downgrade.is_some());
}
