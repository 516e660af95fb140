#include "transform/table_mappings.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "transform/table_mappings_internal.h"
#include "transform/transformation_rule.h"

namespace binlake {
namespace mappings_internal {

std::string Lower(std::string_view v) {
  std::string s(v);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Status RuleContext::Error(std::string_view problem) const {
  std::string where = id_.empty() ? "rules[" + std::to_string(index_) + "]" : "rule " + id_;
  return InvalidArgument(std::string(origin_) + ": " + where + ": " + std::string(problem));
}

Status CheckKeys(const nlohmann::json& object, std::initializer_list<std::string_view> allowed,
                 std::string_view what, const RuleContext& ctx) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return ctx.Error("unknown key '" + it.key() + "' in " + std::string(what) +
                       " (valid: " + list + ")");
    }
  }
  return Status::Ok();
}

Result<std::string> TextMember(const nlohmann::json& object, const std::string& key, bool required,
                               const RuleContext& ctx) {
  auto it = object.find(key);
  if (it == object.end()) {
    if (required) return ctx.Error("missing '" + key + "'");
    return std::string();
  }
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return it->dump();
  return ctx.Error("'" + key + "' must be a string");
}

}  // namespace mappings_internal

namespace {

using mappings_internal::CheckKeys;
using mappings_internal::Lower;
using mappings_internal::RuleContext;
using mappings_internal::TextMember;

Result<FilterOperator> ParseOperator(std::string_view text, const RuleContext& ctx) {
  static constexpr std::pair<std::string_view, FilterOperator> kOps[] = {
      {"lte", FilterOperator::kLte},
      {"ste", FilterOperator::kLte},
      {"gte", FilterOperator::kGte},
      {"eq", FilterOperator::kEq},
      {"noteq", FilterOperator::kNotEq},
      {"between", FilterOperator::kBetween},
      {"notbetween", FilterOperator::kNotBetween},
      {"null", FilterOperator::kNull},
      {"notnull", FilterOperator::kNotNull},
  };
  const std::string key = Lower(text);
  for (const auto& [name, op] : kOps) {
    if (key == name) return op;
  }
  return ctx.Error("unsupported filter-operator '" + std::string(text) +
                   "' (supported: lte, ste, gte, eq, noteq, between, notbetween, null, notnull)");
}

Result<SourceFilter> ParseFilter(const nlohmann::json& f, const RuleContext& ctx) {
  if (!f.is_object()) return ctx.Error("each filter must be an object");
  RETURN_IF_ERROR(CheckKeys(f, {"filter-type", "column-name", "filter-conditions"}, "filter", ctx));
  ASSIGN_OR_RETURN(std::string type, TextMember(f, "filter-type", false, ctx));
  if (!type.empty() && Lower(type) != "source") {
    return ctx.Error("unsupported filter-type '" + type + "' (only 'source')");
  }
  SourceFilter filter;
  ASSIGN_OR_RETURN(filter.column_name, TextMember(f, "column-name", true, ctx));
  auto conds = f.find("filter-conditions");
  if (conds == f.end() || !conds->is_array() || conds->empty()) {
    return ctx.Error("filter on column '" + filter.column_name +
                     "' needs a non-empty 'filter-conditions' array");
  }
  for (const nlohmann::json& c : *conds) {
    if (!c.is_object()) return ctx.Error("each filter condition must be an object");
    RETURN_IF_ERROR(CheckKeys(c, {"filter-operator", "value", "start-value", "end-value"},
                              "filter condition", ctx));
    ASSIGN_OR_RETURN(std::string op_text, TextMember(c, "filter-operator", true, ctx));
    FilterCondition cond;
    ASSIGN_OR_RETURN(cond.op, ParseOperator(op_text, ctx));
    ASSIGN_OR_RETURN(cond.value, TextMember(c, "value", false, ctx));
    ASSIGN_OR_RETURN(cond.start_value, TextMember(c, "start-value", false, ctx));
    ASSIGN_OR_RETURN(cond.end_value, TextMember(c, "end-value", false, ctx));
    const bool has_value = c.contains("value");
    const bool has_range = c.contains("start-value") || c.contains("end-value");
    const bool two = c.contains("start-value") && c.contains("end-value");
    switch (cond.op) {
      case FilterOperator::kLte:
      case FilterOperator::kGte:
      case FilterOperator::kEq:
      case FilterOperator::kNotEq:
        if (!has_value || has_range) {
          return ctx.Error("filter-operator '" + op_text + "' takes exactly 'value'");
        }
        break;
      case FilterOperator::kBetween:
      case FilterOperator::kNotBetween:
        if (!two || has_value) {
          return ctx.Error("filter-operator '" + op_text + "' takes 'start-value' and 'end-value'");
        }
        break;
      case FilterOperator::kNull:
      case FilterOperator::kNotNull:
        if (has_value || has_range) {
          return ctx.Error("filter-operator '" + op_text + "' takes no value");
        }
        break;
    }
    filter.conditions.push_back(std::move(cond));
  }
  for (const FilterCondition& cond : filter.conditions) {
    bool negative = cond.op == FilterOperator::kNotEq || cond.op == FilterOperator::kNotBetween ||
                    cond.op == FilterOperator::kNotNull;
    if (negative && filter.conditions.size() > 1) {
      return ctx.Error(
          "a filter with a negative operator (noteq, notbetween, notnull) can have "
          "only one condition; use separate filters");
    }
  }
  return filter;
}

Result<SelectionRule> ParseSelection(const nlohmann::json& r, const RuleContext& ctx) {
  RETURN_IF_ERROR(CheckKeys(r,
                            {"rule-type", "rule-id", "rule-name", "object-locator", "rule-action",
                             "filters", "load-order"},
                            "a selection rule", ctx));
  SelectionRule rule;
  ASSIGN_OR_RETURN(std::string action, TextMember(r, "rule-action", true, ctx));
  const std::string a = Lower(action);
  if (a == "include") {
    rule.action = RuleAction::kInclude;
  } else if (a == "exclude") {
    rule.action = RuleAction::kExclude;
  } else if (a == "explicit") {
    rule.action = RuleAction::kExplicit;
  } else {
    return ctx.Error("rule-action '" + action + "' is not one of include, exclude, explicit");
  }
  auto loc = r.find("object-locator");
  if (loc == r.end() || !loc->is_object()) return ctx.Error("missing 'object-locator' object");
  RETURN_IF_ERROR(
      CheckKeys(*loc, {"schema-name", "table-name", "table-type"}, "object-locator", ctx));
  ASSIGN_OR_RETURN(std::string schema, TextMember(*loc, "schema-name", true, ctx));
  ASSIGN_OR_RETURN(std::string table, TextMember(*loc, "table-name", true, ctx));
  if (schema.empty() || table.empty()) return ctx.Error("empty schema-name or table-name");
  if (rule.action == RuleAction::kExplicit) {
    rule.schema = NamePattern::Literal(schema);
    rule.table = NamePattern::Literal(table);
  } else {
    Result<NamePattern> sp = NamePattern::Compile(schema);
    if (!sp.ok()) return ctx.Error("schema-name '" + schema + "': " + sp.status().message());
    Result<NamePattern> tp = NamePattern::Compile(table);
    if (!tp.ok()) return ctx.Error("table-name '" + table + "': " + tp.status().message());
    rule.schema = std::move(sp).value();
    rule.table = std::move(tp).value();
  }
  ASSIGN_OR_RETURN(std::string type, TextMember(*loc, "table-type", false, ctx));
  if (!type.empty()) {
    rule.table_type = Lower(type);
    if (rule.table_type != "table" && rule.table_type != "view" && rule.table_type != "all") {
      return ctx.Error("table-type '" + type + "' is not one of table, view, all");
    }
  }
  ASSIGN_OR_RETURN(std::string order, TextMember(r, "load-order", false, ctx));
  if (!order.empty()) {
    if (order.find_first_not_of("0123456789") != std::string::npos || order.size() > 9) {
      return ctx.Error("load-order must be a non-negative integer, got '" + order + "'");
    }
    rule.load_order = std::stoll(order);
  }
  if (auto f = r.find("filters"); f != r.end()) {
    if (!f->is_array()) return ctx.Error("'filters' must be an array");
    if (!f->empty() && rule.action == RuleAction::kExclude) {
      return ctx.Error("filters are only allowed on include and explicit rules");
    }
    for (const nlohmann::json& one : *f) {
      ASSIGN_OR_RETURN(SourceFilter filter, ParseFilter(one, ctx));
      rule.filters.push_back(std::move(filter));
    }
  }
  return rule;
}

}  // namespace

std::string_view RuleActionName(RuleAction action) {
  switch (action) {
    case RuleAction::kInclude:
      return "include";
    case RuleAction::kExclude:
      return "exclude";
    case RuleAction::kExplicit:
      return "explicit";
  }
  return "include";
}

std::string_view FilterOperatorName(FilterOperator op) {
  switch (op) {
    case FilterOperator::kLte:
      return "lte";
    case FilterOperator::kGte:
      return "gte";
    case FilterOperator::kEq:
      return "eq";
    case FilterOperator::kNotEq:
      return "noteq";
    case FilterOperator::kBetween:
      return "between";
    case FilterOperator::kNotBetween:
      return "notbetween";
    case FilterOperator::kNull:
      return "null";
    case FilterOperator::kNotNull:
      return "notnull";
  }
  return "eq";
}

bool SelectionRule::Matches(std::string_view schema_name, std::string_view table_name) const {
  return schema.Matches(schema_name) && table.Matches(table_name);
}

TableMappings TableMappings::AllUserTables() {
  TableMappings m;
  m.default_ = true;
  return m;
}

bool TableMappings::IsSystemSchema(std::string_view schema) {
  return schema == "mysql" || schema == "information_schema" || schema == "performance_schema" ||
         schema == "sys";
}

const ParallelLoad* TableMappings::ParallelLoadFor(std::string_view schema,
                                                   std::string_view table) const {
  for (const TableSettingsRule& r : table_settings_rules_) {
    if (r.parallel_load && r.schema.Matches(schema) && r.table.Matches(table)) {
      return &*r.parallel_load;
    }
  }
  return nullptr;
}

Result<TableMappings> TableMappings::FromJson(const nlohmann::json& doc, std::string_view origin) {
  const std::string where(origin);
  if (!doc.is_object()) {
    return InvalidArgument(where + ": table mappings must be a JSON object {\"rules\": [...]}");
  }
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() != "rules") {
      return InvalidArgument(where + ": unknown key '" + it.key() + "' (expected only \"rules\")");
    }
  }
  auto rules = doc.find("rules");
  if (rules == doc.end() || !rules->is_array()) {
    return InvalidArgument(where + ": table mappings need a \"rules\" array");
  }
  if (rules->empty()) return InvalidArgument(where + ": table mappings have no rules");

  TableMappings m;
  std::set<std::string> ids;
  for (size_t i = 0; i < rules->size(); ++i) {
    const nlohmann::json& r = (*rules)[i];
    RuleContext ctx(origin, i);
    if (!r.is_object()) return ctx.Error("each rule must be an object");
    ASSIGN_OR_RETURN(std::string id, TextMember(r, "rule-id", true, ctx));
    if (id.empty()) return ctx.Error("empty rule-id");
    ctx.set_id(id);
    if (!ids.insert(id).second) return ctx.Error("duplicate rule-id");
    ASSIGN_OR_RETURN(std::string type, TextMember(r, "rule-type", true, ctx));
    if (type == "selection") {
      ASSIGN_OR_RETURN(SelectionRule rule, ParseSelection(r, ctx));
      rule.rule_id = id;
      ASSIGN_OR_RETURN(rule.rule_name, TextMember(r, "rule-name", false, ctx));
      if (rule.rule_name.empty()) rule.rule_name = id;
      m.selection_rules_.push_back(std::move(rule));
    } else if (type == "transformation") {
      ASSIGN_OR_RETURN(TransformationRule rule, mappings_internal::ParseTransformationRule(r, ctx));
      rule.rule_id = id;
      ASSIGN_OR_RETURN(rule.rule_name, TextMember(r, "rule-name", false, ctx));
      if (rule.rule_name.empty()) rule.rule_name = id;
      m.transformation_rules_.push_back(std::move(rule));
    } else if (type == "table-settings") {
      ASSIGN_OR_RETURN(TableSettingsRule rule, mappings_internal::ParseTableSettingsRule(r, ctx));
      if (!rule.note.empty()) m.notes_.push_back(rule.note);
      m.table_settings_rules_.push_back(std::move(rule));
    } else if (type == "post-processing") {
      ASSIGN_OR_RETURN(PostProcessingRule rule, mappings_internal::ParsePostProcessingRule(r, ctx));
      m.post_processing_rules_.push_back(std::move(rule));
    } else {
      return ctx.Error("rule-type '" + type +
                       "' is not one of selection, transformation, table-settings, "
                       "post-processing");
    }
  }
  if (m.selection_rules_.empty()) {
    return InvalidArgument(where +
                           ": table mappings have no selection rule (at least one "
                           "include or explicit rule is required)");
  }
  return m;
}

Result<TableMappings> TableMappings::Parse(std::string_view json_text, std::string_view origin) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json_text.begin(), json_text.end());
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    size_t bracket = what.find("] ");
    if (bracket != std::string::npos) what = what.substr(bracket + 2);
    return InvalidArgument(std::string(origin) + ": invalid JSON: " + what);
  }
  return FromJson(doc, origin);
}

Result<TableMappings> TableMappings::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open the table-mappings file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return IoError(path + ": cannot read the table-mappings file");
  return Parse(text.str(), path);
}

bool TableMappings::Selects(std::string_view schema, std::string_view table) const {
  if (default_) return !IsSystemSchema(schema);
  const bool system = IsSystemSchema(schema);
  bool included = false;
  for (const SelectionRule& rule : selection_rules_) {
    if (!rule.Matches(schema, table)) continue;
    if (rule.action == RuleAction::kExclude) return false;
    if (system && rule.schema.text() != schema) continue;  // wildcards never reach system schemas
    included = true;
  }
  return included;
}

Status TableMappings::CheckExplicitOrNonWildcardRulesMatch(
    std::span<const TableName> existing) const {
  for (const SelectionRule& rule : selection_rules_) {
    const bool names_tables = rule.action == RuleAction::kExplicit ||
                              (rule.action == RuleAction::kInclude && !rule.schema.has_percent() &&
                               !rule.table.has_percent());
    if (!names_tables) continue;
    bool found = false;
    for (const TableName& t : existing) {
      if (rule.Matches(t.schema, t.table)) {
        found = true;
        break;
      }
    }
    if (found) continue;
    std::string message = "table-mappings rule " + rule.rule_id + " selects " + rule.schema.text() +
                          "." + rule.table.text() + ", which does not exist";
    if (rule.schema.is_literal() && rule.table.is_literal()) {
      const std::string ls = Lower(rule.schema.text()), lt = Lower(rule.table.text());
      for (const TableName& t : existing) {
        if (Lower(t.schema) == ls && Lower(t.table) == lt) {
          message += " (names are case-sensitive: did you mean " + t.schema + "." + t.table + "?)";
          break;
        }
      }
    }
    return NotFound(message);
  }
  return Status::Ok();
}

std::vector<const SelectionRule*> TableMappings::SelectingRulesFor(std::string_view schema,
                                                                   std::string_view table) const {
  std::vector<const SelectionRule*> out;
  if (!Selects(schema, table)) return out;
  for (const SelectionRule& rule : selection_rules_) {
    if (rule.action != RuleAction::kExclude && rule.Matches(schema, table)) out.push_back(&rule);
  }
  return out;
}

bool TableMappings::HasFilters() const {
  return std::any_of(selection_rules_.begin(), selection_rules_.end(),
                     [](const SelectionRule& r) { return !r.filters.empty(); });
}

}  // namespace binlake
