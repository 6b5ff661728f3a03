//! Home of the trybuild cases in `tests/`; the crate itself is empty.
