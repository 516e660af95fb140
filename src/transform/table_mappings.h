// DMS table mappings: which source tables a task replicates.
//
// Input is DMS's table-mappings JSON ({"rules":[...]}, docs/DMS-S3-COMPAT.md §5.2; the DMS User
// Guide pages "Selection rules and actions", "Wildcards in table mapping", "Using source filters").
//
// Selection semantics (what Selects() answers):
//   - A table is selected when an `include` rule's object-locator matches it, or an `explicit`
//     rule names it exactly, and no `exclude` rule matches it (exclude wins over everything).
//   - Patterns (include/exclude): `%` = zero or more characters, `_` = exactly one character,
//     `[_]` = a literal underscore, `[ab]` = one of the set, `[a-d]` = a range; sets may mix
//     both (`[a-cx_]`) and `[%]` is a literal percent. Characters are UTF-8 code points.
//     Matching is case-sensitive, as DMS documents names to be (and MySQL on Linux stores them).
//   - `explicit` rules take names literally: no wildcards (so `order_items` is exactly that).
//   - System schemas (mysql, information_schema, performance_schema, sys) are never selected by
//     a wildcard; only a rule whose schema-name is literally that schema selects from it.
//   - Without a mappings file (AllUserTables), every table of every non-system schema.
//
// Transformation rules are parsed into TransformationRule (transform/transformation_rule.h) and
// applied by TableTransform (transform/table_transform.h); they never affect selection, which is
// by source names. Table-settings rules holding only lob-settings are accepted with a note (see
// notes()); other table-settings and post-processing rules are refused until implemented. Filters
// are parsed into SourceFilter (AND across filters, OR across the conditions of one filter, as DMS
// defines them); applying them is the reader's job.
//
// Thread-safety: immutable after parsing; safe to share between threads.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "transform/name_pattern.h"
#include "transform/object_tags.h"
#include "transform/table_settings.h"
#include "transform/transformation_rule.h"

namespace binlake {

enum class RuleAction { kInclude, kExclude, kExplicit };
std::string_view RuleActionName(RuleAction action);

enum class FilterOperator { kLte, kGte, kEq, kNotEq, kBetween, kNotBetween, kNull, kNotNull };
std::string_view FilterOperatorName(FilterOperator op);

struct FilterCondition {
  FilterOperator op = FilterOperator::kEq;
  std::string value;        // lte, gte, eq, noteq
  std::string start_value;  // between, notbetween
  std::string end_value;
};

// One DMS filter on a column: the row passes if ANY condition holds.
struct SourceFilter {
  std::string column_name;  // case-sensitive
  std::vector<FilterCondition> conditions;
};

struct SelectionRule {
  std::string rule_id;
  std::string rule_name;
  RuleAction action = RuleAction::kInclude;
  NamePattern schema;
  NamePattern table;
  std::string table_type = "table";   // object-locator table-type: table | view | all
  int64_t load_order = 0;             // higher loads first (DMS); 0 = unspecified
  std::vector<SourceFilter> filters;  // a row passes if ALL filters pass

  // True if this rule selects (include/explicit) or excludes the given table by name.
  bool Matches(std::string_view schema_name, std::string_view table_name) const;
};

class TableMappings {
 public:
  // Every table of every non-system schema (no mappings file given).
  static TableMappings AllUserTables();
  // Parses a table-mappings document. `origin` names it in messages ("mappings.json").
  static Result<TableMappings> FromJson(const nlohmann::json& doc, std::string_view origin);
  static Result<TableMappings> Parse(std::string_view json_text, std::string_view origin);
  static Result<TableMappings> LoadFile(const std::string& path);

  static bool IsSystemSchema(std::string_view schema);

  bool Selects(std::string_view schema, std::string_view table) const;

  // Every explicit rule, and every include rule without '%' (i.e. naming specific tables), must
  // match at least one of `existing`; otherwise an error such as
  // "table-mappings rule 3 selects shop.orderz, which does not exist". The full load calls this
  // with the source's table list so a typo is an error rather than a silently missing table.
  Status CheckExplicitOrNonWildcardRulesMatch(std::span<const TableName> existing) const;

  // Every include/explicit rule that selects `schema`.`table` (empty if an exclude rule wins):
  // the rows a rule without filters selects are all rows, so filters apply only if every one
  // of these carries some (row_filter.h, cdc_row_filter.h).
  std::vector<const SelectionRule*> SelectingRulesFor(std::string_view schema,
                                                      std::string_view table) const;

  bool is_default() const { return default_; }
  const std::vector<SelectionRule>& selection_rules() const { return selection_rules_; }
  bool HasFilters() const;
  // In document order (transform/table_transform.h applies them).
  const std::vector<TransformationRule>& transformation_rules() const {
    return transformation_rules_;
  }
  // Lines for the log, one per rule the document asks for that binlake satisfies by what it
  // does anyway (a table-settings rule's lob-settings: nothing is ever truncated).
  const std::vector<std::string>& notes() const { return notes_; }
  // The S3 object tags of source table schema.table's data files (transform/object_tags.h).
  Result<ObjectTags> ObjectTagsFor(std::string_view schema, std::string_view table) const {
    return binlake::ObjectTagsFor(post_processing_rules_, schema, table);
  }
  bool HasObjectTags() const { return !post_processing_rules_.empty(); }
  // The parallel-load of source table schema.table (the first table-settings rule with one that
  // matches it), or nullptr (transform/table_settings.h).
  const ParallelLoad* ParallelLoadFor(std::string_view schema, std::string_view table) const;

 private:
  bool default_ = false;
  std::vector<SelectionRule> selection_rules_;
  std::vector<TransformationRule> transformation_rules_;
  std::vector<std::string> notes_;
  std::vector<PostProcessingRule> post_processing_rules_;
  std::vector<TableSettingsRule> table_settings_rules_;
};

}  // namespace binlake
