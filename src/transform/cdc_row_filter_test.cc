#include "transform/cdc_row_filter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace binlake {
namespace {

// shop.orders(id INT, status VARCHAR utf8mb4_general_ci, code VARCHAR utf8mb4_bin,
//             amount DECIMAL(10,2), placed DATETIME(6), wait TIME, kind ENUM('a','b'), ratio
//             DOUBLE)
TableSchema Orders() {
  TableSchema s;
  s.schema = "shop";
  s.table = "orders";
  auto add = [&](const char* name, SqlType type, uint16_t collation = 0) {
    Column c;
    c.name = name;
    c.type.type = type;
    c.type.collation_id = collation;
    s.columns.push_back(c);
  };
  add("id", SqlType::kInt);
  add("status", SqlType::kVarChar, 45);  // utf8mb4_general_ci
  add("code", SqlType::kVarChar, 46);    // utf8mb4_bin
  add("amount", SqlType::kDecimal);
  add("placed", SqlType::kDateTime);
  add("wait", SqlType::kTime);
  add("kind", SqlType::kEnum, 45);
  s.columns.back().type.elements = {"a", "b"};
  add("ratio", SqlType::kDouble);
  return s;
}

struct Row {
  int64_t id = 1;
  const char* status = "paid";
  const char* code = "X1";
  const char* amount = "10.00";
  DateTimeParts placed{2024, 5, 6, 7, 8, 9, 0};
  TimeParts wait{false, 1, 2, 3, 0};
  uint64_t kind = 1;
  double ratio = 0.5;
  bool null_status = false;

  std::vector<Value> Values() const {
    return {Value::Int(id),          null_status ? Value::Null() : Value::String(status),
            Value::String(code),     Value::Decimal(amount),
            Value::DateTime(placed), Value::Time(wait),
            Value::EnumIndex(kind),  Value::Double(ratio)};
  }
};

// Compiles one include rule for shop.orders with the given "filters" JSON array.
Result<CdcRowFilter> FilterFor(const std::string& filters_json) {
  auto mappings = TableMappings::Parse(
      R"({"rules":[{"rule-type":"selection","rule-id":"1","rule-name":"1",
          "rule-action":"include","object-locator":{"schema-name":"shop","table-name":"orders"},
          "filters":)" +
          filters_json + "}]}",
      "test");
  if (!mappings.ok()) return mappings.status();
  // The mappings must outlive the compile only; the filter copies what it needs.
  return CdcRowFilter::Compile(mappings->SelectingRulesFor("shop", "orders"), Orders());
}

std::string One(const std::string& column, const std::string& condition) {
  return R"([{"filter-type":"source","column-name":")" + column + R"(","filter-conditions":[)" +
         condition + "]}]";
}

bool Passes(const CdcRowFilter& f, const Row& r) {
  std::vector<Value> v = r.Values();
  return f.Passes(v);
}

TEST(CdcRowFilterTest, NumericComparisonsAreExact) {
  auto f = FilterFor(One("amount", R"({"filter-operator":"between","start-value":"9.5",
                                        "end-value":"0010.25"})"));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  Row r;
  for (auto [amount, want] : std::vector<std::pair<const char*, bool>>{{"9.49", false},
                                                                       {"9.50", true},
                                                                       {"10.25", true},
                                                                       {"10.26", false},
                                                                       {"-10.00", false},
                                                                       {"100.00", false}}) {
    r.amount = amount;
    EXPECT_EQ(Passes(*f, r), want) << amount;
  }
  f = FilterFor(One("id", R"({"filter-operator":"gte","value":"-3"})"));
  ASSERT_TRUE(f.ok());
  r.id = -4;
  EXPECT_FALSE(Passes(*f, r));
  r.id = -3;
  EXPECT_TRUE(Passes(*f, r));
  r.id = 12;  // "12" >= "-3" numerically, not as text
  EXPECT_TRUE(Passes(*f, r));
}

TEST(CdcRowFilterTest, TextFollowsTheCollationsCaseRule) {
  auto ci = FilterFor(One("status", R"({"filter-operator":"eq","value":"PAID "})"));
  auto cs = FilterFor(One("code", R"({"filter-operator":"eq","value":"x1"})"));
  ASSERT_TRUE(ci.ok() && cs.ok());
  Row r;
  EXPECT_TRUE(Passes(*ci, r));   // general_ci: case and trailing spaces ignored
  EXPECT_FALSE(Passes(*cs, r));  // _bin: "X1" != "x1"
  r.code = "x1";
  EXPECT_TRUE(Passes(*cs, r));
  auto e = FilterFor(One("kind", R"({"filter-operator":"eq","value":"B"})"));
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(Passes(*e, r));
  r.kind = 2;  // ENUM by label
  EXPECT_TRUE(Passes(*e, r));
}

TEST(CdcRowFilterTest, TemporalLiterals) {
  auto f = FilterFor(One("placed", R"({"filter-operator":"lte","value":"2024-05-06"})"));
  ASSERT_TRUE(f.ok());
  Row r;
  EXPECT_FALSE(Passes(*f, r));  // 2024-05-06 07:08:09 > 2024-05-06 00:00:00
  r.placed = DateTimeParts{2024, 5, 6, 0, 0, 0, 0};
  EXPECT_TRUE(Passes(*f, r));
  f = FilterFor(One("placed", R"({"filter-operator":"gte","value":"2024-05-06 07:08:09.5"})"));
  ASSERT_TRUE(f.ok());
  r.placed = DateTimeParts{2024, 5, 6, 7, 8, 9, 499999};
  EXPECT_FALSE(Passes(*f, r));
  r.placed.micros = 500000;
  EXPECT_TRUE(Passes(*f, r));
  f = FilterFor(One("wait", R"({"filter-operator":"notbetween","start-value":"-1:00:00",
                                  "end-value":"100:00:00"})"));
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(Passes(*f, r));  // 01:02:03 is between
  r.wait = TimeParts{true, 2, 0, 0, 0};
  EXPECT_TRUE(Passes(*f, r));
}

TEST(CdcRowFilterTest, NullSatisfiesOnlyNull) {
  Row r;
  r.null_status = true;
  for (const char* cond : {R"({"filter-operator":"eq","value":"paid"})",
                           R"({"filter-operator":"noteq","value":"paid"})",
                           R"({"filter-operator":"notbetween","start-value":"a","end-value":"b"})",
                           R"({"filter-operator":"notnull"})"}) {
    auto f = FilterFor(One("status", cond));
    ASSERT_TRUE(f.ok()) << cond;
    EXPECT_FALSE(Passes(*f, r)) << cond;
  }
  auto f = FilterFor(One("status", R"({"filter-operator":"null"})"));
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(Passes(*f, r));
}

TEST(CdcRowFilterTest, AndAcrossFiltersOrAcrossConditionsAndRules) {
  auto f = FilterFor(R"([
    {"filter-type":"source","column-name":"status","filter-conditions":[
       {"filter-operator":"eq","value":"paid"},{"filter-operator":"eq","value":"sent"}]},
    {"filter-type":"source","column-name":"ID","filter-conditions":[
       {"filter-operator":"between","start-value":"10","end-value":"20"}]}])");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_TRUE(f->active());
  Row r;
  r.id = 15;
  EXPECT_TRUE(Passes(*f, r));
  r.status = "sent";
  EXPECT_TRUE(Passes(*f, r));
  r.status = "open";
  EXPECT_FALSE(Passes(*f, r));
  r.status = "paid";
  r.id = 21;
  EXPECT_FALSE(Passes(*f, r));

  // A second rule without filters selects every row of the table.
  auto mappings = TableMappings::Parse(R"({"rules":[
    {"rule-type":"selection","rule-id":"1","rule-name":"1","rule-action":"include",
     "object-locator":{"schema-name":"shop","table-name":"orders"},
     "filters":[{"filter-type":"source","column-name":"id","filter-conditions":[
        {"filter-operator":"eq","value":"1"}]}]},
    {"rule-type":"selection","rule-id":"2","rule-name":"2","rule-action":"include",
     "object-locator":{"schema-name":"shop","table-name":"%"}}]})",
                                       "test");
  ASSERT_TRUE(mappings.ok());
  auto all = CdcRowFilter::Compile(mappings->SelectingRulesFor("shop", "orders"), Orders());
  ASSERT_TRUE(all.ok());
  EXPECT_FALSE(all->active());
  EXPECT_TRUE(Passes(*all, r));
}

TEST(CdcRowFilterTest, AbsentColumnsPassAndBadFiltersAreErrors) {
  auto f = FilterFor(One("status", R"({"filter-operator":"eq","value":"none"})"));
  ASSERT_TRUE(f.ok());
  Row r;
  std::vector<Value> v = r.Values();
  std::vector<uint8_t> present(v.size(), 1);
  EXPECT_FALSE(f->Passes(v, present));
  present[1] = 0;  // a minimal image without the filtered column: cannot judge, keep it
  EXPECT_TRUE(f->Passes(v, present));

  auto missing = FilterFor(One("customer", R"({"filter-operator":"eq","value":"5"})"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'customer'"), std::string::npos)
      << missing.status().message();
  auto bad = FilterFor(One("amount", R"({"filter-operator":"eq","value":"ten"})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'ten'"), std::string::npos) << bad.status().message();
  auto bad_date = FilterFor(One("placed", R"({"filter-operator":"eq","value":"2024-13-01"})"));
  EXPECT_FALSE(bad_date.ok());
}

}  // namespace
}  // namespace binlake
