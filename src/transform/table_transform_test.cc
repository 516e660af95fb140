#include "transform/table_transform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

namespace binlake {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A mappings document: include shop.% plus the given transformation rules (JSON objects
// without rule-type and rule-id, which are added: ids 2, 3, ...).
Result<TableMappings> Mappings(const std::vector<std::string>& rules) {
  std::string doc = R"({"rules":[{"rule-type":"selection","rule-id":"1","rule-action":"include",
      "object-locator":{"schema-name":"shop","table-name":"%"}})";
  int id = 2;
  for (const std::string& r : rules) {
    doc += R"(,{"rule-type":"transformation","rule-id":")" + std::to_string(id++) + "\"," + r + "}";
  }
  return TableMappings::Parse(doc + "]}", "m.json");
}

TableMappings MustParse(const std::vector<std::string>& rules) {
  Result<TableMappings> m = Mappings(rules);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? std::move(m).value() : TableMappings::AllUserTables();
}

std::string ColumnRule(std::string_view action, std::string_view table, std::string_view column,
                       std::string_view extra = "") {
  return R"("rule-target":"column","rule-action":")" + std::string(action) +
         R"(","object-locator":{"schema-name":"shop","table-name":")" + std::string(table) +
         R"(","column-name":")" + std::string(column) + "\"}" + std::string(extra);
}

std::string Table(std::string_view action, std::string_view table, std::string_view extra = "") {
  return R"("rule-target":"table","rule-action":")" + std::string(action) +
         R"(","object-locator":{"schema-name":"shop","table-name":")" + std::string(table) + "\"}" +
         std::string(extra);
}

TableSchema Customers() {
  TableSchema t;
  t.schema = "shop";
  t.table = "customers";
  for (const char* name : {"id", "email", "name", "ssn"}) {
    Column c;
    c.name = name;
    c.type.type = std::string_view(name) == "id" ? SqlType::kInt : SqlType::kVarChar;
    t.columns.push_back(c);
  }
  t.primary_key = {0};
  return t;
}

std::vector<std::string> Names(const TableSchema& t) {
  std::vector<std::string> out;
  for (const auto& c : t.columns) out.push_back(c.name);
  return out;
}

TEST(TransformationRuleTest, EachNamingActionAsDmsDescribesIt) {
  struct Case {
    std::string rule;
    std::string name;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {Table("rename", "customers", R"(,"value":"clients")"), "customers", "clients"},
      {Table("convert-uppercase", "%"), "customers", "CUSTOMERS"},
      {Table("convert-lowercase", "%"), "CuStomers", "customers"},
      {Table("add-prefix", "%", R"(,"value":"dms_")"), "customers", "dms_customers"},
      {Table("add-suffix", "%", R"(,"value":"_v1")"), "customers", "customers_v1"},
      {Table("remove-prefix", "%", R"(,"value":"cust")"), "customers", "omers"},
      {Table("remove-prefix", "%", R"(,"value":"x_")"), "customers", "customers"},
      {Table("remove-suffix", "%", R"(,"value":"ers")"), "customers", "custom"},
      {Table("replace-prefix", "%", R"(,"value":"new_","old-value":"old_")"), "old_orders",
       "new_orders"},
      {Table("replace-prefix", "%", R"(,"value":"new_","old-value":"old_")"), "orders", "orders"},
      {Table("replace-suffix", "%", R"(,"value":"_b","old-value":"_a")"), "t_a", "t_b"},
  };
  for (const Case& c : cases) {
    TableMappings m = MustParse({c.rule});
    ASSERT_EQ(m.transformation_rules().size(), 1u) << c.rule;
    EXPECT_EQ(m.transformation_rules()[0].Apply(c.name), c.expected) << c.rule;
  }
}

TEST(TableTransformTest, RenamesSchemaTableAndColumnsAndRemovesOne) {
  TableMappings m = MustParse({
      R"("rule-target":"schema","rule-action":"add-prefix","object-locator":{"schema-name":"shop"},
         "value":"lake_")",
      Table("rename", "customers", R"(,"value":"clients")"),
      ColumnRule("rename", "customers", "email", R"(,"value":"mail")"),
      ColumnRule("remove-column", "customers", "ssn"),
  });
  Result<TableTransform> t = TableTransform::Build(&m, Customers());
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_FALSE(t->identity());
  EXPECT_EQ(t->target().schema, "lake_shop");
  EXPECT_EQ(t->target().table, "clients");
  EXPECT_THAT(Names(t->target()), ElementsAre("id", "mail", "name"));
  EXPECT_THAT(t->target().primary_key, ElementsAre(0));
  EXPECT_THAT(t->source_columns(), ElementsAre(0, 1, 2));

  std::vector<Value> row = {Value::Int(7), Value::String("a@x"), Value::String("Ann"),
                            Value::String("123-45")};
  Result<RowTransformer> rows = RowTransformer::Create(&*t);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_FALSE(rows->needs_header());
  Result<std::span<const Value>> applied = rows->Apply(row, {});
  ASSERT_TRUE(applied.ok());
  std::span<const Value> out = *applied;
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].int_value(), 7);
  EXPECT_EQ(out[1].text(), "a@x");
  EXPECT_EQ(out[2].text(), "Ann");
}

TEST(TableTransformTest, IncludeColumnKeepsOnlyTheIncludedColumns) {
  TableMappings m = MustParse({ColumnRule("include-column", "customers", "id"),
                               ColumnRule("include-column", "customers", "n%")});
  Result<TableTransform> t = TableTransform::Build(&m, Customers());
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_THAT(Names(t->target()), ElementsAre("id", "name"));
  EXPECT_THAT(t->source_columns(), ElementsAre(0, 2));
  EXPECT_EQ(t->target().table, "customers");
  // Another table of the schema is untouched: the identity, rows pass as they are.
  TableSchema orders = Customers();
  orders.table = "orders";
  Result<TableTransform> o = TableTransform::Build(&m, orders);
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->identity());
  std::vector<Value> row(4, Value::Int(1));
  Result<RowTransformer> rows = RowTransformer::Create(&*o);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->Apply(row, {})->data(), row.data());
}

TEST(TableTransformTest, RemovingAKeyColumnLeavesTheTargetWithoutAKey) {
  TableMappings m = MustParse({ColumnRule("remove-column", "customers", "id")});
  Result<TableTransform> t = TableTransform::Build(&m, Customers());
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_THAT(Names(t->target()), ElementsAre("email", "name", "ssn"));
  EXPECT_TRUE(t->target().primary_key.empty());
}

TEST(TableTransformTest, NoRulesIsTheIdentity) {
  Result<TableTransform> t = TableTransform::Build(nullptr, Customers());
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->identity());
  EXPECT_EQ(t->target().table, "customers");
  TableMappings m = MustParse({Table("rename", "other", R"(,"value":"x")")});
  t = TableTransform::Build(&m, Customers());
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->identity());
}

TEST(TableTransformTest, RuleConflictsAreErrorsNamingTheRules) {
  auto error = [](const std::vector<std::string>& rules) {
    TableMappings m = MustParse(rules);
    Result<TableTransform> t = TableTransform::Build(&m, Customers());
    return t.ok() ? std::string("ok") : t.status().message();
  };
  EXPECT_THAT(error({Table("rename", "customers", R"(,"value":"a")"),
                     Table("add-suffix", "%", R"(,"value":"_x")")}),
              HasSubstr("rules 2 and 3 both act on table shop.customers"));
  EXPECT_THAT(error({ColumnRule("remove-column", "customers", "ssn"),
                     ColumnRule("rename", "customers", "ssn", R"(,"value":"x")")}),
              HasSubstr("rules 2 and 3 both act on column shop.customers.ssn"));
  EXPECT_THAT(error({ColumnRule("include-column", "customers", "ssn"),
                     ColumnRule("remove-column", "customers", "%")}),
              HasSubstr("rules 2 and 3 both act on column shop.customers.ssn"));
  EXPECT_THAT(error({ColumnRule("rename", "customers", "email", R"(,"value":"name")")}),
              HasSubstr("give two columns of shop.customers the name 'name'"));
  EXPECT_THAT(error({ColumnRule("remove-column", "customers", "%")}),
              HasSubstr("leave shop.customers without columns"));
  EXPECT_THAT(error({Table("rename", "customers", R"(,"value":"a/b")")}),
              HasSubstr("rule 2 names table shop.customers 'a/b', which holds a '/'"));
  EXPECT_THAT(error({Table("remove-prefix", "%", R"(,"value":"customers")")}),
              HasSubstr("rule 2 leaves table shop.customers without a name"));
}

TEST(TableTransformTest, TwoSourceTablesToOneTargetAreRefused) {
  TableMappings m = MustParse({Table("remove-suffix", "%", R"(,"value":"_old")")});
  TargetTableClaims claims;
  auto claim = [&](std::string_view table) {
    Result<TableName> target = TargetTableName(&m, "shop", table);
    EXPECT_TRUE(target.ok());
    return claims.Claim(TableName{"shop", std::string(table)}, *target);
  };
  EXPECT_TRUE(claim("orders").ok());
  EXPECT_TRUE(claim("orders").ok());  // the same source again
  Status s = claim("orders_old");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("map both shop.orders and shop.orders_old to the target table "
                                     "shop.orders"));
}

std::string AddColumn(std::string_view name, std::string_view expression, std::string_view type) {
  return R"("rule-target":"column","rule-action":"add-column","value":")" + std::string(name) +
         R"(","object-locator":{"schema-name":"shop","table-name":"customers"},"expression":")" +
         std::string(expression) + R"(","data-type":)" + std::string(type);
}

TEST(TableTransformTest, AddColumnAppendsTheExpressionsValue) {
  TableMappings m = MustParse({
      AddColumn("label", "$name || ' <' || $email || '>'", R"({"type":"string","length":50})"),
      AddColumn("twice", "$id * 2", R"({"type":"int8"})"),
      AddColumn("op", "operation_indicator('D', 'U', 'I')", R"({"type":"string","length":1})"),
      ColumnRule("remove-column", "customers", "ssn"),
  });
  Result<TableTransform> t = TableTransform::Build(&m, Customers());
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_THAT(Names(t->target()), ElementsAre("id", "email", "name", "label", "twice", "op"));
  EXPECT_EQ(t->target().columns[4].type.type, SqlType::kBigInt);
  EXPECT_EQ(t->target().columns[3].type.length, 50u);
  EXPECT_THAT(t->source_columns(), ElementsAre(0, 1, 2, -1, -1, -1));
  Result<RowTransformer> rows = RowTransformer::Create(&*t);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_TRUE(rows->needs_header());
  std::vector<Value> row = {Value::Int(21), Value::String("a@x"), Value::String("Ann"),
                            Value::String("123")};
  ExpressionRow header;
  header.op = 'U';
  Result<std::span<const Value>> out = rows->Apply(row, header);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), 6u);
  EXPECT_EQ((*out)[3].text(), "Ann <a@x>");
  EXPECT_EQ((*out)[4].int_value(), 42);
  EXPECT_EQ((*out)[5].text(), "U");
}

std::string BeforeImages(std::string_view def, std::string_view column = "") {
  return R"("rule-target":"column","rule-action":"add-before-image-columns",
      "object-locator":{"schema-name":"shop","table-name":"customers")" +
         std::string(column.empty() ? "" : R"(,"column-name":")" + std::string(column) + "\"") +
         "}" + (def.empty() ? "" : R"(,"before-image-def":)" + std::string(def));
}

// add-before-image-columns: a column per kept column the filter lets through, after the added
// ones, holding an update's before-image (NULL without one).
TEST(TableTransformTest, BeforeImageColumnsHoldTheValuesBeforeAnUpdate) {
  TableSchema source = Customers();
  source.columns[3].type.type = SqlType::kText;  // ssn: a LOB
  struct Case {
    std::string rule;
    std::vector<std::string> names;
  };
  const std::vector<Case> cases = {
      {BeforeImages(""), {"id", "email", "name", "ssn", "BI_id"}},  // pk-only, "BI_"
      {BeforeImages(R"({"column-filter":"non-lob","column-prefix":"","column-suffix":"_old"})"),
       {"id", "email", "name", "ssn", "id_old", "email_old", "name_old"}},
      {BeforeImages(R"({"column-filter":"all"})", "%m%"),
       {"id", "email", "name", "ssn", "BI_email", "BI_name"}},
  };
  for (const Case& c : cases) {
    TableMappings m = MustParse({c.rule});
    Result<TableTransform> t = TableTransform::Build(&m, source);
    ASSERT_TRUE(t.ok()) << t.status().message();
    EXPECT_EQ(Names(t->target()), c.names) << c.rule;
  }
  // With a rename, a removed column and an added one: named after the target's columns.
  TableMappings m = MustParse({ColumnRule("rename", "customers", "email", R"(,"value":"mail")"),
                               ColumnRule("remove-column", "customers", "ssn"),
                               AddColumn("twice", "$id * 2", R"({"type":"int8"})"),
                               BeforeImages(R"({"column-filter":"all"})")});
  Result<TableTransform> t = TableTransform::Build(&m, source);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_THAT(Names(t->target()),
              ElementsAre("id", "mail", "name", "twice", "BI_id", "BI_mail", "BI_name"));
  EXPECT_THAT(t->source_columns(), ElementsAre(0, 1, 2, -1, -2, -2, -2));
  EXPECT_EQ(t->target().columns[5].type.type, SqlType::kVarChar);
  EXPECT_THAT(t->target().primary_key, ElementsAre(0));
  Result<RowTransformer> rows = RowTransformer::Create(&*t);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  const std::vector<Value> before = {Value::Int(1), Value::String("a@x"), Value::Null(),
                                     Value::String("123")};
  const std::vector<Value> after = {Value::Int(2), Value::String("b@x"), Value::String("Bo"),
                                    Value::String("456")};
  ExpressionRow header;
  Result<std::span<const Value>> updated = rows->Apply(after, header, before);
  ASSERT_TRUE(updated.ok()) << updated.status().message();
  ASSERT_EQ(updated->size(), 7u);
  EXPECT_EQ((*updated)[0].int_value(), 2);
  EXPECT_EQ((*updated)[4].int_value(), 1);
  EXPECT_EQ((*updated)[5].text(), "a@x");
  EXPECT_TRUE((*updated)[6].is_null());
  Result<std::span<const Value>> inserted = rows->Apply(after, header);
  ASSERT_TRUE(inserted.ok());
  for (size_t i = 4; i < 7; ++i) EXPECT_TRUE((*inserted)[i].is_null()) << i;
}

TEST(TableTransformTest, BeforeImageRuleErrors) {
  auto error = [](const std::vector<std::string>& rules) {
    Result<TableMappings> m = Mappings(rules);
    if (!m.ok()) return m.status().message();
    Result<TableTransform> t = TableTransform::Build(&*m, Customers());
    return t.ok() ? std::string("ok") : t.status().message();
  };
  EXPECT_THAT(error({BeforeImages(R"({"column-prefix":"","column-suffix":""})")}),
              HasSubstr("rule 2: before-image-def sets both column-prefix and column-suffix to "
                        "empty strings"));
  EXPECT_THAT(error({BeforeImages(R"({"column-filter":"some"})")}),
              HasSubstr("rule 2: unknown column-filter 'some' (pk-only, non-lob or all)"));
  EXPECT_THAT(error({BeforeImages(""), BeforeImages(R"({"column-prefix":"B_"})")}),
              HasSubstr("rules 2 and 3 both act on table shop.customers"));
  EXPECT_THAT(error({AddColumn("BI_id", "1", R"({"type":"int8"})"), BeforeImages("")}),
              HasSubstr("rule 3 adds before-image column 'BI_id' to shop.customers, which has a "
                        "column of that name"));
}

TableSchema Passports() {
  TableSchema t;
  t.schema = "shop";
  t.table = "customers";
  auto add = [&](const char* name, SqlType type) {
    Column c;
    c.name = name;
    c.type.type = type;
    t.columns.push_back(c);
  };
  add("id", SqlType::kInt);
  add("passport", SqlType::kVarChar);
  add("card", SqlType::kVarChar);
  add("phone", SqlType::kChar);
  add("age", SqlType::kTinyInt);
  add("balance", SqlType::kDecimal);
  t.primary_key = {0};
  return t;
}

// Data masking, with the DMS guide's own examples: digits masked with '#', the SHA-256 hash in
// upper-case hex, digits randomized (same length, non-digits kept; integers keep their digit
// count, sign and range).
TEST(TableTransformTest, DataMaskingAsTheDmsGuideShowsIt) {
  TableMappings m = MustParse({
      ColumnRule("data-masking-digits-mask", "customers", "passport", R"(,"value":"#")"),
      ColumnRule("data-masking-hash-mask", "customers", "card"),
      ColumnRule("data-masking-digits-randomize", "customers", "phone"),
      ColumnRule("data-masking-digits-randomize", "customers", "age"),
      ColumnRule("data-masking-digits-randomize", "customers", "balance"),
  });
  Result<TableTransform> t = TableTransform::Build(&m, Passports());
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_FALSE(t->identity());
  EXPECT_FALSE(t->masked(0));
  EXPECT_TRUE(t->masked(1));
  Result<RowTransformer> rows = RowTransformer::Create(&*t);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ExpressionRow header;
  for (int round = 0; round < 50; ++round) {
    const std::vector<Value> row = {Value::Int(7),
                                    Value::String("C6BGJ566669K"),
                                    Value::String("C6BGJ566669K"),
                                    Value::String("+1 (555) 010-9999"),
                                    Value::Int(round % 2 ? 127 : -5),
                                    Value::Decimal("-123.45")};
    Result<std::span<const Value>> out = rows->Apply(row, header);
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ((*out)[0].int_value(), 7);
    EXPECT_EQ((*out)[1].text(), "C#BGJ######K");
    EXPECT_EQ((*out)[2].text(), "7CB06784764C9030CCC41E25C15339FEB293FFE9B329A72B5FED564E99900C75");
    const std::string phone((*out)[3].text());
    ASSERT_EQ(phone.size(), 17u);
    for (size_t i = 0; i < phone.size(); ++i) {
      const char was = "+1 (555) 010-9999"[i];
      EXPECT_EQ(std::isdigit(static_cast<unsigned char>(phone[i])) != 0,
                std::isdigit(static_cast<unsigned char>(was)) != 0);
      if (!std::isdigit(static_cast<unsigned char>(was))) {
        EXPECT_EQ(phone[i], was);
      }
    }
    const int64_t age = (*out)[4].int_value();
    if (round % 2) {
      EXPECT_GE(age, 100);
      EXPECT_LE(age, 127);  // TINYINT
    } else {
      EXPECT_GE(age, -9);
      EXPECT_LE(age, 0);
    }
    const std::string balance((*out)[5].text());
    ASSERT_EQ(balance.size(), 7u);
    EXPECT_EQ(balance[0], '-');
    EXPECT_EQ(balance[4], '.');
    EXPECT_EQ((*out)[5].kind(), Value::Kind::kDecimal);
  }
  const std::vector<Value> nulls = {Value::Int(8), Value::Null(), Value::Null(),
                                    Value::Null(), Value::Null(), Value::Null()};
  Result<std::span<const Value>> out = rows->Apply(nulls, header);
  ASSERT_TRUE(out.ok());
  for (size_t i = 1; i < 6; ++i) EXPECT_TRUE((*out)[i].is_null()) << i;
}

TEST(TableTransformTest, DataMaskingErrorsNameTheRuleAndColumn) {
  auto error = [](const std::vector<std::string>& rules) {
    Result<TableMappings> m = Mappings(rules);
    if (!m.ok()) return m.status().message();
    Result<TableTransform> t = TableTransform::Build(&*m, Passports());
    return t.ok() ? std::string("ok") : t.status().message();
  };
  EXPECT_THAT(
      error({ColumnRule("data-masking-digits-mask", "customers", "age", R"(,"value":"*")")}),
      HasSubstr("rule 2: column shop.customers.age: data-masking-digits-mask does not "
                "apply to a tinyint column (strings only"));
  EXPECT_THAT(error({ColumnRule("data-masking-digits-randomize", "customers", "id")}),
              HasSubstr("rule 2: column shop.customers.id is in the primary key"));
  EXPECT_EQ(error({ColumnRule("data-masking-hash-mask", "customers", "id")}),
            "table-mappings rule 2: column shop.customers.id: data-masking-hash-mask does not "
            "apply to a int column (strings only; a change-data-type rule to a string can come "
            "first)");
  EXPECT_THAT(
      error({ColumnRule("data-masking-digits-mask", "customers", "passport", R"(,"value":"ab")")}),
      HasSubstr("needs a 'value' of one printable ASCII character"));
  EXPECT_THAT(error({ColumnRule("data-masking-hash-mask", "customers", "card"),
                     ColumnRule("data-masking-digits-randomize", "customers", "card")}),
              HasSubstr("rules 2 and 3 both act on column shop.customers.card"));
  // With a change-data-type of the same column first: allowed, as in DMS.
  EXPECT_EQ(error({ColumnRule("change-data-type", "customers", "age",
                              R"(,"data-type":{"type":"string","length":10})"),
                   ColumnRule("data-masking-hash-mask", "customers", "age")}),
            "ok");
}

// change-data-type: the column stays in place with its name and key role, with the rule's
// type; each value converted as `$column` with that data-type.
TEST(TableTransformTest, ChangeDataTypeConvertsTheColumnInPlace) {
  TableMappings m = MustParse({
      ColumnRule("change-data-type", "customers", "id",
                 R"(,"data-type":{"type":"string","length":11})"),
      ColumnRule("change-data-type", "customers", "ssn", R"(,"data-type":{"type":"int8"})"),
      ColumnRule("rename", "customers", "name", R"(,"value":"full_name")"),
  });
  Result<TableTransform> t = TableTransform::Build(&m, Customers());
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_FALSE(t->identity());
  EXPECT_THAT(Names(t->target()), ElementsAre("id", "email", "full_name", "ssn"));
  EXPECT_EQ(t->target().columns[0].type.type, SqlType::kVarChar);
  EXPECT_EQ(t->target().columns[3].type.type, SqlType::kBigInt);
  EXPECT_THAT(t->target().primary_key, ElementsAre(0));  // still the key
  EXPECT_THAT(t->source_columns(), ElementsAre(-1, 1, 2, -1));
  Result<RowTransformer> rows = RowTransformer::Create(&*t);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  std::vector<Value> row = {Value::Int(-7), Value::String("a@x"), Value::String("Ann"),
                            Value::String("0123")};
  Result<std::span<const Value>> out = rows->Apply(row, {});
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), 4u);
  EXPECT_EQ((*out)[0].text(), "-7");
  EXPECT_EQ((*out)[1].text(), "a@x");
  EXPECT_EQ((*out)[2].text(), "Ann");
  EXPECT_EQ((*out)[3].int_value(), 123);
  row[3] = Value::Null();
  out = rows->Apply(row, {});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_TRUE((*out)[3].is_null());
  // A value the new type cannot hold stops with the rule and the row.
  row[3] = Value::String("12-34");
  out = rows->Apply(row, {});
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.status().message(), HasSubstr("rule 3: "));
  EXPECT_THAT(out.status().message(), HasSubstr("(in shop.customers, key id=-7)"));
}

// An expression on an existing column (a change-data-type rule with an expression): the column
// keeps its place and name, its content is the expression's, typed by the rule's data-type.
TEST(TableTransformTest, AnExpressionReplacesAnExistingColumnsContent) {
  TableMappings m = MustParse({
      ColumnRule(
          "change-data-type", "customers", "email",
          R"(,"data-type":{"type":"string","length":60},)"
          R"("expression":"upper(substr($email, 1, instr($email, '@') - 1)) || ' #' || $id")"),
  });
  Result<TableTransform> t = TableTransform::Build(&m, Customers());
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_THAT(Names(t->target()), ElementsAre("id", "email", "name", "ssn"));
  EXPECT_THAT(t->source_columns(), ElementsAre(0, -1, 2, 3));
  Result<RowTransformer> rows = RowTransformer::Create(&*t);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  std::vector<Value> row = {Value::Int(5), Value::String("ann@x.org"), Value::String("Ann"),
                            Value::String("1")};
  Result<std::span<const Value>> out = rows->Apply(row, {});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)[1].text(), "ANN #5");
  EXPECT_EQ((*out)[2].text(), "Ann");
  // A malformed expression: SQLite's message with the rule, before any row.
  TableMappings bad = MustParse({ColumnRule("change-data-type", "customers", "email",
                                            R"(,"data-type":{"type":"string","length":60},)"
                                            R"("expression":"upper($email")")});
  Result<TableTransform> refused = TableTransform::Build(&bad, Customers());
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("rule 2"));
  // On another action: refused.
  Result<TableMappings> rename =
      Mappings({ColumnRule("rename", "customers", "email", R"(,"value":"m","expression":"1")")});
  ASSERT_FALSE(rename.ok());
  EXPECT_THAT(rename.status().message(), HasSubstr("an expression on rule-action 'rename'"));
}

TEST(TableTransformTest, ChangeDataTypeIsOneActionPerColumn) {
  auto build = [](const std::vector<std::string>& rules) {
    TableMappings m = MustParse(rules);
    Result<TableTransform> t = TableTransform::Build(&m, Customers());
    return t.ok() ? std::string("ok") : t.status().message();
  };
  const std::string retype =
      ColumnRule("change-data-type", "customers", "ssn", R"(,"data-type":{"type":"int8"})");
  EXPECT_THAT(build({retype, ColumnRule("rename", "customers", "ssn", R"(,"value":"x")")}),
              HasSubstr("rules 3 and 2 both act on column shop.customers.ssn"));
  EXPECT_THAT(build({ColumnRule("remove-column", "customers", "ssn"), retype}),
              HasSubstr("rules 2 and 3 both act on column shop.customers.ssn"));
  EXPECT_THAT(build({retype, retype}), HasSubstr("rules 2 and 3 both act on column"));
  // Its data-type is checked when the mappings are read.
  Result<TableMappings> bad = Mappings(
      {ColumnRule("change-data-type", "customers", "ssn", R"(,"data-type":{"type":"nope"})")});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("rule 2: "));
  Result<TableMappings> missing = Mappings({ColumnRule("change-data-type", "customers", "ssn")});
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("change-data-type needs a 'data-type'"));
}

TEST(TableTransformTest, AddColumnErrorsNameTheRuleTableAndRow) {
  auto build = [](const std::string& rule) {
    TableMappings m = MustParse({rule});
    Result<TableTransform> t = TableTransform::Build(&m, Customers());
    return t.ok() ? std::string("ok") : t.status().message();
  };
  EXPECT_THAT(build(AddColumn("x", "$nope || 1", R"({"type":"string"})")),
              HasSubstr("rule 2: expression names $nope"));
  EXPECT_THAT(build(AddColumn("x", "$name ||", R"({"type":"string"})")), HasSubstr("rule 2: "));
  EXPECT_THAT(build(AddColumn("email", "1", R"({"type":"int8"})")),
              HasSubstr("rule 2 adds column 'email' to shop.customers, which has a column"));
  // A value the data-type cannot hold stops with the rule, the table and the row's key.
  TableMappings m = MustParse({AddColumn("n", "$name", R"({"type":"int8"})")});
  Result<TableTransform> t = TableTransform::Build(&m, Customers());
  ASSERT_TRUE(t.ok()) << t.status().message();
  Result<RowTransformer> rows = RowTransformer::Create(&*t);
  ASSERT_TRUE(rows.ok());
  std::vector<Value> row = {Value::Int(9), Value::String("a@x"), Value::String("Ann"),
                            Value::Null()};
  Result<std::span<const Value>> out = rows->Apply(row, {});
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.status().message(), HasSubstr("rule 2: "));
  EXPECT_THAT(out.status().message(), HasSubstr("(in shop.customers, key id=9)"));
}

TEST(TransformationRuleTest, MalformedRulesAreOneLineErrorsNamingTheRule) {
  auto error = [](const std::string& rule) {
    Result<TableMappings> m = Mappings({rule});
    return m.ok() ? std::string("ok") : m.status().message();
  };
  EXPECT_THAT(error(Table("rename", "t")), HasSubstr("rule 2: rule-action 'rename' needs"));
  EXPECT_THAT(error(Table("remove-column", "t")), HasSubstr("needs rule-target 'column'"));
  EXPECT_THAT(error(Table("convert-lowercase", "t", R"(,"value":"x")")),
              HasSubstr("takes no 'value'"));
  EXPECT_THAT(error(Table("replace-prefix", "t", R"(,"value":"x")")),
              HasSubstr("needs a non-empty 'old-value'"));
  EXPECT_THAT(error(R"("rule-target":"table-tablespace","rule-action":"rename","value":"x",
                       "object-locator":{"schema-name":"s","table-tablespace-name":"t"})"),
              HasSubstr("applies to database targets only"));
  EXPECT_THAT(error(R"("rule-target":"column","rule-action":"remove-column",
                       "object-locator":{"schema-name":"s","table-name":"t","column-name":"%",
                       "data-type":{"type":"int8"}})"),
              HasSubstr("'data-type' (matching columns by their DMS type) is not supported"));
  EXPECT_THAT(error(Table("explode", "t")), HasSubstr("unknown rule-action 'explode'"));
  EXPECT_THAT(error(R"("rule-target":"column","rule-action":"remove-column",
                       "object-locator":{"schema-name":"s","table-name":"t"})"),
              HasSubstr("missing 'column-name'"));
}

}  // namespace
}  // namespace binlake
