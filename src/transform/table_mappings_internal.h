// Helpers shared by the parsers of the table-mappings rule types (table_mappings.cc,
// transformation_rule.cc): one error prefix, key checks and member access. Not a public API.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace binlake::mappings_internal {

std::string Lower(std::string_view v);

// "<origin>: rule <id>: " or "<origin>: rules[<i>]: " prefix for messages.
class RuleContext {
 public:
  RuleContext(std::string_view origin, size_t index) : origin_(origin), index_(index) {}
  void set_id(std::string id) { id_ = std::move(id); }
  const std::string& id() const { return id_; }
  Status Error(std::string_view problem) const;

 private:
  std::string_view origin_;
  size_t index_;
  std::string id_;
};

// An error naming the first key of `object` that is not in `allowed`.
Status CheckKeys(const nlohmann::json& object, std::initializer_list<std::string_view> allowed,
                 std::string_view what, const RuleContext& ctx);

// A string member, or an integer member written as its decimal text (DMS examples use both).
// Absent: "" (an error when `required`).
Result<std::string> TextMember(const nlohmann::json& object, const std::string& key, bool required,
                               const RuleContext& ctx);

}  // namespace binlake::mappings_internal
