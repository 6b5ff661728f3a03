-- A CMS as Alembic (SQLAlchemy) builds it on PostgreSQL, with Alembic's version table.
CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version (version_num) VALUES ('4b1e0c2f9a7d');

CREATE TABLE sites (
    id SERIAL NOT NULL,
    domain VARCHAR(253) COLLATE "C" NOT NULL,
    name VARCHAR(120) NOT NULL,
    settings JSON,
    CONSTRAINT pk_sites PRIMARY KEY (id),
    CONSTRAINT uq_sites_domain UNIQUE (domain)
);

CREATE TABLE authors (
    id SERIAL NOT NULL,
    site_id INTEGER NOT NULL,
    display_name VARCHAR(100) NOT NULL,
    bio TEXT,
    avatar BYTEA,
    CONSTRAINT pk_authors PRIMARY KEY (id),
    CONSTRAINT fk_authors_site_id_sites FOREIGN KEY(site_id) REFERENCES sites (id) ON DELETE CASCADE
);
CREATE INDEX ix_authors_site_id ON authors (site_id);

CREATE TABLE pages (
    id BIGSERIAL NOT NULL,
    site_id INTEGER NOT NULL,
    author_id INTEGER,
    parent_id BIGINT,
    path VARCHAR(500) NOT NULL,
    title VARCHAR(300) NOT NULL,
    body TEXT DEFAULT '' NOT NULL,
    published_at TIMESTAMP WITHOUT TIME ZONE,
    location POINT,
    revision INTEGER DEFAULT 1 NOT NULL,
    CONSTRAINT pk_pages PRIMARY KEY (id),
    CONSTRAINT fk_pages_site_id_sites FOREIGN KEY(site_id) REFERENCES sites (id) ON DELETE CASCADE,
    CONSTRAINT fk_pages_author_id_authors FOREIGN KEY(author_id) REFERENCES authors (id) ON DELETE SET NULL,
    CONSTRAINT fk_pages_parent_id_pages FOREIGN KEY(parent_id) REFERENCES pages (id),
    CONSTRAINT uq_pages_site_id_path UNIQUE (site_id, path),
    CONSTRAINT ck_pages_revision_positive CHECK (revision > 0)
);
COMMENT ON TABLE pages IS 'One page per path and site; parent_id builds the tree';
CREATE INDEX ix_pages_published ON pages (site_id, published_at DESC NULLS FIRST) WHERE published_at IS NOT NULL;
CREATE INDEX ix_pages_location ON pages USING gist (location);
CREATE INDEX ix_pages_title_lower ON pages (lower(title) varchar_pattern_ops, site_id);

CREATE TABLE tags (
    id SERIAL NOT NULL,
    name VARCHAR(64) NOT NULL,
    CONSTRAINT pk_tags PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_tags_name_ci ON tags (name COLLATE "C" DESC);

CREATE TABLE page_tags (
    page_id BIGINT NOT NULL,
    tag_id INTEGER NOT NULL,
    CONSTRAINT pk_page_tags PRIMARY KEY (page_id, tag_id),
    CONSTRAINT fk_page_tags_page_id_pages FOREIGN KEY(page_id) REFERENCES pages (id) ON DELETE CASCADE,
    CONSTRAINT fk_page_tags_tag_id_tags FOREIGN KEY(tag_id) REFERENCES tags (id) ON DELETE CASCADE
);
CREATE INDEX ix_page_tags_tag_id ON page_tags (tag_id);
