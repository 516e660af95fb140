// DMS post-processing rules (rule-type "post-processing", rule-action "add-tag"): S3 object tags
// on the data files binlake writes for a table (AWS DMS User Guide, "Using Amazon S3 as a target",
// "Amazon S3 object tagging"):
//   - object-locator schema-name and table-name (selection wildcards) name SOURCE tables;
//   - tag-set: [{"key": K, "value": V}, ...]; `${schema-name}` and `${table-name}` in a key or a
//     value become the source table's schema and name;
//   - a table's files get the tag-set of ONE rule: the one whose locator matches it best (a
//     literal schema and table name beat a wildcard; more literal parts win), the first in the
//     document among equals;
//   - S3's limits (Amazon S3 User Guide, "Categorizing your storage using tags"): at most 10 tags
//     per object, keys of 1 to 128 characters, values of at most 256, keys unique.
//
// Thread-safety: immutable after parsing.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "transform/name_pattern.h"

namespace binlake {

using ObjectTags = std::vector<std::pair<std::string, std::string>>;  // key, value

struct PostProcessingRule {
  std::string rule_id;
  NamePattern schema;
  NamePattern table;
  ObjectTags tags;  // as written (variables not substituted)
};

namespace mappings_internal {
class RuleContext;
// Parses a rule whose rule-type is "post-processing" (rule-id set by the caller).
Result<PostProcessingRule> ParsePostProcessingRule(const nlohmann::json& rule,
                                                   const RuleContext& ctx);
}  // namespace mappings_internal

// The tags of source table schema.table's files: the best rule's tag-set with the variables
// substituted; empty when no rule matches. kInvalidArgument (naming the rule) when a
// substituted key or value breaks S3's limits or two keys become equal.
Result<ObjectTags> ObjectTagsFor(const std::vector<PostProcessingRule>& rules,
                                 std::string_view schema, std::string_view table);

}  // namespace binlake
