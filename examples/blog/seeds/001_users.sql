-- Development data: `cargo schema seed` runs each file once, in file-name order, and records it
-- in schema_seeds; `cargo schema reset --seed` starts the database over with them.
INSERT INTO users (email, display_name, bio) VALUES
    ('ada@example.com', 'Ada', 'Writes about engines.'),
    ('grace@example.com', 'Grace', NULL);
