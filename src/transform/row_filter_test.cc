#include "transform/row_filter.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

std::string Quote(std::string_view v) { return "'" + std::string(v) + "'"; }

TEST(RowFilterTest, AndAcrossFiltersOrAcrossConditionsAndRules) {
  auto mappings = TableMappings::Parse(R"({"rules":[
    {"rule-type":"selection","rule-id":"1","rule-name":"1","rule-action":"include",
     "object-locator":{"schema-name":"shop","table-name":"orders"},
     "filters":[
       {"filter-type":"source","column-name":"status","filter-conditions":[
          {"filter-operator":"eq","value":"paid"},{"filter-operator":"eq","value":"sent"}]},
       {"filter-type":"source","column-name":"id","filter-conditions":[
          {"filter-operator":"between","start-value":"10","end-value":"20"}]}]},
    {"rule-type":"selection","rule-id":"2","rule-name":"2","rule-action":"include",
     "object-locator":{"schema-name":"shop","table-name":"orders"},
     "filters":[{"filter-type":"source","column-name":"note","filter-conditions":[
          {"filter-operator":"null"}]}]}]})",
                                       "test");
  ASSERT_TRUE(mappings.ok()) << mappings.status().ToString();
  std::string p = RowFilterPredicate(mappings->SelectingRulesFor("shop", "orders"), Quote);
  EXPECT_EQ(p,
            "((`status` = 'paid' OR `status` = 'sent') AND (`id` BETWEEN '10' AND '20')) OR "
            "((`note` IS NULL))");
  EXPECT_EQ(RowFilterPredicate(mappings->SelectingRulesFor("shop", "items"), Quote), "");
}

}  // namespace
}  // namespace binlake
