#include "transform/object_tags.h"

#include <set>

#include "transform/table_mappings_internal.h"

namespace binlake {
namespace {

using mappings_internal::CheckKeys;
using mappings_internal::RuleContext;
using mappings_internal::TextMember;

constexpr size_t kMaxTags = 10;
constexpr size_t kMaxKey = 128;
constexpr size_t kMaxValue = 256;

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  for (size_t at = s->find(from); at != std::string::npos; at = s->find(from, at + to.size())) {
    s->replace(at, from.size(), to);
  }
}

// An S3 limit broken by one tag: the problem, or "".
std::string TagProblem(const std::string& key, const std::string& value) {
  if (key.empty() || key.size() > kMaxKey) {
    return "tag key '" + key + "' must have 1 to " + std::to_string(kMaxKey) + " characters";
  }
  if (value.size() > kMaxValue) {
    return "the value of tag '" + key + "' is longer than " + std::to_string(kMaxValue) +
           " characters";
  }
  return "";
}

}  // namespace

namespace mappings_internal {

Result<PostProcessingRule> ParsePostProcessingRule(const nlohmann::json& r,
                                                   const RuleContext& ctx) {
  RETURN_IF_ERROR(CheckKeys(
      r, {"rule-type", "rule-id", "rule-name", "rule-action", "object-locator", "tag-set"},
      "a post-processing rule", ctx));
  ASSIGN_OR_RETURN(std::string action, TextMember(r, "rule-action", true, ctx));
  if (action != "add-tag") {
    return ctx.Error("post-processing rule-action '" + action + "' is not add-tag");
  }
  auto loc = r.find("object-locator");
  if (loc == r.end() || !loc->is_object()) return ctx.Error("missing 'object-locator' object");
  RETURN_IF_ERROR(CheckKeys(*loc, {"schema-name", "table-name"},
                            "a post-processing rule's object-locator", ctx));
  PostProcessingRule rule;
  rule.rule_id = ctx.id();
  for (const char* key : {"schema-name", "table-name"}) {
    ASSIGN_OR_RETURN(std::string text, TextMember(*loc, key, true, ctx));
    Result<NamePattern> p = NamePattern::Compile(text);
    if (!p.ok()) return ctx.Error(std::string(key) + " '" + text + "': " + p.status().message());
    (std::string_view(key) == "schema-name" ? rule.schema : rule.table) = std::move(p).value();
  }
  auto set = r.find("tag-set");
  if (set == r.end() || !set->is_array() || set->empty()) {
    return ctx.Error("add-tag needs a non-empty 'tag-set' array of {\"key\", \"value\"}");
  }
  if (set->size() > kMaxTags) {
    return ctx.Error("a tag-set of " + std::to_string(set->size()) +
                     " tags: S3 allows at most 10 per object");
  }
  for (const auto& tag : *set) {
    if (!tag.is_object()) return ctx.Error("each tag of a tag-set is {\"key\", \"value\"}");
    RETURN_IF_ERROR(CheckKeys(tag, {"key", "value"}, "a tag", ctx));
    ASSIGN_OR_RETURN(std::string key, TextMember(tag, "key", true, ctx));
    ASSIGN_OR_RETURN(std::string value, TextMember(tag, "value", false, ctx));
    rule.tags.emplace_back(std::move(key), std::move(value));
  }
  return rule;
}

}  // namespace mappings_internal

Result<ObjectTags> ObjectTagsFor(const std::vector<PostProcessingRule>& rules,
                                 std::string_view schema, std::string_view table) {
  const PostProcessingRule* best = nullptr;
  int best_score = -1;
  for (const PostProcessingRule& r : rules) {
    if (!r.schema.Matches(schema) || !r.table.Matches(table)) continue;
    const int score = (r.schema.is_literal() ? 1 : 0) + (r.table.is_literal() ? 2 : 0);
    if (score > best_score) {
      best = &r;
      best_score = score;
    }
  }
  ObjectTags tags;
  if (!best) return tags;
  std::set<std::string> keys;
  for (const auto& [k, v] : best->tags) {
    std::string key = k, value = v;
    for (std::string* s : {&key, &value}) {
      ReplaceAll(s, "${schema-name}", schema);
      ReplaceAll(s, "${table-name}", table);
    }
    std::string problem = TagProblem(key, value);
    if (problem.empty() && !keys.insert(key).second) problem = "two tags named '" + key + "'";
    if (!problem.empty()) {
      return InvalidArgument("table-mappings rule " + best->rule_id + " on " + std::string(schema) +
                             "." + std::string(table) + ": " + problem);
    }
    tags.emplace_back(std::move(key), std::move(value));
  }
  return tags;
}

}  // namespace binlake
