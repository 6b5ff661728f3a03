use schema_runtime::prelude::*;

struct CreateUsers;

impl CreateUsers {
    #[migration(id = "20250102_143000_create_users", message = "create users")]
    fn upgrade(&self, op: &mut Ops) {
        op.drop_table("users");
    }
}

fn main() {
    let _ = CreateUsers;
}
