#include "transform/expression.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "common/parse_rendered_text.h"
#include "common/render_text.h"

// Counts the C++ allocations of this binary (SQLite's own allocations use malloc, uncounted).
// Not under sanitizers, which bring their own operator new.
std::atomic<long> g_allocations{0};
// GCC says so with __SANITIZE_*__, clang with __has_feature.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define BINLAKE_UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define BINLAKE_UNDER_SANITIZER 1
#endif
#endif
#ifndef BINLAKE_UNDER_SANITIZER
#define BINLAKE_COUNTS_ALLOCATIONS 1
[[gnu::noinline]] void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, size_t) noexcept { std::free(p); }
#endif

namespace binlake {
namespace {

// The sqlite3 command-line shell's output for `sql` (NULL prints as nothing): the independent
// evaluator of an expression written with literal values in place of the $columns.
std::string Cli(const std::string& sql) {
  std::string quoted = "'";
  for (char c : sql) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  FILE* p = popen(("sqlite3 :memory: " + quoted + " 2>&1").c_str(), "r");
  if (p == nullptr) return "<popen failed>";
  std::string out;
  char buf[256];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  if (pclose(p) != 0) return "<sqlite3 failed: " + out + ">";
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

Column Col(const char* name, SqlType type) {
  Column c;
  c.name = name;
  c.type.type = type;
  return c;
}

// app.users(id INT, first_name VARCHAR(50), last_name VARCHAR(50), nickname VARCHAR(50) NULL,
//           qty INT, price DECIMAL(10,2), created DATETIME(6), birthday DATE,
//           big BIGINT UNSIGNED, avatar BLOB, ratio DOUBLE)
TableSchema Users() {
  TableSchema t;
  t.schema = "app";
  t.table = "users";
  t.columns = {Col("id", SqlType::kInt),
               Col("first_name", SqlType::kVarChar),
               Col("last_name", SqlType::kVarChar),
               Col("nickname", SqlType::kVarChar),
               Col("qty", SqlType::kInt),
               Col("price", SqlType::kDecimal),
               Col("created", SqlType::kDateTime),
               Col("birthday", SqlType::kDate),
               Col("big", SqlType::kBigInt),
               Col("avatar", SqlType::kBlob),
               Col("ratio", SqlType::kDouble)};
  t.columns[5].type.precision = 10;
  t.columns[5].type.scale = 2;
  t.columns[6].type.fsp = 6;
  t.columns[8].type.is_unsigned = true;
  t.primary_key = {0};
  return t;
}

struct Row {
  int64_t id = 7;
  std::string first_name = "Ada";
  std::string last_name = "Lovelace";
  bool null_nickname = true;
  int64_t qty = 3;
  std::string price = "19.99";
  DateTimeParts created{2024, 1, 31, 23, 59, 59, 123456};
  uint64_t big = 18446744073709551615u;
  std::string avatar = std::string("\x00\xff\x10", 3);
  double ratio = 0.25;

  std::vector<Value> Values() const {
    return {Value::Int(id),           Value::String(first_name),
            Value::String(last_name), null_nickname ? Value::Null() : Value::String("ace"),
            Value::Int(qty),          Value::Decimal(price),
            Value::DateTime(created), Value::Date(1815, 12, 10),
            Value::UInt(big),         Value::Bytes(avatar),
            Value::Double(ratio)};
  }
};

ColumnType Type(const char* data_type_json) {
  auto d = ParseDmsDataType(nlohmann::json::parse(data_type_json));
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  auto t = ColumnTypeForDmsDataType(d.ok() ? *d : DmsDataType{"string"});
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : ColumnType{};
}

ExpressionRow Op(char op) {
  ExpressionRow h;
  h.op = op;
  return h;
}

const ColumnType kText = [] {
  ColumnType t;
  t.type = SqlType::kText;
  return t;
}();

// Compiles and evaluates `expr` for one row; the result as text ("NULL" for SQL NULL), or
// "error: <message>".
std::string Eval(const std::string& expr, const Row& row = Row(), ExpressionRow header = {},
                 const ColumnType& type = kText, std::string_view column = "") {
  auto e = CompiledExpression::Compile(expr, Users(), column, type, "7");
  if (!e.ok()) return "error: " + e.status().message();
  std::vector<Value> values = row.Values();
  auto v = (*e)->Evaluate(values, header);
  if (!v.ok()) return "error: " + v.status().message();
  if (v->is_null()) return "NULL";
  std::string out;
  AppendValueText(*v, type, RenderOptions{}, &out);
  return out;
}

TEST(ExpressionTest, ConcatenatesColumns) {
  EXPECT_EQ(Eval("$first_name||' '||$last_name"), Cli("SELECT 'Ada'||' '||'Lovelace'"));
  EXPECT_EQ(Eval("$first_name||' '||$last_name"), "Ada Lovelace");
}

TEST(ExpressionTest, CaseOnAnIntegerColumn) {
  const std::string expr =
      "CASE WHEN $qty > 10 THEN 'bulk' WHEN $qty > 1 THEN 'few' ELSE 'one' END";
  Row row;
  EXPECT_EQ(Eval(expr, row), Cli("SELECT CASE WHEN 3 > 10 THEN 'bulk' WHEN 3 > 1 THEN 'few' "
                                 "ELSE 'one' END"));
  row.qty = 1;
  EXPECT_EQ(Eval(expr, row), "one");
}

TEST(ExpressionTest, SubstrAndUpper) {
  EXPECT_EQ(Eval("upper(substr($last_name, 2, 4))"), Cli("SELECT upper(substr('Lovelace', 2, 4))"));
}

TEST(ExpressionTest, ArithmeticOnIntAndDecimalColumns) {
  EXPECT_EQ(Eval("$qty * 2 + $id", Row(), {}, Type(R"({"type":"int8"})")), "13");
  // DECIMAL enters as its text; SQLite's arithmetic converts it.
  EXPECT_EQ(Eval("$price * $qty"), Cli("SELECT '19.99' * 3"));
  EXPECT_EQ(
      Eval("$price * $qty", Row(), {}, Type(R"({"type":"numeric","precision":10,"scale":2})")),
      "59.97");
  EXPECT_EQ(Eval("typeof($price)"), "text");
}

TEST(ExpressionTest, DatetimeModifierOnAFractionalDatetime) {
  EXPECT_EQ(Eval("$created"), "2024-01-31 23:59:59.123456");  // binlake's DATETIME(6) text
  EXPECT_EQ(Eval("datetime($created, '+1 day')"),
            Cli("SELECT datetime('2024-01-31 23:59:59.123456', '+1 day')"));
  EXPECT_EQ(Eval("datetime($created, '+1 day')", Row(), {}, Type(R"({"type":"datetime"})")),
            "2024-02-01 23:59:59");
  EXPECT_EQ(Eval("date($birthday, '+1 month')"), Cli("SELECT date('1815-12-10', '+1 month')"));
}

TEST(ExpressionTest, Strftime) {
  EXPECT_EQ(Eval("strftime('%Y/%m/%d %H:%M %f %j %w', $created)"),
            Cli("SELECT strftime('%Y/%m/%d %H:%M %f %j %w', '2024-01-31 23:59:59.123456')"));
}

TEST(ExpressionTest, IfnullWithNullInput) {
  Row row;
  EXPECT_EQ(Eval("ifnull($nickname, 'none')", row), Cli("SELECT ifnull(NULL, 'none')"));
  EXPECT_EQ(Eval("$nickname", row), "NULL");
  row.null_nickname = false;
  EXPECT_EQ(Eval("ifnull($nickname, 'none')", row), "ace");
}

TEST(ExpressionTest, UnsignedBigintAboveInt64MaxIsText) {
  Row row;
  EXPECT_EQ(Eval("typeof($big) || ' ' || $big", row), "text 18446744073709551615");
  EXPECT_EQ(Eval("$big", row, {}, Type(R"({"type":"uint8"})")), "18446744073709551615");
  EXPECT_EQ(Eval("$big", row, {}, Type(R"({"type":"int8"})")).substr(0, 14), "error: rule 7:");
  row.big = 9223372036854775807u;
  EXPECT_EQ(Eval("typeof($big) || ' ' || ($big - 1)", row), "integer 9223372036854775806");
}

TEST(ExpressionTest, BlobColumnIsABlob) {
  EXPECT_EQ(Eval("typeof($avatar) || ' ' || hex($avatar) || ' ' || length($avatar)"),
            Cli("SELECT typeof(X'00ff10') || ' ' || hex(X'00ff10') || ' ' || length(X'00ff10')"));
  EXPECT_EQ(Eval("$avatar", Row(), {}, Type(R"({"type":"blob"})")), "00ff10");  // hex rendering
  // Bytes that are not UTF-8 are no string.
  EXPECT_NE(Eval("$avatar").find("not UTF-8"), std::string::npos) << Eval("$avatar");
}

TEST(ExpressionTest, OperationIndicatorFollowsTheRowOp) {
  auto e = CompiledExpression::Compile("operation_indicator('D', 'U', 'I')", Users(), "",
                                       Type(R"({"type":"string","length":50})"), "7");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  const Row source;  // owns the text the values point into
  std::vector<Value> values = source.Values();
  for (char op : {'I', 'U', 'D', 'I'}) {
    auto v = (*e)->Evaluate(values, Op(op));
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(v->text(), std::string(1, op));
  }
  // Any argument type is returned as it is.
  EXPECT_EQ(Eval("typeof(operation_indicator(1, 2.5, NULL))", Row(), Op('U')), "real");
  EXPECT_EQ(Eval("operation_indicator(1, 2, 3)", Row(), Op('D')), "1");
  EXPECT_NE(Eval("operation_indicator('D', 'U')").find("rule 7: wrong number of arguments"),
            std::string::npos);
}

TEST(ExpressionTest, HeaderVariables) {
  ExpressionRow h{.op = 'U',
                  .timestamp = "2024-05-06 07:08:09.123456",
                  .commit_timestamp = "2024-05-06 07:08:10.000000",
                  .stream_position = "binlog.000042:1234",
                  .change_seq = "20240506070810000000000000000000042",
                  .transaction_id = "3e11fa47-71ca-11e1-9e33-c80aa9429562:23",
                  .user = "app"};
  EXPECT_EQ(Eval("$AR_H_OPERATION", Row(), h), "UPDATE");
  EXPECT_EQ(Eval("$AR_H_TIMESTAMP", Row(), h), h.timestamp);
  EXPECT_EQ(Eval("$AR_H_COMMIT_TIMESTAMP", Row(), h), h.commit_timestamp);
  EXPECT_EQ(Eval("$AR_H_STREAM_POSITION", Row(), h), h.stream_position);
  EXPECT_EQ(Eval("$AR_H_CHANGE_SEQ", Row(), h), h.change_seq);
  EXPECT_EQ(Eval("$AR_H_TRANSACTION_ID", Row(), h), h.transaction_id);
  EXPECT_EQ(Eval("$AR_H_USER", Row(), h), h.user);
  EXPECT_EQ(Eval("$AR_H_COMMIT_TIMESTAMP", Row(), h, Type(R"({"type":"datetime","precision":6})")),
            "2024-05-06 07:08:10.000000");
  h.op = 'D';
  EXPECT_EQ(Eval("$AR_H_OPERATION", Row(), h), "DELETE");
  // Full load: INSERT, and the headers without a value are '' (not NULL).
  EXPECT_EQ(Eval("$AR_H_OPERATION || '|' || typeof($AR_H_STREAM_POSITION) || '|' || "
                 "$AR_H_CHANGE_SEQ || $AR_H_USER || '|'"),
            "INSERT|text||");
}

TEST(ExpressionTest, MetadataVariables) {
  const std::string expr =
      "$AR_M_SOURCE_SCHEMA || '.' || $AR_M_SOURCE_TABLE_NAME || '.' || $AR_M_SOURCE_COLUMN_NAME || "
      "':' || $AR_M_SOURCE_COLUMN_DATATYPE";
  EXPECT_EQ(Eval(expr, Row(), {}, kText, "price"), "app.users.price:decimal");
  EXPECT_EQ(Eval(expr), "app.users.:");  // add-column: no column
  EXPECT_NE(Eval(expr, Row(), {}, kText, "nope").find("acts on column nope"), std::string::npos);
}

TEST(ExpressionTest, ConvertsToEachDataType) {
  const ColumnType int8 = Type(R"({"type":"int8"})");
  EXPECT_EQ(Eval("round($ratio * 10)", Row(), {}, int8), "3");  // REAL 3.0
  EXPECT_EQ(Eval("'-42'", Row(), {}, int8), "-42");
  const ColumnType numeric = Type(R"({"type":"numeric","precision":10,"scale":2})");
  EXPECT_EQ(Eval("7", Row(), {}, numeric), "7.00");
  EXPECT_EQ(Eval("'12.345'", Row(), {}, numeric), "12.35");
  EXPECT_EQ(Eval("'-0.004'", Row(), {}, numeric), "0.00");
  EXPECT_EQ(Eval("'99999999.995'", Row(), {}, numeric).substr(0, 14), "error: rule 7:");
  EXPECT_EQ(Eval("1 / 3.0", Row(), {}, numeric), "0.33");
  const ColumnType real8 = Type(R"({"type":"real8"})");
  EXPECT_EQ(Eval("$qty / 4.0", Row(), {}, real8), "0.75");
  EXPECT_EQ(Eval("'1.5e3'", Row(), {}, real8), "1500");
  EXPECT_EQ(Eval("date($created)", Row(), {}, Type(R"({"type":"date"})")), "2024-01-31");
  EXPECT_EQ(Eval("$created", Row(), {}, Type(R"({"type":"date"})")), "2024-01-31");
  EXPECT_EQ(Eval("$created", Row(), {}, Type(R"({"type":"datetime","scale":3})")),
            "2024-01-31 23:59:59.123");  // truncated to the type's fractional digits
  {  // the Value itself holds no digits beyond the type's (its rendering would hide them)
    auto e = CompiledExpression::Compile("$created", Users(), "",
                                         Type(R"({"type":"datetime","scale":3})"), "7");
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    const Row source;  // owns the text the values point into
    std::vector<Value> values = source.Values();
    auto v = (*e)->Evaluate(values, {});
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(v->kind(), Value::Kind::kDateTime);
    EXPECT_EQ(v->datetime().micros, 123000u);
  }
  EXPECT_EQ(Eval("'2024-02-30 25:00:00'", Row(), {}, Type(R"({"type":"datetime"})")).substr(0, 14),
            "error: rule 7:");
  EXPECT_EQ(Eval("time($created)", Row(), {}, Type(R"({"type":"time"})")), "23:59:59");
  const ColumnType string5 = Type(R"({"type":"string","length":5})");
  EXPECT_EQ(Eval("'héllo'", Row(), {}, string5), "héllo");  // 5 characters, 6 bytes
  EXPECT_NE(Eval("'hello!'", Row(), {}, string5).find("longer than 5 characters"),
            std::string::npos);
  EXPECT_EQ(Eval("1.5", Row(), {}, string5), "1.5");  // SQLite's text of the number
  const ColumnType boolean = Type(R"({"type":"boolean"})");
  EXPECT_EQ(Eval("$qty > 1", Row(), {}, boolean), "1");
  EXPECT_EQ(Eval("$qty > 5", Row(), {}, boolean), "0");
  EXPECT_NE(Eval("300", Row(), {}, boolean).find("out of range"), std::string::npos);
  EXPECT_EQ(Eval("NULL", Row(), {}, int8), "NULL");
  EXPECT_EQ(Eval("1 WHERE 0", Row(), {}, int8), "NULL");  // no row
}

TEST(ExpressionTest, ConversionFailureNamesTheRule) {
  EXPECT_EQ(Eval("'abc'", Row(), {}, Type(R"({"type":"int8"})")),
            "error: rule 7: the expression's result 'abc' does not convert to BIGINT: not an "
            "integer");
  EXPECT_NE(Eval("2.5", Row(), {}, Type(R"({"type":"int4"})")).find("not a whole number"),
            std::string::npos);
  EXPECT_NE(Eval("'2024-01-01'", Row(), {}, Type(R"({"type":"real8"})")).find("rule 7:"),
            std::string::npos);
}

TEST(ExpressionTest, SyntaxErrorCarriesSqlitesMessage) {
  EXPECT_EQ(Eval("$qty +* 2"), "error: rule 7: near \"*\": syntax error");
  EXPECT_EQ(Eval("$first_name ||"), "error: rule 7: incomplete input");
  EXPECT_EQ(Eval("nosuchfunc($qty)"), "error: rule 7: no such function: nosuchfunc");
  // DMS's own hash_sha256 is not provided (expression.h).
  EXPECT_EQ(Eval("hash_sha256($first_name)"), "error: rule 7: no such function: hash_sha256");
}

TEST(ExpressionTest, UnknownNamesAreErrors) {
  EXPECT_EQ(Eval("$foo || 'x'"),
            "error: rule 7: expression names $foo, which app.users does not "
            "have");
  // Column names are case-sensitive.
  EXPECT_EQ(Eval("$First_Name"),
            "error: rule 7: expression names $First_Name, which app.users "
            "does not have");
  EXPECT_NE(Eval("? + 1").find("refer to columns and DMS variables as $name"), std::string::npos);
  EXPECT_NE(Eval(":qty + 1").find("the parameter ':qty'"), std::string::npos);
}

TEST(ExpressionTest, OneReadingStatementOnly) {
  EXPECT_NE(
      Eval("1; DROP TABLE x").find("rule 7: the expression holds more than one SQL statement"),
      std::string::npos)
      << Eval("1; DROP TABLE x");
  EXPECT_NE(Eval("1; SELECT 2").find("more than one SQL statement"), std::string::npos);
  EXPECT_EQ(Eval("1; -- a comment"), "1");
  EXPECT_NE(Eval("1, 2").find("gives 2 values"), std::string::npos);
}

TEST(ExpressionTest, ARunawayExpressionStops) {
  EXPECT_NE(Eval("(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                 "SELECT count(*) FROM c)")
                .find("rule 7: the expression ran longer than 20000000 SQLite steps"),
            std::string::npos);
  // The budget is per row: rows that each take a good part of it run one after another.
  auto e = CompiledExpression::Compile(
      "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $qty) "
      "SELECT count(*) FROM c)",
      Users(), "", Type(R"({"type":"int8"})"), "7");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  Row row;
  row.qty = 200000;
  std::vector<Value> values = row.Values();
  for (int i = 0; i < 10; ++i) {
    auto v = (*e)->Evaluate(values, {});
    ASSERT_TRUE(v.ok()) << "row " << i << ": " << v.status().ToString();
    EXPECT_EQ(v->int_value(), 200000);
  }
}

TEST(ExpressionTest, EachRowBindsItsOwnValues) {
  auto e = CompiledExpression::Compile("$first_name || ':' || $created || ':' || $birthday",
                                       Users(), "", kText, "7");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  for (int i = 0; i < 3; ++i) {
    Row row;
    row.first_name = std::string(100 * i + 1, static_cast<char>('a' + i));  // grows the scratch
    row.created.day = static_cast<uint8_t>(i + 1);
    std::vector<Value> values = row.Values();
    auto v = (*e)->Evaluate(values, {});
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(v->text(), row.first_name + ":2024-01-0" + std::to_string(i + 1) +
                             " 23:59:59.123456:1815-12-10");
  }
}

TEST(ExpressionTest, NoAllocationPerRowOnceWarm) {
#ifndef BINLAKE_COUNTS_ALLOCATIONS
  GTEST_SKIP() << "allocations are not counted under a sanitizer";
#endif
  auto e = CompiledExpression::Compile(
      "$first_name || $created || $birthday || $big || operation_indicator('D', 'U', 'I')", Users(),
      "", Type(R"({"type":"string","length":200})"), "7");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  const Row source;  // owns the text the values point into
  std::vector<Value> values = source.Values();
  ASSERT_TRUE((*e)->Evaluate(values, {}).ok());  // grows the buffers
  const long before = g_allocations.load();
  for (int i = 0; i < 100; ++i) {
    auto v = (*e)->Evaluate(values, Op(i % 2 ? 'U' : 'I'));
    ASSERT_TRUE(v.ok()) << v.status().ToString();
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
}

TEST(ExpressionTest, DataTypes) {
  auto type = [](const char* json) -> std::string {
    auto d = ParseDmsDataType(nlohmann::json::parse(json));
    if (!d.ok()) return "error: " + d.status().message();
    auto t = ColumnTypeForDmsDataType(*d);
    if (!t.ok()) return "error: " + t.status().message();
    std::string label = RenderedTypeLabel(*t, RenderOptions{});
    return t->length ? label + " length " + std::to_string(t->length) : label;
  };
  EXPECT_EQ(type(R"({"type":"string","length":50})"), "VARCHAR length 50");
  EXPECT_EQ(type(R"({"type":"WSTRING","length":"20"})"), "VARCHAR length 20");
  EXPECT_EQ(type(R"({"type":"string"})"), "TEXT");
  EXPECT_EQ(type(R"({"type":"int2"})"), "SMALLINT");
  EXPECT_EQ(type(R"({"type":"uint4"})"), "INT UNSIGNED");
  EXPECT_EQ(type(R"({"type":"numeric","precision":12,"scale":3})"), "DECIMAL(12,3)");
  EXPECT_EQ(type(R"({"type":"real4"})"), "FLOAT");
  EXPECT_EQ(type(R"({"type":"datetime","precision":6})"), "DATETIME(6)");
  EXPECT_EQ(type(R"({"type":"datetime","scale":7})"), "DATETIME(6)");
  EXPECT_EQ(type(R"({"type":"time","scale":3})"), "TIME(3)");
  EXPECT_EQ(type(R"({"type":"boolean"})"), "TINYINT length 1");
  EXPECT_EQ(type(R"({"type":"bytes","length":16})"), "BLOB (hex) length 16");
  EXPECT_EQ(type(R"({"type":"nclob"})"), "TEXT");
  EXPECT_EQ(type(R"({"type":"set"})").substr(0, 34), "error: data-type \"set\" is not a DM");
  EXPECT_EQ(type(R"({"type":"numeric"})").substr(0, 42),
            "error: data-type numeric needs a precision");
  EXPECT_EQ(type(R"({"type":"string","lenght":50})"),
            "error: data-type has an unknown key \"lenght\" (expected type, length, precision, "
            "scale)");
  EXPECT_EQ(type(R"({"length":50})"), "error: data-type lacks \"type\"");
  EXPECT_EQ(type(R"({"type":"string","length":-1})"),
            "error: data-type \"length\" must be a non-negative integer, not -1");
  EXPECT_EQ(type(R"("string")").substr(0, 33), "error: data-type must be an objec");
}

TEST(ExpressionTest, SeparateInstancesOnSeparateThreads) {
  std::vector<std::string> failures(2);
  auto work = [&](int k) {
    auto e = CompiledExpression::Compile("$qty * 2 + operation_indicator(0, 1000, 2000)", Users(),
                                         "", Type(R"({"type":"int8"})"), std::to_string(k));
    if (!e.ok()) {
      failures[k] = e.status().ToString();
      return;
    }
    for (int i = 0; i < 2000; ++i) {
      Row row;
      row.qty = i;
      std::vector<Value> values = row.Values();
      auto v = (*e)->Evaluate(values, Op(k == 0 ? 'I' : 'U'));
      const int64_t want = 2 * i + (k == 0 ? 2000 : 1000);
      if (!v.ok() || v->int_value() != want) {
        failures[k] = "row " + std::to_string(i) + ": " +
                      (v.ok() ? std::to_string(v->int_value()) : v.status().ToString());
        return;
      }
    }
  };
  std::thread a(work, 0), b(work, 1);
  a.join();
  b.join();
  EXPECT_EQ(failures[0], "");
  EXPECT_EQ(failures[1], "");
}

}  // namespace
}  // namespace binlake
