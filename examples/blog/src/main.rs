//! The blog application: migrates its database at start-up, then serves (here: prints) posts.

use schema_runtime::{Database, Migrator};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite:blog.db".into());
    // The three lines an application needs to be at head before it serves a request.
    let migrator = Migrator::from_migrations(&blog::MIGRATIONS)?;
    let applied = migrator.run(&url).await?;
    println!("migrated {url}: {} revision(s) applied", applied.len());

    let mut db = Database::connect(&url).await?;
    println!("at {:?}", migrator.current(&mut db).await?);
    Ok(())
}
