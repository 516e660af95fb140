// DMS table-settings rules (rule-type "table-settings"; AWS DMS User Guide, "Table and
// collection settings rules and operations"), as far as they apply to binlake:
//   - `lob-settings`: changes nothing (binlake writes every LOB value whole; DMS's "limited"
//     mode would cut values above bulk-max-size): accepted, with a note for the log;
//   - `parallel-load` (object-locator schema-name and table-name, selection wildcards):
//       type "ranges": `columns` (names of the source table) and `boundaries` (lists of one
//         value per column, ascending): the full load reads the segments
//         cols < b1, b1 <= cols < b2, ..., cols >= bn in parallel, as its chunks;
//       type "none": the table is read in one piece;
//       types "partitions-auto", "partitions-list", "subpartitions-auto": binlake splits the
//         table into key ranges of its own (the table is read in parallel either way): a note;
//   - any other setting: refused, never ignored.
// A table gets the parallel-load of the first rule in the document that matches it.
//
// Thread-safety: immutable after parsing.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "transform/name_pattern.h"

namespace binlake {

struct ParallelLoad {
  enum class Type { kRanges, kNone, kPartitions };
  Type type = Type::kRanges;
  std::string type_name;             // as written ("ranges", "partitions-auto", ...)
  std::vector<std::string> columns;  // kRanges
  std::vector<std::vector<std::string>> boundaries;  // kRanges: one value per column each
  std::string rule_id;
};

struct TableSettingsRule {
  std::string rule_id;
  NamePattern schema;
  NamePattern table;
  std::optional<ParallelLoad> parallel_load;
  std::string note;  // a line for the log ("" for none)
};

namespace mappings_internal {
class RuleContext;
// Parses a rule whose rule-type is "table-settings" (rule-id set by the caller).
Result<TableSettingsRule> ParseTableSettingsRule(const nlohmann::json& rule,
                                                 const RuleContext& ctx);
}  // namespace mappings_internal

}  // namespace binlake
