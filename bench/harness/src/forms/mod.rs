//! The three forms of the chain: ours, Alembic's, and the plain SQL script (the floor).

pub mod alembic;
pub mod ours;
pub mod plain;
