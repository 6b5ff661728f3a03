INSERT INTO posts (author_id, title, body, slug, published)
SELECT id, 'Hello, world', 'The first post.', 'hello-world', TRUE
FROM users WHERE email = 'ada@example.com';

INSERT INTO comments (post_id, author_id, body)
SELECT p.id, u.id, 'Welcome!'
FROM posts p CROSS JOIN users u
WHERE p.slug = 'hello-world' AND u.email = 'grace@example.com';
