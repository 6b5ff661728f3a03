-- On PostgreSQL this file runs instead of 003_tags.sql (`.sqlite.sql`, `.mysql.sql` and
-- `.mariadb.sql` override the same way).
INSERT INTO tags (name) SELECT unnest(ARRAY['rust', 'databases', 'migrations']);
