// `allow_branches` accepts several heads; a trailing comma is fine.
static MIGRATIONS: schema_runtime::Migrations =
    schema_runtime::migrations!("fixtures/two-heads", allow_branches,);

fn main() {
    let ids: Vec<&str> = MIGRATIONS.defs().iter().map(|def| def.id).collect();
    assert_eq!(
        ids,
        [
            "20250101_090000_init",
            "20250102_143000_create_users",
            "20250102_160000_create_teams",
        ]
    );
}
