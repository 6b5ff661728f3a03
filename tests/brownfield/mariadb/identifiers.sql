-- Names as people write them: non-ASCII, quotes, spaces, dots, reserved words, mixed case.
CREATE TABLE `Straße "Nord".v2` (
  `id` int NOT NULL AUTO_INCREMENT,
  `naïve col` varchar(40) NOT NULL,
  `it's` text DEFAULT NULL COMMENT 'l''apostrophe',
  `a.b` int NOT NULL DEFAULT 0,
  `select` int NOT NULL,
  `MixedCase` tinyint(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq "quoted"` (`naïve col`),
  KEY `ix a.b (dotted)` (`a.b`, `select` DESC),
  CONSTRAINT `prüfung ✓` CHECK (`select` >= 0)
) DEFAULT CHARSET=utf8mb4 COMMENT='Grüße, "quoted" and it''s';

CREATE TABLE `Kinder.ö` (
  `id` bigint NOT NULL,
  `parent id` int NOT NULL,
  PRIMARY KEY (`id`),
  KEY `ix parent` (`parent id`),
  CONSTRAINT `fk "to" straße` FOREIGN KEY (`parent id`) REFERENCES `Straße "Nord".v2` (`id`) ON DELETE CASCADE
) DEFAULT CHARSET=utf8mb4;
