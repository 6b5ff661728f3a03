-- Names as people write them: non-ASCII, quotes, spaces, dots, reserved words, mixed case.
CREATE TABLE "Straße ""Nord"".v2" (
    "id" INTEGER NOT NULL,
    "naïve col" VARCHAR(40) NOT NULL,
    "it's" TEXT,
    "a.b" INTEGER NOT NULL DEFAULT 0,
    "select" INTEGER NOT NULL,
    "MixedCase" BOOLEAN NOT NULL DEFAULT 0,
    CONSTRAINT "pk straße" PRIMARY KEY ("id" AUTOINCREMENT),
    CONSTRAINT "prüfung ✓" CHECK ("select" >= 0)
);
CREATE UNIQUE INDEX "uq ""quoted""" ON "Straße ""Nord"".v2" ("naïve col");
CREATE INDEX "ix a.b (dotted)" ON "Straße ""Nord"".v2" ("a.b", "select" DESC);

CREATE TABLE "Kinder.ö" (
    "id" BIGINT NOT NULL,
    "parent id" INTEGER NOT NULL,
    CONSTRAINT "pk kinder" PRIMARY KEY ("id"),
    CONSTRAINT "fk ""to"" straße" FOREIGN KEY ("parent id") REFERENCES "Straße ""Nord"".v2" ("id") ON DELETE CASCADE
);
