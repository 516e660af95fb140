// Integration: binlogs written by a real MariaDB (tests/support MariaDbServer) with every column
// type and edge values, under binlog_row_metadata FULL and MINIMAL, log_bin_compress ON, and
// binlog_checksum NONE, decoded by binlake and compared cell by cell with what the server itself
// returns for the same rows (SELECT over the text protocol, time_zone +00:00). Also checks that
// the ColumnTypes built from TABLE_MAP match information_schema, and the `binlake binlog
// decode` command end to end.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <map>

#include "binlog/test_util.h"
#include "support/test_servers.h"

namespace binlake::binlog {
namespace {

using binlake::testing::MariaDbServer;
using binlake::testing::SqlRow;
using testing::CollectSink;
using testing::RowInfo;

enum class Cmp { kText, kFloat, kDouble, kEnumSet };

struct Col {
  Col(std::string n, std::string d, std::string s = "", Cmp c = Cmp::kText)
      : name(std::move(n)), decl(std::move(d)), select(std::move(s)), cmp(c) {}
  std::string name, decl;
  std::string select;  // expression giving the expected text ("" = the column itself)
  Cmp cmp = Cmp::kText;
};

std::vector<Col> Columns() {
  std::vector<Col> c = {
      {"id", "INT PRIMARY KEY"},
      {"c_tiny", "TINYINT"},
      {"c_utiny", "TINYINT UNSIGNED"},
      {"c_small", "SMALLINT"},
      {"c_usmall", "SMALLINT UNSIGNED"},
      {"c_med", "MEDIUMINT"},
      {"c_umed", "MEDIUMINT UNSIGNED"},
      {"c_int", "INT"},
      {"c_uint", "INT UNSIGNED"},
      {"c_big", "BIGINT"},
      {"c_ubig", "BIGINT UNSIGNED"},
      {"c_dec65", "DECIMAL(65,30)"},
      {"c_dec10", "DECIMAL(10,2)"},
      {"c_dec5", "DECIMAL(5,0)"},
      {"c_udec", "DECIMAL(8,3) UNSIGNED"},
      {"c_float", "FLOAT", "CAST(c_float AS DOUBLE)", Cmp::kFloat},
      {"c_double", "DOUBLE", "", Cmp::kDouble},
      {"c_bit1", "BIT(1)", "c_bit1+0"},
      {"c_bit12", "BIT(12)", "c_bit12+0"},
      {"c_bit64", "BIT(64)", "c_bit64+0"},
      {"c_year", "YEAR"},
      {"c_date", "DATE"},
  };
  for (int fsp = 0; fsp <= 6; ++fsp) {
    std::string f = std::to_string(fsp);
    c.push_back({"c_time" + f, "TIME(" + f + ")"});
    c.push_back({"c_dt" + f, "DATETIME(" + f + ")"});
    c.push_back({"c_ts" + f, "TIMESTAMP(" + f + ") NULL"});
  }
  std::vector<Col> rest = {
      {"c_char", "CHAR(10)"},
      {"c_varchar", "VARCHAR(300)"},
      {"c_vc_short", "VARCHAR(20)"},
      {"c_latin1", "VARCHAR(50) CHARACTER SET latin1"},
      {"c_char_latin1", "CHAR(6) CHARACTER SET latin1"},
      {"c_text", "TEXT"},
      {"c_tinytext", "TINYTEXT"},
      {"c_mediumtext", "MEDIUMTEXT"},
      {"c_longtext", "LONGTEXT CHARACTER SET latin1"},
      {"c_binary", "BINARY(8)", "LOWER(HEX(c_binary))"},
      {"c_varbinary", "VARBINARY(300)", "LOWER(HEX(c_varbinary))"},
      {"c_tinyblob", "TINYBLOB", "LOWER(HEX(c_tinyblob))"},
      {"c_blob", "BLOB", "LOWER(HEX(c_blob))"},
      {"c_mediumblob", "MEDIUMBLOB", "LOWER(HEX(c_mediumblob))"},
      {"c_longblob", "LONGBLOB", "LOWER(HEX(c_longblob))"},
      {"c_enum", "ENUM('a','b','\xc3\xa7')", "", Cmp::kEnumSet},
      {"c_enum_latin1", "ENUM('x','\xc3\xa9') CHARACTER SET latin1", "", Cmp::kEnumSet},
      {"c_set", "SET('x','y','z')", "", Cmp::kEnumSet},
      {"c_json", "JSON"},
      {"c_geom", "GEOMETRY", "LOWER(HEX(c_geom))"},
      {"c_point", "POINT", "LOWER(HEX(c_point))"},
      {"c_ucs2", "VARCHAR(10) CHARACTER SET ucs2"},
      {"c_cp1251", "VARCHAR(10) CHARACTER SET cp1251"},
      {"c_utf16", "VARCHAR(10) CHARACTER SET utf16"},
      {"c_last", "INT"},
  };
  c.insert(c.end(), rest.begin(), rest.end());
  return c;
}

// Rows: id -> column -> SQL literal (missing columns are NULL).
std::map<int, std::map<std::string, std::string>> Rows() {
  std::map<int, std::map<std::string, std::string>> rows;
  rows[1] = {{"id", "1"}};  // all NULL
  auto& mx = rows[2];
  mx = {{"id", "2"},
        {"c_tiny", "127"},
        {"c_utiny", "255"},
        {"c_small", "32767"},
        {"c_usmall", "65535"},
        {"c_med", "8388607"},
        {"c_umed", "16777215"},
        {"c_int", "2147483647"},
        {"c_uint", "4294967295"},
        {"c_big", "9223372036854775807"},
        {"c_ubig", "18446744073709551615"},
        {"c_dec65", "99999999999999999999999999999999999.999999999999999999999999999999"},
        {"c_dec10", "99999999.99"},
        {"c_dec5", "99999"},
        {"c_udec", "99999.999"},
        {"c_float", "3.4028235e38"},
        {"c_double", "1.7976931348623157e308"},
        {"c_bit1", "b'1'"},
        {"c_bit12", "b'111111111111'"},
        {"c_bit64", "0xFFFFFFFFFFFFFFFF"},
        {"c_year", "2155"},
        {"c_date", "'9999-12-31'"},
        {"c_char", "'abcdefghij'"},
        {"c_varchar", "REPEAT('x',300)"},
        {"c_vc_short", "'\xc3\xa9\xf0\x9f\x98\x80'"},
        {"c_latin1", "'caf\xc3\xa9 \xe2\x82\xac \xc5\xa1'"},
        {"c_char_latin1", "'\xc3\xbf'"},
        {"c_text", "REPEAT('t',1000)"},
        {"c_tinytext", "REPEAT('\xc3\xa9',127)"},
        {"c_mediumtext", "'m'"},
        {"c_longtext", "'\xc3\x98'"},
        {"c_binary", "x'0102030405060708'"},
        {"c_varbinary", "REPEAT(x'ff',300)"},
        {"c_tinyblob", "x'00'"},
        {"c_blob", "REPEAT(x'ab',1000)"},
        {"c_mediumblob", "x''"},
        {"c_longblob", "x'00272c0a22ff5c'"},
        {"c_enum", "'\xc3\xa7'"},
        {"c_enum_latin1", "'\xc3\xa9'"},
        {"c_set", "'x,y,z'"},
        {"c_json", "'{\"a\":[1,2,{\"b\":null}],\"c\":\"\xc3\xa9\", \"d\": 1.5}'"},
        {"c_geom", "ST_GeomFromText('LINESTRING(0 0,1 1,2 2)')"},
        {"c_point", "POINT(1.5,-2.25)"},
        {"c_ucs2", "'\xce\xa9\xc3\xa9'"},
        {"c_cp1251", "'\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2'"},
        {"c_utf16",
         "'\xf0\x9f\x98\x80"
         "a'"},
        {"c_last", "42"}};
  auto& mn = rows[3];
  mn = {{"id", "3"},
        {"c_tiny", "-128"},
        {"c_utiny", "0"},
        {"c_small", "-32768"},
        {"c_usmall", "0"},
        {"c_med", "-8388608"},
        {"c_umed", "0"},
        {"c_int", "-2147483648"},
        {"c_uint", "0"},
        {"c_big", "-9223372036854775808"},
        {"c_ubig", "0"},
        {"c_dec65", "-99999999999999999999999999999999999.999999999999999999999999999999"},
        {"c_dec10", "-99999999.99"},
        {"c_dec5", "-99999"},
        {"c_udec", "0"},
        {"c_float", "-3.4028235e38"},
        {"c_double", "-1.7976931348623157e308"},
        {"c_bit1", "b'0'"},
        {"c_bit12", "0"},
        {"c_bit64", "0"},
        {"c_year", "1901"},
        {"c_date", "'1000-01-01'"},
        {"c_char", "'a'"},
        {"c_varchar", "''"},
        {"c_enum", "'a'"},
        {"c_set", "''"},
        {"c_json", "'[]'"},
        {"c_geom", "POINT(0,0)"},
        {"c_binary", "x''"},
        {"c_varbinary", "x''"},
        {"c_latin1", "''"},
        {"c_last", "-1"}};
  auto& zero = rows[4];
  zero = {{"id", "4"},
          {"c_tiny", "0"},
          {"c_int", "0"},
          {"c_dec65", "0"},
          {"c_dec10", "-0.00"},
          {"c_float", "-0.0"},
          {"c_double", "1e-300"},
          {"c_year", "0"},
          {"c_date", "'0000-00-00'"},
          {"c_char", "''"},
          {"c_varchar", "' trailing  '"},
          {"c_text", "'line1\\nline2\\r\\n\"q\" ,''s''\\\\'"},
          {"c_binary", "x'00'"},
          {"c_varbinary", "x'00272c0a22'"},
          {"c_enum", "''"},
          {"c_set", "'y'"},
          {"c_json", "'null'"},
          {"c_last", "0"}};
  auto& frac = rows[5];
  frac = {{"id", "5"},
          {"c_int", "5"},
          {"c_float", "0.1"},
          {"c_double", "0.1"},
          {"c_dec65", "0.000000000000000000000000000001"},
          {"c_dec10", "-0.01"},
          {"c_dec5", "-1"},
          {"c_udec", "0.001"},
          {"c_bit12", "b'101010101010'"},
          {"c_bit64", "0x8000000000000001"},
          {"c_year", "1999"},
          {"c_date", "'2020-02-29'"},
          {"c_set", "'x,z'"},
          {"c_enum", "'b'"},
          {"c_json", R"('"str\\"ing"')"},
          {"c_latin1", "'\xc3\xa0 la'"},
          {"c_last", "5"}};
  for (int fsp = 0; fsp <= 6; ++fsp) {
    std::string f = std::to_string(fsp);
    mx["c_time" + f] = "'838:59:59'";
    mx["c_dt" + f] = "'9999-12-31 23:59:59.999999'";
    mx["c_ts" + f] = "'2038-01-19 03:14:07.999999'";
    mn["c_time" + f] = "'-838:59:59'";
    mn["c_dt" + f] = "'1000-01-01 00:00:00'";
    mn["c_ts" + f] = "'1970-01-01 00:00:01'";
    zero["c_time" + f] = "'-00:00:01.5'";
    zero["c_dt" + f] = "'0000-00-00 00:00:00'";
    zero["c_ts" + f] = "0";
    frac["c_time" + f] = "'-12:34:56.123456'";
    frac["c_dt" + f] = "'2020-02-29 12:34:56.123456'";
    frac["c_ts" + f] = "'2021-03-04 05:06:07.654321'";
  }
  rows[4]["c_dt3"] = "'2020-00-00 00:00:00.5'";  // partial zero date
  return rows;
}

std::string InsertSql(const std::vector<Col>& cols, int id,
                      const std::map<std::string, std::string>& values) {
  std::string names, vals;
  for (const auto& [k, v] : values) {
    names += (names.empty() ? "" : ",") + k;
    vals += (vals.empty() ? "" : ",") + v;
  }
  return "INSERT INTO t_all (" + names + ") VALUES (" + vals + ")";
}

// Expected text per id, from the server.
Result<std::map<int, SqlRow>> Snapshot(MariaDbServer* db, const std::vector<Col>& cols,
                                       bool minimal) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < cols.size(); ++i) {
    std::string e = cols[i].select.empty() ? cols[i].name : cols[i].select;
    if (minimal && cols[i].cmp == Cmp::kEnumSet) e = cols[i].name + "+0";  // no labels
    sql += (i ? "," : "") + e;
  }
  sql += " FROM test_db.t_all ORDER BY id";
  ASSIGN_OR_RETURN(std::vector<SqlRow> rows, db->Query(sql));
  std::map<int, SqlRow> out;
  for (auto& r : rows) out[std::stoi(*r[0])] = r;
  return out;
}

void CompareImage(const std::vector<Col>& cols, const SqlRow& want,
                  const std::vector<std::optional<std::string>>& got, bool minimal,
                  const std::string& what) {
  ASSERT_EQ(got.size(), cols.size()) << what;
  for (size_t i = 0; i < cols.size(); ++i) {
    SCOPED_TRACE(what + " column " + cols[i].name);
    if (!want[i].has_value()) {
      EXPECT_EQ(got[i], std::nullopt);
      continue;
    }
    ASSERT_TRUE(got[i].has_value());
    const std::string& w = *want[i];
    const std::string& g = *got[i];
    switch (cols[i].cmp) {
      case Cmp::kFloat: {
        float wf = static_cast<float>(std::strtod(w.c_str(), nullptr));
        float gf = std::strtof(g.c_str(), nullptr);
        EXPECT_EQ(wf, gf) << w << " vs " << g;
        EXPECT_EQ(std::signbit(wf), std::signbit(gf)) << w << " vs " << g;
        break;
      }
      case Cmp::kDouble: {
        double wd = std::strtod(w.c_str(), nullptr), gd = std::strtod(g.c_str(), nullptr);
        EXPECT_EQ(wd, gd) << w << " vs " << g;
        EXPECT_EQ(std::signbit(wd), std::signbit(gd));
        break;
      }
      case Cmp::kEnumSet:
        // Without labels (MINIMAL) ENUM/SET render as their number, the "" value as "".
        EXPECT_EQ(g, minimal && w == "0" ? "" : w);
        break;
      case Cmp::kText:
        EXPECT_EQ(g, w);
        break;
    }
  }
}

struct Scenario {
  std::vector<std::string> cnf;
  bool minimal;
  bool compressed;
  bool no_checksum;
};

void RunScenario(const Scenario& s) {
  auto started = MariaDbServer::Start(s.cnf);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  std::unique_ptr<MariaDbServer> db = std::move(started).value();
  std::vector<Col> cols = Columns();
  std::string create = "CREATE TABLE test_db.t_all (";
  for (size_t i = 0; i < cols.size(); ++i)
    create += (i ? "," : "") + cols[i].name + " " + cols[i].decl;
  create += ") DEFAULT CHARSET=utf8mb4";
  ASSERT_TRUE(db->Execute("SET GLOBAL time_zone='+00:00'; CREATE DATABASE test_db").ok());
  ASSERT_TRUE(db->Execute(create).ok());
  std::string session = "SET time_zone='+00:00'; SET sql_mode=''; USE test_db; ";
  for (const auto& [id, values] : Rows()) {
    Status st = db->Execute(session + InsertSql(cols, id, values));
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  auto s1 = Snapshot(db.get(), cols, s.minimal);
  ASSERT_TRUE(s1.ok()) << s1.status().ToString();
  ASSERT_TRUE(db->Execute(session +
                          "BEGIN; UPDATE t_all SET c_varchar='updated', c_json='{\"k\": [1, 2]}', "
                          "c_dt6='2001-02-03 04:05:06.000007', c_blob=NULL WHERE id=2; "
                          "UPDATE t_all SET c_int=c_int+1, c_tiny=NULL WHERE id=5; COMMIT")
                  .ok());
  auto s2 = Snapshot(db.get(), cols, s.minimal);
  ASSERT_TRUE(s2.ok());
  ASSERT_TRUE(db->Execute(session + "DELETE FROM t_all WHERE id=3; FLUSH BINARY LOGS").ok());

  CollectSink sink;
  PumpStats total;
  for (const std::string& f : db->BinlogPaths()) {
    auto r = testing::DecodeFile(f, &sink);
    ASSERT_TRUE(r.status.ok()) << f << ": " << r.status.ToString();
    for (size_t t = 0; t < 256; ++t) total.events[t] += r.stats.events[t];
  }
  uint64_t compressed_rows = total.events[166] + total.events[167] + total.events[168];
  if (s.compressed) {
    EXPECT_GE(compressed_rows, 3u);
    EXPECT_GE(total.events[165], 1u);  // QUERY_COMPRESSED (the DDL)
  } else {
    EXPECT_EQ(compressed_rows, 0u);
  }
  std::map<RowOp, int> ops;
  for (const RowInfo& r : sink.rows) {
    if (r.table != "t_all") continue;
    ++ops[r.op];
    const auto& image = r.op == RowOp::kDelete ? r.before : r.after;
    int id = std::stoi(*image[0]);
    std::string what = std::string(RowOpName(r.op)) + " id " + std::to_string(id);
    if (r.op == RowOp::kInsert) {
      CompareImage(cols, (*s1)[id], r.after, s.minimal, what);
    }
    if (r.op == RowOp::kUpdate) {
      CompareImage(cols, (*s1)[id], r.before, s.minimal, what + " before");
      CompareImage(cols, (*s2)[id], r.after, s.minimal, what + " after");
    }
    if (r.op == RowOp::kDelete) {
      CompareImage(cols, (*s2)[id], r.before, s.minimal, what);
    }
    if (s.minimal) {
      EXPECT_EQ(r.names[1], "@2");
    } else {
      for (size_t i = 0; i < cols.size(); ++i) EXPECT_EQ(r.names[i], cols[i].name);
    }
  }
  EXPECT_EQ(ops[RowOp::kInsert], 5);
  EXPECT_EQ(ops[RowOp::kUpdate], 2);
  EXPECT_EQ(ops[RowOp::kDelete], 1);

  // ColumnTypes against information_schema (what the full load builds).
  auto info = db->Query(
      "SELECT c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, IFNULL(c.NUMERIC_PRECISION,0), "
      "IFNULL(c.NUMERIC_SCALE,0), IFNULL(c.DATETIME_PRECISION,0), "
      "IFNULL(c.CHARACTER_MAXIMUM_LENGTH,0), IFNULL(l.ID,0) FROM information_schema.COLUMNS c "
      "LEFT JOIN information_schema.COLLATIONS l ON l.COLLATION_NAME=c.COLLATION_NAME "
      "WHERE c.TABLE_SCHEMA='test_db' AND c.TABLE_NAME='t_all' ORDER BY c.ORDINAL_POSITION");
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->size(), cols.size());
  const RowInfo* any = nullptr;
  for (const RowInfo& r : sink.rows) {
    if (r.table == "t_all") any = &r;
  }
  ASSERT_NE(any, nullptr);
  const std::map<std::string, SqlType> kTypes = {{"tinyint", SqlType::kTinyInt},
                                                 {"smallint", SqlType::kSmallInt},
                                                 {"mediumint", SqlType::kMediumInt},
                                                 {"int", SqlType::kInt},
                                                 {"bigint", SqlType::kBigInt},
                                                 {"decimal", SqlType::kDecimal},
                                                 {"float", SqlType::kFloat},
                                                 {"double", SqlType::kDouble},
                                                 {"bit", SqlType::kBit},
                                                 {"year", SqlType::kYear},
                                                 {"date", SqlType::kDate},
                                                 {"time", SqlType::kTime},
                                                 {"datetime", SqlType::kDateTime},
                                                 {"timestamp", SqlType::kTimestamp},
                                                 {"char", SqlType::kChar},
                                                 {"varchar", SqlType::kVarChar},
                                                 {"binary", SqlType::kBinary},
                                                 {"varbinary", SqlType::kVarBinary},
                                                 {"tinytext", SqlType::kText},
                                                 {"text", SqlType::kText},
                                                 {"mediumtext", SqlType::kText},
                                                 {"longtext", SqlType::kText},
                                                 {"tinyblob", SqlType::kBlob},
                                                 {"blob", SqlType::kBlob},
                                                 {"mediumblob", SqlType::kBlob},
                                                 {"longblob", SqlType::kBlob},
                                                 {"enum", SqlType::kEnum},
                                                 {"set", SqlType::kSet},
                                                 {"geometry", SqlType::kGeometry},
                                                 {"point", SqlType::kGeometry}};
  for (size_t i = 0; i < cols.size(); ++i) {
    const SqlRow& c = (*info)[i];
    const ColumnType& t = any->types[i];
    SCOPED_TRACE(*c[0]);
    ASSERT_TRUE(kTypes.count(*c[1])) << *c[1];
    EXPECT_EQ(t.type, kTypes.at(*c[1]));
    EXPECT_EQ(t.is_unsigned, c[2]->find("unsigned") != std::string::npos);
    if (t.type == SqlType::kDecimal) {
      EXPECT_EQ(t.precision, std::stoi(*c[3]));
      EXPECT_EQ(t.scale, std::stoi(*c[4]));
    }
    if (t.type == SqlType::kBit) {
      EXPECT_EQ(t.length, std::stoul(*c[3]));
    }
    if (t.IsTemporal() && t.type != SqlType::kDate && t.type != SqlType::kYear) {
      EXPECT_EQ(t.fsp, std::stoi(*c[5]));
    }
    if (t.type == SqlType::kChar || t.type == SqlType::kVarChar || t.type == SqlType::kBinary ||
        t.type == SqlType::kVarBinary || t.type == SqlType::kText) {
      EXPECT_EQ(t.length, std::stoul(*c[6]));
      // information_schema has no collation for BINARY/VARBINARY; the binlog says 63 (binary).
      int collation = std::stoi(*c[7]);
      if (collation == 0 && (t.type == SqlType::kBinary || t.type == SqlType::kVarBinary)) {
        collation = kBinaryCollationId;
      }
      EXPECT_EQ(t.collation_id, collation);
    }
    if (t.type == SqlType::kEnum || t.type == SqlType::kSet) {
      if (s.minimal) {
        EXPECT_TRUE(t.elements.empty());
      } else {
        std::string list;
        for (const auto& e : t.elements) list += (list.empty() ? "'" : ",'") + e + "'";
        EXPECT_EQ(*c[2], (t.type == SqlType::kEnum ? "enum(" : "set(") + list + ")");
      }
    }
  }
}

TEST(MariaDbBinlog, FullMetadataCrc32) { RunScenario({{}, false, false, false}); }

TEST(MariaDbBinlog, MinimalMetadata) {
  RunScenario({{"binlog_row_metadata=MINIMAL"}, true, false, false});
}

TEST(MariaDbBinlog, CompressedEvents) {
  RunScenario({{"log_bin_compress=ON", "log_bin_compress_min_len=10"}, false, true, false});
}

TEST(MariaDbBinlog, NoChecksum) { RunScenario({{"binlog_checksum=NONE"}, false, false, true}); }

}  // namespace
}  // namespace binlake::binlog
