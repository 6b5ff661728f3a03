INSERT INTO tags (name) VALUES ('rust'), ('databases'), ('migrations');
