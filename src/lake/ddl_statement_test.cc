#include "lake/ddl_statement.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

DdlStatement Parse(const std::string& sql) {
  auto st = ParseDdlStatement(sql, "db");
  EXPECT_TRUE(st.ok()) << sql << ": " << st.status().ToString();
  return st.ok() ? *st : DdlStatement{};
}

std::string Names(const std::vector<TableName>& names) {
  std::string out;
  for (const TableName& n : names) out += (out.empty() ? "" : " ") + n.Dotted();
  return out;
}

TEST(DdlStatementTest, CreateTableColumnsTypesAndKey) {
  DdlStatement st = Parse(
      "CREATE TABLE IF NOT EXISTS `s`.`t` (\n"
      "  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,\n"
      "  `na``me` varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT 'a,b)' COMMENT "
      "'x',\n"
      "  price DECIMAL(8,2) DEFAULT (1 + 2), at DATETIME(3) ON UPDATE CURRENT_TIMESTAMP(3),\n"
      "  e ENUM('x','y''z') NULL, d DOUBLE PRECISION, raw CHAR(4) CHARACTER SET binary,\n"
      "  KEY ix (`na``me`(5)), UNIQUE KEY u (price), CONSTRAINT c CHECK (price > 0),\n"
      "  PRIMARY KEY (id, at DESC)\n"
      ") ENGINE=InnoDB /*!50100 PARTITION BY HASH (id) PARTITIONS 4 */");
  EXPECT_EQ(st.kind, DdlStatement::Kind::kCreate);
  EXPECT_TRUE(st.if_not_exists);
  EXPECT_EQ(Names(st.tables), "s.t");
  ASSERT_EQ(st.columns.size(), 7u);
  EXPECT_EQ(st.columns[0].name, "id");
  EXPECT_EQ(st.columns[0].type->type, SqlType::kBigInt);
  EXPECT_TRUE(st.columns[0].type->is_unsigned);
  EXPECT_FALSE(st.columns[0].nullable);
  EXPECT_EQ(st.columns[1].name, "na`me");
  EXPECT_EQ(st.columns[1].type->type, SqlType::kVarChar);
  EXPECT_EQ(st.columns[1].type->length, 20u);
  EXPECT_EQ(st.columns[2].type->precision, 8);
  EXPECT_EQ(st.columns[2].type->scale, 2);
  EXPECT_EQ(st.columns[3].type->type, SqlType::kDateTime);
  EXPECT_EQ(st.columns[3].type->fsp, 3);
  EXPECT_EQ(st.columns[4].type->elements, (std::vector<std::string>{"x", "y'z"}));
  EXPECT_EQ(st.columns[5].type->type, SqlType::kDouble);
  EXPECT_EQ(st.columns[6].type->type, SqlType::kBinary);
  EXPECT_EQ(st.primary_key, (std::vector<std::string>{"id", "at"}));
}

TEST(DdlStatementTest, InlineKeysLikeAndForms) {
  DdlStatement st = Parse("create or replace table t (a int primary key, b serial, c geo_thing)");
  EXPECT_TRUE(st.or_replace);
  EXPECT_EQ(st.primary_key, std::vector<std::string>{"a"});
  EXPECT_TRUE(st.columns[1].type->is_unsigned);
  EXPECT_FALSE(st.columns[2].type.has_value());  // unknown: the recorded version tells
  EXPECT_EQ(Parse("CREATE TABLE t (a INT KEY)").primary_key, std::vector<std::string>{"a"});
  EXPECT_TRUE(Parse("CREATE TABLE t (a INT UNIQUE KEY)").primary_key.empty());
  DdlStatement like = Parse("CREATE TABLE t2 LIKE other.t");
  EXPECT_EQ(like.kind, DdlStatement::Kind::kCreateLike);
  EXPECT_EQ(like.like.Dotted(), "other.t");
  EXPECT_EQ(Parse("CREATE TABLE t2 (LIKE t)").like.Dotted(), "db.t");
  for (const char* bad : {"CREATE TABLE t SELECT 1 AS a", "CREATE TABLE t (a INT) AS SELECT 1",
                          "CREATE TABLE t (a INT) WITH SYSTEM VERSIONING",
                          "CREATE TEMPORARY TABLE t (a INT)", "CREATE VIEW v AS SELECT 1"}) {
    EXPECT_EQ(ParseDdlStatement(bad, "db").status().code(), StatusCode::kUnsupported) << bad;
  }
}

TEST(DdlStatementTest, AlterSpecs) {
  DdlStatement st = Parse(
      "ALTER ONLINE TABLE IF EXISTS t NOWAIT ADD COLUMN IF NOT EXISTS x INT FIRST, ADD y TEXT "
      "AFTER `id`, ADD (p INT, q INT), DROP COLUMN IF EXISTS z, DROP w CASCADE, CHANGE a b "
      "VARCHAR(3) AFTER x, MODIFY c BIGINT, RENAME COLUMN d TO e, ADD INDEX i (x), DROP INDEX j, "
      "ADD CONSTRAINT pk PRIMARY KEY USING BTREE (x, y), DROP PRIMARY KEY, ALTER COLUMN x SET "
      "DEFAULT 1, ENGINE=InnoDB, ALGORITHM=INPLACE, LOCK=NONE, RENAME TO other.t2");
  EXPECT_EQ(st.kind, DdlStatement::Kind::kAlter);
  using K = AlterAction::Kind;
  std::vector<K> kinds;
  for (const AlterAction& a : st.actions) kinds.push_back(a.kind);
  EXPECT_EQ(kinds, (std::vector<K>{K::kAddColumn, K::kAddColumn, K::kAddColumn, K::kAddColumn,
                                   K::kDropColumn, K::kDropColumn, K::kChangeColumn,
                                   K::kChangeColumn, K::kRenameColumn, K::kAddPrimaryKey,
                                   K::kDropPrimaryKey, K::kRenameTable}));
  EXPECT_TRUE(st.actions[0].if_exists);
  EXPECT_EQ(st.actions[0].place.kind, ColumnPlace::Kind::kFirst);
  EXPECT_EQ(st.actions[1].place.kind, ColumnPlace::Kind::kAfter);
  EXPECT_EQ(st.actions[1].place.after, "id");
  EXPECT_EQ(st.actions[3].def.name, "q");
  EXPECT_TRUE(st.actions[4].if_exists);
  EXPECT_EQ(st.actions[5].column, "w");
  EXPECT_EQ(st.actions[6].column, "a");
  EXPECT_EQ(st.actions[6].def.name, "b");
  EXPECT_EQ(st.actions[6].place.after, "x");
  EXPECT_EQ(st.actions[7].column, "c");
  EXPECT_EQ(st.actions[7].place.kind, ColumnPlace::Kind::kKeep);
  EXPECT_EQ(st.actions[8].new_name, "e");
  EXPECT_EQ(st.actions[9].key, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(st.actions[11].new_table.Dotted(), "other.t2");
  EXPECT_EQ(Names(st.Names()), "db.t other.t2");
  // Only table options, partitioning: no actions.
  EXPECT_TRUE(Parse("ALTER TABLE t ENGINE = InnoDB ROW_FORMAT=DYNAMIC").actions.empty());
  EXPECT_TRUE(Parse("ALTER TABLE t PARTITION BY RANGE (a) (PARTITION p0 VALUES LESS THAN (10), "
                    "PARTITION p1 VALUES LESS THAN MAXVALUE)")
                  .actions.empty());
  EXPECT_TRUE(Parse("ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4, FORCE").actions.empty());
  for (const char* bad : {"ALTER TABLE t FROBNICATE", "ALTER TABLE t ADD SYSTEM VERSIONING",
                          "ALTER TABLE t ADD COLUMN", "ALTER TABLE t RENAME COLUMN a b"}) {
    EXPECT_EQ(ParseDdlStatement(bad, "db").status().code(), StatusCode::kUnsupported) << bad;
  }
}

TEST(DdlStatementTest, DropTruncateRename) {
  DdlStatement drop = Parse("DROP TABLE IF EXISTS `a`, s.b /* generated by server */");
  EXPECT_EQ(drop.kind, DdlStatement::Kind::kDrop);
  EXPECT_EQ(Names(drop.tables), "db.a s.b");
  DdlStatement truncate = Parse("-- comment\nTRUNCATE t");
  EXPECT_EQ(truncate.kind, DdlStatement::Kind::kTruncate);
  EXPECT_EQ(Names(truncate.tables), "db.t");
  DdlStatement rename = Parse("RENAME TABLE a TO tmp, s.b WAIT 3 TO a, tmp TO `s`.`b`");
  EXPECT_EQ(rename.kind, DdlStatement::Kind::kRename);
  ASSERT_EQ(rename.renames.size(), 3u);
  EXPECT_EQ(rename.renames[1].first.Dotted(), "s.b");
  EXPECT_EQ(rename.renames[1].second.Dotted(), "db.a");
  EXPECT_EQ(Names(rename.Names()), "db.a db.tmp s.b db.a db.tmp s.b");
  EXPECT_EQ(ParseDdlStatement("DROP TEMPORARY TABLE t", "db").status().code(),
            StatusCode::kUnsupported);
  EXPECT_EQ(ParseDdlStatement("TRUNCATE t", "").status().code(), StatusCode::kUnsupported);
}

TEST(DdlStatementTest, ColumnNamesCompareWithoutCase) {
  EXPECT_TRUE(SameColumnName("Price", "pRICE"));
  EXPECT_FALSE(SameColumnName("price", "prices"));
}

}  // namespace
}  // namespace binlake
