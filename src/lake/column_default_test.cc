// The DEFAULT clause as the DDL parser reads it, and the value the rows already there get when
// ALTER TABLE ... ADD COLUMN adds a column (lake/column_default.h). The expected texts are what
// MariaDB gives such rows (checked against a server by materialize_ddl_integration_test).
#include "lake/column_default.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

// The column the first ADD COLUMN of `alter` adds.
ColumnDef Added(const std::string& alter) {
  Result<DdlStatement> st = ParseDdlStatement(alter, "db");
  EXPECT_TRUE(st.ok()) << alter << ": " << st.status().ToString();
  if (!st.ok() || st->actions.empty()) return ColumnDef{};
  return st->actions.front().def;
}

// What the rows already there read, or "NULL", or "error: ...".
std::string Fill(const std::string& definition, RenderOptions render = {}) {
  const ColumnDef def = Added("ALTER TABLE t ADD COLUMN " + definition);
  if (!def.type) return "unknown type";
  Result<std::optional<std::string>> v =
      AddedColumnValue(*def.type, def.nullable, def.default_value, render);
  if (!v.ok()) return "error: " + v.status().message();
  return v->has_value() ? **v : "NULL";
}

TEST(ColumnDefaultTest, TheParserReadsEachFormOfDefault) {
  using K = ColumnDefault::Kind;
  EXPECT_EQ(Added("ALTER TABLE t ADD c INT").default_value.kind, K::kNone);
  EXPECT_EQ(Added("ALTER TABLE t ADD c INT DEFAULT NULL").default_value.kind, K::kNull);
  ColumnDef s = Added("ALTER TABLE t ADD c VARCHAR(9) NOT NULL DEFAULT 'it''s' COMMENT 'x'");
  EXPECT_EQ(s.default_value.kind, K::kLiteral);
  EXPECT_EQ(s.default_value.text, "it's");
  EXPECT_FALSE(s.nullable);
  EXPECT_EQ(Added("ALTER TABLE t ADD c DOUBLE DEFAULT -1.5e-3").default_value.text, "-1.5e-3");
  EXPECT_EQ(Added("ALTER TABLE t ADD c INT DEFAULT +7 NOT NULL").default_value.text, "7");
  EXPECT_FALSE(Added("ALTER TABLE t ADD c INT DEFAULT +7 NOT NULL").nullable);
  EXPECT_EQ(Added("ALTER TABLE t ADD c VARCHAR(3) DEFAULT _utf8mb4'ab'").default_value.text, "ab");
  ColumnDef b = Added("ALTER TABLE t ADD c BIT(4) DEFAULT b'0101'");
  EXPECT_EQ(b.default_value.kind, K::kBits);
  EXPECT_EQ(b.default_value.text, "0101");
  ColumnDef x = Added("ALTER TABLE t ADD c VARBINARY(4) DEFAULT x'0aFF'");
  EXPECT_TRUE(x.default_value.hex);
  EXPECT_EQ(x.default_value.text, std::string("\x0a\xff", 2));
  EXPECT_EQ(Added("ALTER TABLE t ADD c VARBINARY(4) DEFAULT 0x41").default_value.text, "A");
  ColumnDef now = Added("ALTER TABLE t ADD c DATETIME DEFAULT CURRENT_TIMESTAMP() AFTER id");
  EXPECT_EQ(now.default_value.kind, K::kExpression);
  EXPECT_EQ(Added("ALTER TABLE t ADD c INT DEFAULT (1 + 2)").default_value.kind, K::kExpression);
  // The definition goes on after the clause: two columns, the second NOT NULL.
  Result<DdlStatement> two =
      ParseDdlStatement("ALTER TABLE t ADD a INT DEFAULT 1, ADD b INT NOT NULL DEFAULT 2", "db");
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->actions.size(), 2u);
  EXPECT_EQ(two->actions[1].def.default_value.text, "2");
  EXPECT_FALSE(two->actions[1].def.nullable);
}

TEST(ColumnDefaultTest, LiteralsTakeTheColumnsTypeAsTheServerStoresThem) {
  EXPECT_EQ(Fill("c INT DEFAULT 5"), "5");
  EXPECT_EQ(Fill("c INT DEFAULT '-12'"), "-12");
  EXPECT_EQ(Fill("c TINYINT UNSIGNED DEFAULT 255"), "255");
  EXPECT_EQ(Fill("c DECIMAL(6,2) DEFAULT 1.5"), "1.50");
  EXPECT_EQ(Fill("c DECIMAL(6,2) DEFAULT -0.005"), "-0.01");  // half away from zero
  EXPECT_EQ(Fill("c DECIMAL(6,2) DEFAULT 9.999"), "10.00");
  EXPECT_EQ(Fill("c DECIMAL(6,2) DEFAULT -0.001"), "0.00");
  EXPECT_EQ(Fill("c DECIMAL(4,0) DEFAULT 12"), "12");
  EXPECT_EQ(Fill("c DOUBLE DEFAULT 1e3"), "1000");
  EXPECT_EQ(Fill("c FLOAT DEFAULT 0.1"), "0.1");
  EXPECT_EQ(Fill("c BIT(4) DEFAULT b'0101'"), "5");
  EXPECT_EQ(Fill("c YEAR DEFAULT 2024"), "2024");
  EXPECT_EQ(Fill("c CHAR(5) DEFAULT 'ab  '"), "ab");  // CHAR drops trailing spaces
  EXPECT_EQ(Fill("c VARCHAR(5) DEFAULT 'ab  '"), "ab  ");
  EXPECT_EQ(Fill("c VARCHAR(9) DEFAULT 'it''s'"), "it's");
  EXPECT_EQ(Fill("c BINARY(3) DEFAULT 'A'"), "410000");  // zero-padded, hex-rendered
  RenderOptions base64;
  base64.binary_encoding = BinaryEncoding::kBase64;
  EXPECT_EQ(Fill("c VARBINARY(3) DEFAULT x'00FF'", base64), "AP8=");
  EXPECT_EQ(Fill("c ENUM('a','Bb') DEFAULT 'bb'"), "Bb");
  EXPECT_EQ(Fill("c SET('x','y','z') DEFAULT 'z,x'"), "x,z");
  EXPECT_EQ(Fill("c DATE DEFAULT '2024-02-29'"), "2024-02-29");
  EXPECT_EQ(Fill("c DATETIME(3) DEFAULT '2024-02-29 01:02:03.5'"), "2024-02-29 01:02:03.500");
  EXPECT_EQ(Fill("c DATETIME DEFAULT '2024-02-29'"), "2024-02-29 00:00:00");
  EXPECT_EQ(Fill("c TIME(1) DEFAULT '-12:00:01.5'"), "-12:00:01.5");
  EXPECT_EQ(Fill("c INT DEFAULT NULL"), "NULL");
  EXPECT_EQ(Fill("c INT"), "NULL");
}

TEST(ColumnDefaultTest, NotNullWithoutDefaultIsTheTypesImplicitDefault) {
  EXPECT_EQ(Fill("c INT NOT NULL"), "0");
  EXPECT_EQ(Fill("c DECIMAL(5,3) NOT NULL"), "0.000");
  EXPECT_EQ(Fill("c DOUBLE NOT NULL"), "0");
  EXPECT_EQ(Fill("c VARCHAR(3) NOT NULL"), "");
  EXPECT_EQ(Fill("c ENUM('p','q') NOT NULL"), "p");
  EXPECT_EQ(Fill("c DATE NOT NULL"), "0000-00-00");
  EXPECT_EQ(Fill("c DATETIME(2) NOT NULL"), "0000-00-00 00:00:00.00");
  EXPECT_EQ(Fill("c TIME NOT NULL"), "00:00:00");
  EXPECT_EQ(Fill("c YEAR NOT NULL"), "0000");
}

TEST(ColumnDefaultTest, WhatCannotBeKnownIsRefusedInOneLine) {
  EXPECT_EQ(Fill("c DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP"),
            "error: DEFAULT CURRENT_TIMESTAMP is an expression");
  EXPECT_EQ(Fill("c TIMESTAMP DEFAULT '2024-01-01 00:00:00'"),
            "error: a TIMESTAMP literal's value depends on the session's time zone");
  EXPECT_EQ(Fill("c TINYINT DEFAULT 300"), "error: DEFAULT '300' does not fit type TINYINT");
  EXPECT_EQ(Fill("c DECIMAL(3,1) DEFAULT 123.4"),
            "error: DEFAULT '123.4' does not fit type DECIMAL");
  EXPECT_EQ(Fill("c DATETIME(1) DEFAULT '2024-01-01 00:00:00.25'"),
            "error: DEFAULT '2024-01-01 00:00:00.25' does not fit type DATETIME");
  EXPECT_EQ(Fill("c ENUM('a') DEFAULT 'b'"), "error: DEFAULT 'b' does not fit type ENUM");
  EXPECT_EQ(Fill("c JSON NOT NULL"),
            "error: binlake does not know the implicit default of a JSON column");
}

}  // namespace
}  // namespace binlake
