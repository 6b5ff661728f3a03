use schema_runtime::prelude::*;

#[migration(
    id = "20250104_120000_merge",
    revises = ["20250102_143000_create_users", "20250103_100000_create_teams"],
    message = "merge users and teams"
)]
fn upgrade(_op: &mut Ops) {}

fn main() {
    assert_eq!(
        __SCHEMA_REVISION.parents,
        [
            "20250102_143000_create_users",
            "20250103_100000_create_teams"
        ]
    );
}
