#include "transform/table_mappings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

namespace binlake {
namespace {

using ::testing::HasSubstr;

bool Match(std::string_view pattern, std::string_view name) {
  Result<NamePattern> p = NamePattern::Compile(pattern);
  EXPECT_TRUE(p.ok()) << pattern << ": " << p.status().message();
  return p.ok() && p->Matches(name);
}

// ---- Wildcard matcher ----

TEST(NamePatternTest, Percent) {
  EXPECT_TRUE(Match("%", ""));
  EXPECT_TRUE(Match("%", "anything"));
  EXPECT_TRUE(Match("DMS%", "DMS"));
  EXPECT_TRUE(Match("DMS%", "DMS_log"));
  EXPECT_FALSE(Match("DMS%", "xDMS"));
  EXPECT_TRUE(Match("%log", "audit_log"));
  EXPECT_FALSE(Match("%log", "audit_logs"));
  EXPECT_TRUE(Match("a%b%c", "abc"));
  EXPECT_TRUE(Match("a%b%c", "a123b456c"));
  EXPECT_TRUE(Match("a%b%c", "abcbc"));
  EXPECT_FALSE(Match("a%b%c", "a123c"));
  EXPECT_TRUE(Match("%%", "x"));
  EXPECT_TRUE(Match("a%%b", "ab"));
  EXPECT_TRUE(Match("%a%", "banana"));
  EXPECT_FALSE(Match("%z%", "banana"));
}

TEST(NamePatternTest, Underscore) {
  EXPECT_TRUE(Match("t_", "t1"));
  EXPECT_FALSE(Match("t_", "t"));
  EXPECT_FALSE(Match("t_", "t12"));
  EXPECT_TRUE(Match("order_items", "order_items"));
  EXPECT_TRUE(Match("order_items", "orderXitems"));  // '_' is a wildcard in include rules
  EXPECT_TRUE(Match("___", "abc"));
  EXPECT_FALSE(Match("___", "ab"));
  EXPECT_TRUE(Match("_%", "a"));
  EXPECT_FALSE(Match("_%", ""));
}

TEST(NamePatternTest, Sets) {
  EXPECT_TRUE(Match("order[_]items", "order_items"));
  EXPECT_FALSE(Match("order[_]items", "orderXitems"));
  EXPECT_TRUE(Match("t[ab]", "ta"));
  EXPECT_TRUE(Match("t[ab]", "tb"));
  EXPECT_FALSE(Match("t[ab]", "tc"));
  EXPECT_FALSE(Match("t[ab]", "tab"));
  EXPECT_TRUE(Match("t[a-d]", "tc"));
  EXPECT_TRUE(Match("t[a-d]", "td"));
  EXPECT_FALSE(Match("t[a-d]", "te"));
  EXPECT_FALSE(Match("t[a-d]", "tA"));  // case-sensitive
  EXPECT_TRUE(Match("t[a-cx_]", "tx"));
  EXPECT_TRUE(Match("t[a-cx_]", "t_"));
  EXPECT_FALSE(Match("t[a-cx_]", "ty"));
  EXPECT_TRUE(Match("t[-a]", "t-"));  // '-' first is literal
  EXPECT_TRUE(Match("t[a-]", "t-"));  // '-' last is literal
  EXPECT_TRUE(Match("100[%]", "100%"));
  EXPECT_FALSE(Match("100[%]", "1000"));
  EXPECT_TRUE(Match("log_20[0-9][0-9]%", "log_2024_01"));
  EXPECT_FALSE(Match("log_20[0-9][0-9]%", "log_20x4_01"));
  EXPECT_TRUE(Match("a]b", "a]b"));  // a lone ']' is literal
}

TEST(NamePatternTest, CaseSensitive) {
  EXPECT_TRUE(Match("Orders", "Orders"));
  EXPECT_FALSE(Match("Orders", "orders"));
  EXPECT_FALSE(Match("o%", "Orders"));
}

TEST(NamePatternTest, Utf8CodePoints) {
  EXPECT_TRUE(Match("caf_", "café"));  // '_' is one character, not one byte
  EXPECT_FALSE(Match("caf__", "café"));
  EXPECT_TRUE(Match("[é]t[é]", "été"));
  EXPECT_TRUE(Match("[à-ä]", "â"));
  EXPECT_TRUE(Match("%表", "数据表"));
  // Invalid UTF-8 still matches byte for byte.
  EXPECT_TRUE(Match("a\xff%",
                    "a\xff"
                    "b"));
  EXPECT_TRUE(Match("a_", "a\xff"));
}

TEST(NamePatternTest, CompileErrorsAndFlags) {
  EXPECT_THAT(NamePattern::Compile("a[bc").status().message(), HasSubstr("unclosed '['"));
  EXPECT_THAT(NamePattern::Compile("a[]").status().message(), HasSubstr("empty set"));
  EXPECT_THAT(NamePattern::Compile("a[z-a]").status().message(), HasSubstr("reversed range"));
  EXPECT_TRUE(NamePattern::Compile("orders")->is_literal());
  EXPECT_TRUE(NamePattern::Compile("order[_]items")->is_literal());
  EXPECT_FALSE(NamePattern::Compile("order_items")->is_literal());
  EXPECT_FALSE(NamePattern::Compile("order_items")->has_percent());
  EXPECT_TRUE(NamePattern::Compile("o%")->has_percent());
  EXPECT_FALSE(NamePattern::Compile("100[%]")->has_percent());
  NamePattern lit = NamePattern::Literal("a_%");
  EXPECT_TRUE(lit.Matches("a_%"));
  EXPECT_FALSE(lit.Matches("ab%"));
  EXPECT_FALSE(lit.Matches("a_xyz"));
}

// ---- Rules ----

std::string Rule(int id, const std::string& action, const std::string& schema,
                 const std::string& table, const std::string& extra = "") {
  return R"({"rule-type":"selection","rule-id":")" + std::to_string(id) + R"(","rule-name":")" +
         std::to_string(id) + R"(","object-locator":{"schema-name":")" + schema +
         R"(","table-name":")" + table + R"("},"rule-action":")" + action + "\"" + extra + "}";
}

TableMappings Parse(const std::vector<std::string>& rules) {
  std::string doc = R"({"rules":[)";
  for (size_t i = 0; i < rules.size(); ++i) doc += (i ? "," : "") + rules[i];
  doc += "]}";
  Result<TableMappings> m = TableMappings::Parse(doc, "mappings.json");
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? std::move(m).value() : TableMappings();
}

std::string ParseError(const std::string& doc) {
  Result<TableMappings> m = TableMappings::Parse(doc, "mappings.json");
  EXPECT_FALSE(m.ok()) << doc;
  return m.ok() ? "" : m.status().message();
}

TEST(TableMappingsTest, DefaultSelectsUserSchemasOnly) {
  TableMappings m = TableMappings::AllUserTables();
  EXPECT_TRUE(m.is_default());
  EXPECT_TRUE(m.Selects("shop", "orders"));
  EXPECT_TRUE(m.Selects("Mysql", "t"));  // only the exact system names are system schemas
  for (const char* s : {"mysql", "information_schema", "performance_schema", "sys"}) {
    EXPECT_FALSE(m.Selects(s, "user")) << s;
  }
  EXPECT_TRUE(m.CheckExplicitOrNonWildcardRulesMatch({}).ok());
}

TEST(TableMappingsTest, IncludeAndExcludeWins) {
  // DMS's own example: all of Test except tables starting with DMS.
  TableMappings m = Parse({Rule(1, "include", "Test", "%"), Rule(2, "exclude", "Test", "DMS%")});
  EXPECT_TRUE(m.Selects("Test", "orders"));
  EXPECT_FALSE(m.Selects("Test", "DMS_log"));
  EXPECT_FALSE(m.Selects("test", "orders"));  // case-sensitive
  EXPECT_FALSE(m.Selects("Other", "orders"));
  // Order of rules does not matter: exclude first.
  TableMappings r = Parse({Rule(2, "exclude", "Test", "DMS%"), Rule(1, "include", "Test", "%")});
  EXPECT_FALSE(r.Selects("Test", "DMS_log"));
  EXPECT_TRUE(r.Selects("Test", "orders"));
}

TEST(TableMappingsTest, ExcludeWinsOverExplicit) {
  TableMappings m = Parse({Rule(1, "explicit", "s", "t"), Rule(2, "exclude", "%", "t")});
  EXPECT_FALSE(m.Selects("s", "t"));
}

TEST(TableMappingsTest, ExplicitIsLiteral) {
  TableMappings m = Parse({Rule(1, "explicit", "NewCust", "order_items")});
  EXPECT_TRUE(m.Selects("NewCust", "order_items"));
  EXPECT_FALSE(m.Selects("NewCust", "orderXitems"));
  EXPECT_FALSE(m.Selects("NewCust", "order_items2"));
  TableMappings pct = Parse({Rule(1, "explicit", "s", "%")});
  EXPECT_FALSE(pct.Selects("s", "orders"));
  EXPECT_TRUE(pct.Selects("s", "%"));
}

TEST(TableMappingsTest, SystemSchemasNeedALiteralRule) {
  TableMappings wild = Parse({Rule(1, "include", "%", "%")});
  EXPECT_TRUE(wild.Selects("shop", "orders"));
  EXPECT_FALSE(wild.Selects("mysql", "user"));
  EXPECT_FALSE(wild.Selects("sys", "x"));
  TableMappings lit = Parse({Rule(1, "include", "%", "%"), Rule(2, "include", "mysql", "user")});
  EXPECT_TRUE(lit.Selects("mysql", "user"));
  EXPECT_FALSE(lit.Selects("mysql", "db"));
  TableMappings info = Parse({Rule(1, "include", "information_schema", "TABLES")});
  EXPECT_TRUE(info.Selects("information_schema", "TABLES"));
  TableMappings ex = Parse({Rule(1, "explicit", "sys", "x")});
  EXPECT_TRUE(ex.Selects("sys", "x"));
}

TEST(TableMappingsTest, NothingMatchesNothingSelected) {
  TableMappings m = Parse({Rule(1, "include", "a", "b")});
  EXPECT_FALSE(m.Selects("a", "c"));
}

// A table-settings rule with lob-settings only: accepted, with a note for the log (binlake never
// truncates a LOB value, whatever the mode asks); next to an unknown setting it is refused.
TEST(TableMappingsTest, LobSettingsAreAcceptedWithANote) {
  const std::string include = Rule(1, "include", "s", "%");
  const std::string lob = R"({"rule-type":"table-settings","rule-id":"7","rule-name":"7",
      "object-locator":{"schema-name":"s","table-name":"docs"},
      "lob-settings":{"mode":"limited","bulk-max-size":"16"}})";
  auto m = TableMappings::Parse(R"({"rules":[)" + include + "," + lob + "]}", "m.json");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->notes().size(), 1u);
  EXPECT_THAT(m->notes()[0], HasSubstr("rule 7: lob-settings (mode limited) change nothing"));
  EXPECT_THAT(m->notes()[0], HasSubstr("never truncated"));
  EXPECT_TRUE(m->Selects("s", "docs"));
  const std::string both = R"({"rule-type":"table-settings","rule-id":"8","rule-name":"8",
      "object-locator":{"schema-name":"s","table-name":"docs"},
      "lob-settings":{"mode":"unlimited"},"load-order":3})";
  EXPECT_THAT(ParseError(R"({"rules":[)" + include + "," + both + "]}"),
              HasSubstr("rule 8: table-settings 'load-order' is not supported yet"));
  const std::string bare = R"({"rule-type":"table-settings","rule-id":"9","rule-name":"9",
      "lob-settings":{"mode":"none"}})";
  EXPECT_THAT(ParseError(R"({"rules":[)" + include + "," + bare + "]}"),
              HasSubstr("rule 9: table-settings needs an object-locator"));
}

// parallel-load: ranges (columns, boundaries), none, the partition types (a note: binlake's own
// key ranges); the first matching rule wins; malformed ones are one line naming the rule.
TEST(TableMappingsTest, ParallelLoadOfTheFirstMatchingRule) {
  const std::string include = Rule(1, "include", "s", "%");
  auto settings = [](int id, const std::string& table, const std::string& load) {
    return R"({"rule-type":"table-settings","rule-id":")" + std::to_string(id) +
           R"(","object-locator":{"schema-name":"s","table-name":")" + table +
           R"("},"parallel-load":)" + load + "}";
  };
  auto m = TableMappings::Parse(R"({"rules":[)" + include + "," +
                                    settings(2, "big", R"({"type":"ranges","columns":["a","b"],
                                 "boundaries":[["1","x"],[2,"y"]]})") +
                                    "," + settings(3, "%", R"({"type":"none"})") + "," +
                                    settings(4, "parts", R"({"type":"partitions-auto"})") + "]}",
                                "m.json");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const ParallelLoad* big = m->ParallelLoadFor("s", "big");
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->type, ParallelLoad::Type::kRanges);
  EXPECT_EQ(big->rule_id, "2");
  EXPECT_EQ(big->columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(big->boundaries, (std::vector<std::vector<std::string>>{{"1", "x"}, {"2", "y"}}));
  ASSERT_NE(m->ParallelLoadFor("s", "other"), nullptr);
  EXPECT_EQ(m->ParallelLoadFor("s", "other")->type, ParallelLoad::Type::kNone);
  EXPECT_EQ(m->ParallelLoadFor("s", "parts")->type, ParallelLoad::Type::kNone);  // rule 3 first
  EXPECT_EQ(m->ParallelLoadFor("t", "big"), nullptr);
  ASSERT_EQ(m->notes().size(), 1u);
  EXPECT_THAT(m->notes()[0], HasSubstr("rule 4: parallel-load partitions-auto: binlake reads"));

  EXPECT_THAT(ParseError(R"({"rules":[)" + include + "," +
                         settings(5, "t", R"({"type":"ranges","columns":["a"],
                                              "boundaries":[["1","2"]]})") +
                         "]}"),
              HasSubstr("rule 5: a parallel-load boundary has 2 value(s) for 1 column(s)"));
  EXPECT_THAT(ParseError(R"({"rules":[)" + include + "," +
                         settings(6, "t", R"({"type":"ranges","columns":["a"]})") + "]}"),
              HasSubstr("rule 6: parallel-load type 'ranges' needs 'columns' and 'boundaries'"));
  EXPECT_THAT(
      ParseError(R"({"rules":[)" + include + "," + settings(7, "t", R"({"type":"magic"})") + "]}"),
      HasSubstr("rule 7: parallel-load type 'magic' is not one of ranges, none"));
}

// Rule types and transformation actions not implemented yet: a mappings document with one is
// refused with a line naming the rule, never replicated as if the rule were not there (a
// define-primary-key rule ignored would leave the key the user asked for out).
TEST(TableMappingsTest, OtherRuleTypesAreRefusedUntilImplemented) {
  const std::string include = Rule(1, "include", "s", "%");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"rule-type":"transformation","rule-id":"2","rule-name":"2","rule-target":"table",
           "object-locator":{"schema-name":"s","table-name":"t"},
           "rule-action":"define-primary-key","primary-key-def":{"name":"k","columns":["a"]}})",
       "rule 2: rule-action 'define-primary-key' is not supported yet"},

  };
  for (const auto& [rule, message] : cases) {
    const std::string error = ParseError(R"({"rules":[)" + include + "," + rule + "]}");
    EXPECT_THAT(error, HasSubstr(message));
    EXPECT_THAT(error, HasSubstr("to go on"));
  }
}

// post-processing add-tag rules: the tag-set of the best-matching rule (literal names beat
// wildcards; the first among equals), with ${schema-name} and ${table-name} substituted; S3's
// limits checked.
TEST(TableMappingsTest, PostProcessingTagsOfTheBestMatchingRule) {
  const std::string include = Rule(1, "include", "%", "%");
  auto tag_rule = [](int id, const std::string& schema, const std::string& table,
                     const std::string& tags) {
    return R"({"rule-type":"post-processing","rule-id":")" + std::to_string(id) +
           R"(","rule-name":"x","rule-action":"add-tag","object-locator":{"schema-name":")" +
           schema + R"(","table-name":")" + table + R"("},"tag-set":)" + tags + "}";
  };
  // The DMS guide's example: a wildcard rule with dynamic tags, an exact one for aat.ITEM.
  Result<TableMappings> m = TableMappings::Parse(
      R"({"rules":[)" + include + "," +
          tag_rule(21, "%", "%",
                   R"([{"key":"dw-schema-name","value":"${schema-name}"},
                       {"key":"dw-schema-table","value":"my_prefix_${table-name}"}])") +
          "," + tag_rule(41, "aat", "ITEM", R"([{"key":"tag_1","value":"value_1"}])") + "," +
          tag_rule(42, "aat", "IT%", R"([{"key":"other","value":"x"}])") + "]}",
      "m.json");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_TRUE(m->HasObjectTags());
  using Tags = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(*m->ObjectTagsFor("retail", "STOCK"),
            (Tags{{"dw-schema-name", "retail"}, {"dw-schema-table", "my_prefix_STOCK"}}));
  EXPECT_EQ(*m->ObjectTagsFor("aat", "ITEM"), (Tags{{"tag_1", "value_1"}}));
  EXPECT_EQ(*m->ObjectTagsFor("aat", "ITEMS"), (Tags{{"other", "x"}}));

  // Dynamic keys that collide or grow past S3's limits: an error naming the rule and table.
  Result<TableMappings> dup = TableMappings::Parse(
      R"({"rules":[)" + include + "," +
          tag_rule(5, "%", "%",
                   R"([{"key":"${schema-name}","value":"a"},{"key":"s","value":"b"}])") +
          "]}",
      "m.json");
  ASSERT_TRUE(dup.ok()) << dup.status().message();
  EXPECT_EQ(dup->ObjectTagsFor("s", "t").status().message(),
            "table-mappings rule 5 on s.t: two tags named 's'");
  const std::string eleven = [] {
    std::string t = "[";
    for (int i = 0; i < 11; ++i)
      t += std::string(i ? "," : "") + R"({"key":"k)" + std::to_string(i) + R"(","value":"v"})";
    return t + "]";
  }();
  EXPECT_THAT(ParseError(R"({"rules":[)" + include + "," + tag_rule(6, "%", "%", eleven) + "]}"),
              HasSubstr("rule 6: a tag-set of 11 tags: S3 allows at most 10 per object"));
  EXPECT_THAT(ParseError(R"({"rules":[)" + include + "," + tag_rule(7, "%", "%", "[]") + "]}"),
              HasSubstr("rule 7: add-tag needs a non-empty 'tag-set'"));
  Result<TableMappings> longkey = TableMappings::Parse(
      R"({"rules":[)" + include + "," +
          tag_rule(8, "%", "%", R"([{"key":"${table-name}","value":"v"}])") + "]}",
      "m.json");
  ASSERT_TRUE(longkey.ok());
  EXPECT_THAT(longkey->ObjectTagsFor("s", std::string(129, 't')).status().message(),
              HasSubstr("must have 1 to 128 characters"));
}

TEST(TableMappingsTest, RuleFieldsParsed) {
  TableMappings m = Parse({R"({"rule-type":"selection","rule-id":11,"rule-name":"first",
      "object-locator":{"schema-name":"Test","table-name":"view_DMS%","table-type":"view"},
      "rule-action":"Include","load-order":"2"})"});
  ASSERT_EQ(m.selection_rules().size(), 1u);
  const SelectionRule& r = m.selection_rules()[0];
  EXPECT_EQ(r.rule_id, "11");
  EXPECT_EQ(r.rule_name, "first");
  EXPECT_EQ(r.action, RuleAction::kInclude);
  EXPECT_EQ(r.table_type, "view");
  EXPECT_EQ(r.load_order, 2);
  EXPECT_EQ(r.schema.text(), "Test");
  EXPECT_EQ(r.table.text(), "view_DMS%");
}

TEST(TableMappingsTest, Filters) {
  TableMappings m = Parse({Rule(1, "include", "test", "employee", R"(,"filters":[
      {"filter-type":"source","column-name":"empid","filter-conditions":[
        {"filter-operator":"lte","value":"10"},
        {"filter-operator":"between","start-value":"50","end-value":75},
        {"filter-operator":"ste","value":"100"}]},
      {"filter-type":"source","column-name":"dept","filter-conditions":[
        {"filter-operator":"notnull"}]}])")});
  EXPECT_TRUE(m.HasFilters());
  std::vector<const SelectionRule*> rules = m.SelectingRulesFor("test", "employee");
  ASSERT_EQ(rules.size(), 1u);
  const std::vector<SourceFilter>& f = rules[0]->filters;
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].column_name, "empid");
  ASSERT_EQ(f[0].conditions.size(), 3u);
  EXPECT_EQ(f[0].conditions[0].op, FilterOperator::kLte);
  EXPECT_EQ(f[0].conditions[0].value, "10");
  EXPECT_EQ(f[0].conditions[1].op, FilterOperator::kBetween);
  EXPECT_EQ(f[0].conditions[1].start_value, "50");
  EXPECT_EQ(f[0].conditions[1].end_value, "75");
  EXPECT_EQ(f[0].conditions[2].op, FilterOperator::kLte);  // ste is DMS's alias of lte
  EXPECT_EQ(f[1].conditions[0].op, FilterOperator::kNotNull);
  EXPECT_TRUE(m.SelectingRulesFor("test", "other").empty());
}

TEST(TableMappingsTest, FilterErrors) {
  auto doc = [](const std::string& filters, const std::string& action = "include") {
    return R"({"rules":[)" + Rule(1, action, "s", "t", R"(,"filters":)" + filters) + "]}";
  };
  EXPECT_EQ(ParseError(doc(R"([{"column-name":"c","filter-conditions":[
                {"filter-operator":"like","value":"x%"}]}])")),
            "mappings.json: rule 1: unsupported filter-operator 'like' (supported: lte, ste, gte, "
            "eq, noteq, between, notbetween, null, notnull)");
  EXPECT_THAT(ParseError(doc(R"([{"column-name":"c","filter-conditions":[
                {"filter-operator":"eq"}]}])")),
              HasSubstr("takes exactly 'value'"));
  EXPECT_THAT(ParseError(doc(R"([{"column-name":"c","filter-conditions":[
                {"filter-operator":"between","start-value":"1"}]}])")),
              HasSubstr("'start-value' and 'end-value'"));
  EXPECT_THAT(ParseError(doc(R"([{"column-name":"c","filter-conditions":[
                {"filter-operator":"null","value":"1"}]}])")),
              HasSubstr("takes no value"));
  EXPECT_THAT(ParseError(doc(R"([{"column-name":"c","filter-conditions":[
                {"filter-operator":"noteq","value":"1"},{"filter-operator":"eq","value":"2"}]}])")),
              HasSubstr("only one condition"));
  EXPECT_THAT(ParseError(doc(R"([{"column-name":"c","filter-conditions":[]}])")),
              HasSubstr("non-empty 'filter-conditions'"));
  EXPECT_THAT(ParseError(doc(R"([{"filter-type":"target","column-name":"c",
                "filter-conditions":[{"filter-operator":"null"}]}])")),
              HasSubstr("unsupported filter-type 'target'"));
  EXPECT_THAT(ParseError(doc(R"([{"column-name":"c","filter-conditions":[
                {"filter-operator":"null"}]}])",
                             "exclude")),
              HasSubstr("only allowed on include and explicit rules"));
}

TEST(TableMappingsTest, DocumentErrors) {
  EXPECT_THAT(ParseError("[]"), HasSubstr("must be a JSON object"));
  EXPECT_THAT(ParseError("{}"), HasSubstr("need a \"rules\" array"));
  EXPECT_EQ(ParseError(R"({"rules":[]})"), "mappings.json: table mappings have no rules");
  EXPECT_THAT(ParseError(R"({"rules":[{"rule-type":"selection"}]})"),
              HasSubstr("mappings.json: rules[0]: missing 'rule-id'"));
  EXPECT_THAT(ParseError(R"({"rule":[]})"), HasSubstr("unknown key 'rule'"));
  EXPECT_THAT(ParseError(R"({"rules":[)" + Rule(1, "include", "a", "b") + "," +
                         Rule(1, "include", "c", "d") + "]}"),
              HasSubstr("rule 1: duplicate rule-id"));
  EXPECT_EQ(ParseError(R"({"rules":[)" + Rule(3, "select", "a", "b") + "]}"),
            "mappings.json: rule 3: rule-action 'select' is not one of include, exclude, explicit");
  EXPECT_THAT(ParseError(R"({"rules":[)" + Rule(1, "include", "a[", "b") + "]}"),
              HasSubstr("rule 1: schema-name 'a[': unclosed '['"));
  EXPECT_THAT(ParseError(R"({"rules":[)" + Rule(1, "include", "", "b") + "]}"),
              HasSubstr("empty schema-name"));
  EXPECT_THAT(ParseError(R"({"rules":[)" + Rule(1, "include", "a", "b", R"(,"colour":1)") + "]}"),
              HasSubstr("unknown key 'colour' in a selection rule"));
  EXPECT_THAT(ParseError(R"({"rules":[{"rule-type":"selection","rule-id":"1","rule-action":
      "include","object-locator":{"schema":"a","table-name":"b"}}]})"),
              HasSubstr("unknown key 'schema' in object-locator"));
  EXPECT_THAT(ParseError(R"({"rules":[{"rule-type":"selectoin","rule-id":"1"}]})"),
              HasSubstr("rule-type 'selectoin' is not one of"));
  EXPECT_THAT(ParseError(R"({"rules":[{"rule-type":"transformation","rule-id":"1",
      "rule-action":"rename"}]})"),
              HasSubstr("rule 1: missing 'rule-target'"));
  EXPECT_THAT(
      ParseError(R"({"rules":[)" + Rule(1, "include", "a", "b", R"(,"load-order":"x")") + "]}"),
      HasSubstr("load-order"));
  EXPECT_THAT(ParseError(R"({"rules": [)"), HasSubstr("mappings.json: invalid JSON"));
  EXPECT_EQ(TableMappings::LoadFile("/nonexistent/m.json").status().code(), StatusCode::kNotFound);
}

TEST(TableMappingsTest, CheckNonWildcardRulesMatchExistingTables) {
  std::vector<TableName> existing = {
      {"shop", "orders"}, {"shop", "Customers"}, {"shop", "order_items"}, {"crm", "leads"}};
  TableMappings ok =
      Parse({Rule(1, "include", "shop", "orders"), Rule(2, "include", "crm", "%"),
             Rule(3, "explicit", "shop", "order_items"), Rule(4, "include", "shop", "order_items"),
             Rule(5, "exclude", "shop", "gone"),   // excludes may name anything
             Rule(6, "include", "nosuch", "%")});  // wildcards may match nothing
  EXPECT_TRUE(ok.CheckExplicitOrNonWildcardRulesMatch(existing).ok());

  TableMappings typo =
      Parse({Rule(1, "include", "shop", "%"), Rule(3, "include", "shop", "orderz")});
  Status s = typo.CheckExplicitOrNonWildcardRulesMatch(existing);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "table-mappings rule 3 selects shop.orderz, which does not exist");

  TableMappings explicit_missing = Parse({Rule(9, "explicit", "crm", "lead")});
  EXPECT_EQ(explicit_missing.CheckExplicitOrNonWildcardRulesMatch(existing).message(),
            "table-mappings rule 9 selects crm.lead, which does not exist");

  TableMappings wrong_case = Parse({Rule(2, "include", "shop", "customers")});
  EXPECT_EQ(wrong_case.CheckExplicitOrNonWildcardRulesMatch(existing).message(),
            "table-mappings rule 2 selects shop.customers, which does not exist (names are "
            "case-sensitive: did you mean shop.Customers?)");

  TableMappings set_rule = Parse({Rule(4, "include", "shop", "order[_]item")});
  EXPECT_THAT(set_rule.CheckExplicitOrNonWildcardRulesMatch(existing).message(),
              HasSubstr("rule 4 selects shop.order[_]item"));
}

}  // namespace
}  // namespace binlake
