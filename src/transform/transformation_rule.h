// One DMS transformation rule of a table-mappings document (rule-type "transformation"): what
// it acts on (rule-target and object-locator) and what it does (rule-action and its values).
//
// Reference: the AWS DMS User Guide page "Transformation rules and actions"; the facts binlake
// relies on are in docs/TRANSFORMATIONS.md. In short:
//   - rule-target `schema` (object-locator schema-name), `table` (schema-name, table-name) or
//     `column` (schema-name, table-name, column-name). Names take the selection rules'
//     wildcards (`%`, `_`, `[...]`) and are case-sensitive. The tablespace targets exist only for
//     database targets: refused.
//   - actions on names, for all three targets: `rename` (value = the new name),
//     `convert-lowercase`, `convert-uppercase`, `add-prefix` / `add-suffix` (value),
//     `remove-prefix` / `remove-suffix` (value: removed where the name has it),
//     `replace-prefix` / `replace-suffix` (old-value replaced by value where the name has it).
//   - actions on columns: `remove-column`, and `include-column` (a table with any included
//     column keeps only its included columns).
//   - `add-column` (rule-target `column`, object-locator schema-name and table-name): a new
//     column `value` of the DMS `data-type`, after the table's columns, holding the SQLite
//     `expression` (transform/expression.h) of each row; NULL without an expression. (AWS DMS
//     User Guide, "Using transformation rule expressions to define column content".)
//   - `change-data-type` (rule-target `column`): the column keeps its place and name and takes
//     the DMS `data-type`; each value is converted as the expression `$column` with that
//     data-type would be (the conversions of add-column). With an `expression`, the column's
//     value is that expression's instead (DMS: expressions "define content for new and existing
//     columns"): an existing column's content replaced, typed by the rule's data-type.
//   - `add-before-image-columns` (rule-target `column`, object-locator schema-name and
//     table-name, optionally column-name; `before-image-def` {column-prefix (default "BI_"),
//     column-suffix (default ""), column-filter pk-only (default) | non-lob | all}): for each
//     column of the target the filter lets through, a column prefix + name + suffix after the
//     table's other columns, holding the column's value before an update (NULL for inserts,
//     deletes and the full load). Both affixes empty is an error, as in DMS.
//   - `data-masking-digits-mask` (value: the masking character), `data-masking-digits-randomize`,
//     `data-masking-hash-mask` (rule-target `column`): the column's values masked
//     (transform/data_mask.h); these may share a column with another action, as in DMS.
//   - the other actions (define-primary-key) are refused with
//   one line naming the rule until they are
//     implemented: binlake never ignores a rule.
//
// Thread-safety: immutable after parsing.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "transform/expression.h"
#include "transform/name_pattern.h"

namespace binlake {

enum class TransformTarget { kSchema, kTable, kColumn };

enum class TransformAction {
  kRename,
  kConvertLowercase,
  kConvertUppercase,
  kAddPrefix,
  kRemovePrefix,
  kReplacePrefix,
  kAddSuffix,
  kRemoveSuffix,
  kReplaceSuffix,
  kRemoveColumn,
  kIncludeColumn,
  kAddColumn,
  kChangeDataType,
  kAddBeforeImageColumns,
  kDataMaskingDigitsMask,
  kDataMaskingDigitsRandomize,
  kDataMaskingHashMask,
};

// add-before-image-columns' column-filter: which columns get a before-image column.
enum class BeforeImageFilter { kPkOnly, kNonLob, kAll };

std::string_view TransformTargetName(TransformTarget target);
std::string_view TransformActionName(TransformAction action);

struct TransformationRule {
  std::string rule_id;
  std::string rule_name;
  TransformTarget target = TransformTarget::kTable;
  TransformAction action = TransformAction::kRename;
  NamePattern schema;      // every target
  NamePattern table;       // kTable, kColumn
  NamePattern column;      // kColumn, except for add-column
  std::string value;       // rename, add-column: the new name; prefix/suffix actions: the affix;
                           // data-masking-digits-mask: the masking character
  std::string old_value;   // replace-prefix / replace-suffix: the part replaced
  std::string expression;  // add-column: SQLite expression ("" = NULL); change-data-type: the
                           // column's new content ("" = the column itself)
  DmsDataType data_type;   // add-column, change-data-type
  // add-before-image-columns: the before-image column of column c is prefix + c + suffix.
  std::string before_image_prefix = "BI_";
  std::string before_image_suffix;
  BeforeImageFilter before_image_filter = BeforeImageFilter::kPkOnly;

  // True for the actions that change a name (every action but remove/include/add-column,
  // change-data-type and add-before-image-columns).
  bool RenamesObject() const {
    return action != TransformAction::kRemoveColumn && action != TransformAction::kIncludeColumn &&
           action != TransformAction::kAddColumn && action != TransformAction::kChangeDataType &&
           action != TransformAction::kAddBeforeImageColumns && !Masks();
  }
  bool Masks() const {
    return action == TransformAction::kDataMaskingDigitsMask ||
           action == TransformAction::kDataMaskingDigitsRandomize ||
           action == TransformAction::kDataMaskingHashMask;
  }
  bool MatchesSchema(std::string_view schema_name) const { return schema.Matches(schema_name); }
  bool MatchesTable(std::string_view schema_name, std::string_view table_name) const {
    return schema.Matches(schema_name) && table.Matches(table_name);
  }
  bool MatchesColumn(std::string_view schema_name, std::string_view table_name,
                     std::string_view column_name) const {
    return MatchesTable(schema_name, table_name) && column.Matches(column_name);
  }
  // The name `name` becomes under a renaming action (unchanged where a remove/replace action
  // does not find its prefix or suffix). REQUIRES: RenamesObject().
  std::string Apply(std::string_view name) const;
};

namespace mappings_internal {
class RuleContext;
// Parses a rule whose rule-type is "transformation" (rule-id and rule-name are set by the caller).
Result<TransformationRule> ParseTransformationRule(const nlohmann::json& rule,
                                                   const RuleContext& ctx);
}  // namespace mappings_internal

}  // namespace binlake
