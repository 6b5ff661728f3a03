INSERT INTO post_tags (post_id, tag_id)
SELECT p.id, t.id
FROM posts p CROSS JOIN tags t
WHERE p.slug = 'hello-world' AND t.name IN ('rust', 'migrations');
