#include "transform/row_filter.h"

#include "source/mysql_connection.h"

namespace binlake {

std::string RowFilterPredicate(const std::vector<const SelectionRule*>& rules,
                               const std::function<std::string(std::string_view)>& quote) {
  std::vector<std::string> per_rule;
  for (const SelectionRule* rule : rules) {
    if (rule->filters.empty()) return "";  // one rule selects the table unfiltered: all rows
    std::string all;
    for (const SourceFilter& f : rule->filters) {
      std::string col = QuoteIdentifier(f.column_name);
      std::string any;
      for (const FilterCondition& c : f.conditions) {
        std::string e;
        switch (c.op) {
          case FilterOperator::kLte:
            e = col + " <= " + quote(c.value);
            break;
          case FilterOperator::kGte:
            e = col + " >= " + quote(c.value);
            break;
          case FilterOperator::kEq:
            e = col + " = " + quote(c.value);
            break;
          case FilterOperator::kNotEq:
            e = col + " <> " + quote(c.value);
            break;
          case FilterOperator::kBetween:
            e = col + " BETWEEN " + quote(c.start_value) + " AND " + quote(c.end_value);
            break;
          case FilterOperator::kNotBetween:
            e = col + " NOT BETWEEN " + quote(c.start_value) + " AND " + quote(c.end_value);
            break;
          case FilterOperator::kNull:
            e = col + " IS NULL";
            break;
          case FilterOperator::kNotNull:
            e = col + " IS NOT NULL";
            break;
        }
        any += (any.empty() ? "" : " OR ") + e;
      }
      if (any.empty()) continue;
      all += (all.empty() ? "(" : " AND (") + any + ")";
    }
    if (all.empty()) return "";
    per_rule.push_back(all);
  }
  std::string out;
  for (const std::string& p : per_rule) out += (out.empty() ? "(" : " OR (") + p + ")";
  return out;
}

}  // namespace binlake
