-- A forum as Django's migrations build it on SQLite (sqlmigrate output, trimmed).
CREATE TABLE "accounts_user" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "password" varchar(128) NOT NULL,
    "last_login" datetime NULL,
    "username" varchar(150) NOT NULL UNIQUE,
    "email" varchar(254) NOT NULL,
    "is_active" bool NOT NULL,
    "karma" integer NOT NULL CHECK ("karma" >= -1000),
    "date_joined" datetime NOT NULL
);
CREATE UNIQUE INDEX "accounts_user_email_lower_uniq" ON "accounts_user" (lower("email"));

CREATE TABLE "forum_board" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "slug" varchar(50) NOT NULL UNIQUE,
    "title" varchar(200) NOT NULL,
    "position" smallint unsigned NOT NULL CHECK ("position" >= 0),
    "parent_id" bigint NULL REFERENCES "forum_board" ("id") DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX "forum_board_parent_id_4f8a" ON "forum_board" ("parent_id");
CREATE INDEX "forum_board_title_nocase" ON "forum_board" ("title" COLLATE NOCASE);

CREATE TABLE "forum_thread" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "board_id" bigint NOT NULL REFERENCES "forum_board" ("id") DEFERRABLE INITIALLY DEFERRED,
    "author_id" bigint NULL REFERENCES "accounts_user" ("id") DEFERRABLE INITIALLY DEFERRED,
    "title" varchar(300) NOT NULL,
    "pinned" bool NOT NULL,
    "last_post_at" datetime NULL
);
CREATE INDEX "forum_thread_board_recent" ON "forum_thread" ("board_id", "pinned" DESC, "last_post_at" DESC);
CREATE INDEX "forum_thread_author_id_77c2" ON "forum_thread" ("author_id") WHERE "author_id" IS NOT NULL;
CREATE INDEX "forum_thread_title_search" ON "forum_thread" ("board_id", lower("title"));

CREATE TABLE "forum_post" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "thread_id" bigint NOT NULL REFERENCES "forum_thread" ("id") DEFERRABLE INITIALLY DEFERRED,
    "author_id" bigint NULL REFERENCES "accounts_user" ("id") DEFERRABLE INITIALLY DEFERRED,
    "body" text NOT NULL,
    "created" datetime NOT NULL,
    "edited" datetime NULL,
    CONSTRAINT "forum_post_edited_after_created" CHECK ("edited" IS NULL OR "edited" >= "created")
);
CREATE INDEX "forum_post_thread_created" ON "forum_post" ("thread_id", "created");

CREATE TABLE "forum_vote" (
    "post_id" bigint NOT NULL REFERENCES "forum_post" ("id") DEFERRABLE INITIALLY DEFERRED,
    "user_id" bigint NOT NULL REFERENCES "accounts_user" ("id") DEFERRABLE INITIALLY DEFERRED,
    "value" smallint NOT NULL CHECK ("value" IN (-1, 1)),
    PRIMARY KEY ("post_id", "user_id")
);
