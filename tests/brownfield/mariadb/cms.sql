-- A CMS written by hand (or by Doctrine's schema tool) on MariaDB, with Flyway's history table.
CREATE TABLE flyway_schema_history (
  installed_rank INT NOT NULL,
  version VARCHAR(50),
  description VARCHAR(200) NOT NULL,
  script VARCHAR(1000) NOT NULL,
  success TINYINT(1) NOT NULL,
  PRIMARY KEY (installed_rank)
);

CREATE TABLE sites (
  id INT AUTO_INCREMENT NOT NULL,
  domain VARCHAR(253) CHARACTER SET utf8mb4 COLLATE `utf8mb4_bin` NOT NULL,
  name VARCHAR(120) NOT NULL,
  settings LONGTEXT DEFAULT NULL,
  UNIQUE INDEX UNIQ_domain (domain),
  PRIMARY KEY(id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE `utf8mb4_unicode_ci` ENGINE = InnoDB;

CREATE TABLE authors (
  id INT AUTO_INCREMENT NOT NULL,
  site_id INT NOT NULL,
  display_name VARCHAR(100) NOT NULL,
  bio LONGTEXT DEFAULT NULL,
  avatar LONGBLOB DEFAULT NULL,
  INDEX IDX_site (site_id),
  PRIMARY KEY(id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE `utf8mb4_unicode_ci` ENGINE = InnoDB;

CREATE TABLE pages (
  id BIGINT AUTO_INCREMENT NOT NULL,
  site_id INT NOT NULL,
  author_id INT DEFAULT NULL,
  parent_id BIGINT DEFAULT NULL,
  path VARCHAR(500) NOT NULL,
  title VARCHAR(300) NOT NULL,
  body LONGTEXT NOT NULL,
  published_at DATETIME DEFAULT NULL,
  location POINT NOT NULL,
  revision INT DEFAULT 1 NOT NULL,
  INDEX IDX_site (site_id, published_at DESC),
  INDEX IDX_author (author_id),
  UNIQUE INDEX UNIQ_site_path (site_id, path(191)),
  SPATIAL INDEX SPX_location (location),
  FULLTEXT INDEX FTX_title_body (title, body),
  PRIMARY KEY(id),
  CONSTRAINT CK_revision_positive CHECK (revision > 0)
) DEFAULT CHARACTER SET utf8mb4 COLLATE `utf8mb4_unicode_ci` ENGINE = InnoDB COMMENT = 'One page per path and site';

CREATE TABLE tags (
  id INT AUTO_INCREMENT NOT NULL,
  name VARCHAR(64) NOT NULL,
  UNIQUE INDEX UNIQ_name (name),
  PRIMARY KEY(id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE `utf8mb4_unicode_ci` ENGINE = InnoDB;

CREATE TABLE page_tags (
  page_id BIGINT NOT NULL,
  tag_id INT NOT NULL,
  INDEX IDX_tag (tag_id),
  PRIMARY KEY(page_id, tag_id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE `utf8mb4_unicode_ci` ENGINE = InnoDB;

ALTER TABLE authors ADD CONSTRAINT FK_authors_site FOREIGN KEY (site_id) REFERENCES sites (id) ON DELETE CASCADE;
ALTER TABLE pages ADD CONSTRAINT FK_pages_site FOREIGN KEY (site_id) REFERENCES sites (id) ON DELETE CASCADE;
ALTER TABLE pages ADD CONSTRAINT FK_pages_author FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE SET NULL;
ALTER TABLE pages ADD CONSTRAINT FK_pages_parent FOREIGN KEY (parent_id) REFERENCES pages (id);
ALTER TABLE page_tags ADD CONSTRAINT FK_page_tags_page FOREIGN KEY (page_id) REFERENCES pages (id) ON DELETE CASCADE;
ALTER TABLE page_tags ADD CONSTRAINT FK_page_tags_tag FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE;
