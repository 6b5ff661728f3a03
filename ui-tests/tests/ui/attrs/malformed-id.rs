mod dash {
    use schema_runtime::prelude::*;

    #[migration(id = "2025-01-02_create_users", message = "create users")]
    fn upgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

mod space {
    use schema_runtime::prelude::*;

    #[migration(id = "20250102 create users", message = "create users")]
    fn upgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

fn main() {}
