// Ops without an inverse are fine when the migration is irreversible or has its own downgrade.
mod irreversible {
    use schema_runtime::prelude::*;

    #[migration(
        id = "20250103_100000_lowercase_emails",
        message = "lowercase emails",
        irreversible
    )]
    fn upgrade(op: &mut Ops) {
        op.execute("UPDATE users SET email = lower(email)");
        op.update("users").set_expr("name", "trim(name)");
    }
}

mod explicit_downgrade {
    use schema_runtime::prelude::*;

    #[migration(
        id = "20250103_100000_backfill_active",
        message = "backfill users.active",
        downgrade = downgrade
    )]
    fn upgrade(op: &mut Ops) {
        op.add_column("users", "active", Type::Boolean);
        op.update("users").set("active", true);
        op.execute("ANALYZE users");
    }

    fn downgrade(op: &mut Ops) {
        op.drop_column("users", "active");
    }
}

fn main() {
    assert!(irreversible::__SCHEMA_REVISION.irreversible);
    assert!(explicit_downgrade::__SCHEMA_REVISION.downgrade.is_some());
}
