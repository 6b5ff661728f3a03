use schema_runtime::prelude::*;

// Every problem of one migration is reported in the same build.
#[migration(id = "20250102-create-users", parents = ["20250101_090000_init"], transactional = 0)]
async fn upgrade(op: &Ops) -> bool {
    let _ = op;
    true
}

fn main() {}
