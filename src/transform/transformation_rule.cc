#include "transform/transformation_rule.h"

#include <cctype>
#include <utility>

#include "transform/table_mappings_internal.h"

namespace binlake {
namespace {

using mappings_internal::CheckKeys;
using mappings_internal::Lower;
using mappings_internal::RuleContext;
using mappings_internal::TextMember;

constexpr std::pair<std::string_view, TransformAction> kActions[] = {
    {"rename", TransformAction::kRename},
    {"convert-lowercase", TransformAction::kConvertLowercase},
    {"convert-uppercase", TransformAction::kConvertUppercase},
    {"add-prefix", TransformAction::kAddPrefix},
    {"remove-prefix", TransformAction::kRemovePrefix},
    {"replace-prefix", TransformAction::kReplacePrefix},
    {"add-suffix", TransformAction::kAddSuffix},
    {"remove-suffix", TransformAction::kRemoveSuffix},
    {"replace-suffix", TransformAction::kReplaceSuffix},
    {"remove-column", TransformAction::kRemoveColumn},
    {"include-column", TransformAction::kIncludeColumn},
    {"add-column", TransformAction::kAddColumn},
    {"change-data-type", TransformAction::kChangeDataType},
    {"add-before-image-columns", TransformAction::kAddBeforeImageColumns},
    {"data-masking-digits-mask", TransformAction::kDataMaskingDigitsMask},
    {"data-masking-digits-randomize", TransformAction::kDataMaskingDigitsRandomize},
    {"data-masking-hash-mask", TransformAction::kDataMaskingHashMask},
};

// DMS actions binlake does not implement yet: refused by name rather than as unknown.
constexpr std::string_view kNotYet[] = {"define-primary-key"};

Result<NamePattern> Pattern(const nlohmann::json& locator, const std::string& key,
                            const RuleContext& ctx) {
  ASSIGN_OR_RETURN(std::string text, TextMember(locator, key, true, ctx));
  if (text.empty()) return ctx.Error("empty " + key + " in the object-locator");
  Result<NamePattern> p = NamePattern::Compile(text);
  if (!p.ok()) return ctx.Error(key + " '" + text + "': " + p.status().message());
  return std::move(p).value();
}

// The rule's "data-type" (required), one binlake can write.
Result<DmsDataType> DataTypeMember(const nlohmann::json& r, const std::string& action,
                                   const RuleContext& ctx) {
  auto type = r.find("data-type");
  if (type == r.end()) return ctx.Error(action + " needs a 'data-type'");
  Result<DmsDataType> parsed = ParseDmsDataType(*type);
  if (!parsed.ok()) return ctx.Error(parsed.status().message());
  Result<ColumnType> column_type = ColumnTypeForDmsDataType(*parsed);
  if (!column_type.ok()) return ctx.Error(column_type.status().message());
  return std::move(parsed).value();
}

std::string AsciiCase(std::string_view name, bool upper) {
  std::string out(name);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    c = static_cast<char>(upper ? std::toupper(u) : std::tolower(u));
  }
  return out;
}

}  // namespace

std::string_view TransformTargetName(TransformTarget target) {
  switch (target) {
    case TransformTarget::kSchema:
      return "schema";
    case TransformTarget::kTable:
      return "table";
    case TransformTarget::kColumn:
      return "column";
  }
  return "table";
}

std::string_view TransformActionName(TransformAction action) {
  for (const auto& [name, a] : kActions) {
    if (a == action) return name;
  }
  return "rename";
}

std::string TransformationRule::Apply(std::string_view name) const {
  switch (action) {
    case TransformAction::kRename:
      return value;
    case TransformAction::kConvertLowercase:
      return AsciiCase(name, false);
    case TransformAction::kConvertUppercase:
      return AsciiCase(name, true);
    case TransformAction::kAddPrefix:
      return value + std::string(name);
    case TransformAction::kAddSuffix:
      return std::string(name) + value;
    case TransformAction::kRemovePrefix:
      if (name.starts_with(value)) return std::string(name.substr(value.size()));
      return std::string(name);
    case TransformAction::kRemoveSuffix:
      if (name.ends_with(value)) return std::string(name.substr(0, name.size() - value.size()));
      return std::string(name);
    case TransformAction::kReplacePrefix:
      if (name.starts_with(old_value)) return value + std::string(name.substr(old_value.size()));
      return std::string(name);
    case TransformAction::kReplaceSuffix:
      if (name.ends_with(old_value)) {
        return std::string(name.substr(0, name.size() - old_value.size())) + value;
      }
      return std::string(name);
    case TransformAction::kRemoveColumn:
    case TransformAction::kIncludeColumn:
    case TransformAction::kAddColumn:
    case TransformAction::kChangeDataType:
    case TransformAction::kAddBeforeImageColumns:
    case TransformAction::kDataMaskingDigitsMask:
    case TransformAction::kDataMaskingDigitsRandomize:
    case TransformAction::kDataMaskingHashMask:
      break;
  }
  return std::string(name);
}

namespace mappings_internal {

Result<TransformationRule> ParseTransformationRule(const nlohmann::json& r,
                                                   const RuleContext& ctx) {
  ASSIGN_OR_RETURN(std::string action_text, TextMember(r, "rule-action", true, ctx));
  const std::string action = Lower(action_text);
  for (std::string_view not_yet : kNotYet) {
    if (action == not_yet) {
      return ctx.Error("rule-action '" + action_text +
                       "' is not supported yet: binlake would replicate as if the rule were not "
                       "there, so it refuses the mappings; remove the rule to go on");
    }
  }
  TransformationRule rule;
  bool known = false;
  for (const auto& [name, a] : kActions) {
    if (action == name) {
      rule.action = a;
      known = true;
    }
  }
  if (!known) {
    return ctx.Error("unknown rule-action '" + action_text +
                     "' for a transformation rule (binlake implements rename, convert-lowercase, "
                     "convert-uppercase, add-prefix, remove-prefix, replace-prefix, add-suffix, "
                     "remove-suffix, replace-suffix, remove-column, include-column, add-column, "
                     "change-data-type, add-before-image-columns, data-masking-digits-mask, "
                     "data-masking-digits-randomize, data-masking-hash-mask)");
  }
  const bool add = rule.action == TransformAction::kAddColumn;
  const bool change_type = rule.action == TransformAction::kChangeDataType;
  const bool before_image = rule.action == TransformAction::kAddBeforeImageColumns;
  if (before_image) {
    RETURN_IF_ERROR(CheckKeys(r,
                              {"rule-type", "rule-id", "rule-name", "rule-target", "object-locator",
                               "rule-action", "before-image-def"},
                              "an add-before-image-columns rule", ctx));
  } else if (change_type) {
    RETURN_IF_ERROR(CheckKeys(r,
                              {"rule-type", "rule-id", "rule-name", "rule-target", "object-locator",
                               "rule-action", "data-type", "expression"},
                              "a change-data-type rule", ctx));
  } else if (add) {
    RETURN_IF_ERROR(CheckKeys(r,
                              {"rule-type", "rule-id", "rule-name", "rule-target", "object-locator",
                               "rule-action", "value", "expression", "data-type"},
                              "an add-column rule", ctx));
  } else if (r.contains("expression")) {
    return ctx.Error("an expression on rule-action '" + action_text +
                     "' is not supported (binlake evaluates the expressions of add-column rules, "
                     "and of change-data-type rules to replace an existing column's values)");
  } else {
    RETURN_IF_ERROR(CheckKeys(r,
                              {"rule-type", "rule-id", "rule-name", "rule-target", "object-locator",
                               "rule-action", "value", "old-value"},
                              "a transformation rule", ctx));
  }
  ASSIGN_OR_RETURN(std::string target, TextMember(r, "rule-target", true, ctx));
  const std::string t = Lower(target);
  if (t == "schema") {
    rule.target = TransformTarget::kSchema;
  } else if (t == "table") {
    rule.target = TransformTarget::kTable;
  } else if (t == "column") {
    rule.target = TransformTarget::kColumn;
  } else if (t == "table-tablespace" || t == "index-tablespace") {
    return ctx.Error("rule-target '" + target +
                     "' applies to database targets only (an S3 target has no tablespaces)");
  } else {
    return ctx.Error("unknown rule-target '" + target + "' (schema, table or column)");
  }
  if (!rule.RenamesObject() && rule.target != TransformTarget::kColumn) {
    return ctx.Error("rule-action '" + action_text + "' needs rule-target 'column'");
  }
  auto loc = r.find("object-locator");
  if (loc == r.end() || !loc->is_object()) return ctx.Error("missing 'object-locator' object");
  switch (rule.target) {
    case TransformTarget::kSchema:
      RETURN_IF_ERROR(CheckKeys(*loc, {"schema-name"}, "a schema rule's object-locator", ctx));
      break;
    case TransformTarget::kTable:
      RETURN_IF_ERROR(CheckKeys(*loc, {"schema-name", "table-name", "table-type"},
                                "a table rule's object-locator", ctx));
      break;
    case TransformTarget::kColumn:
      if (loc->contains("data-type")) {
        return ctx.Error(
            "object-locator 'data-type' (matching columns by their DMS type) is not supported "
            "yet; name the columns in column-name");
      }
      if (add) {
        RETURN_IF_ERROR(CheckKeys(*loc, {"schema-name", "table-name"},
                                  "an add-column rule's object-locator", ctx));
      } else {
        RETURN_IF_ERROR(CheckKeys(*loc, {"schema-name", "table-name", "column-name"},
                                  "a column rule's object-locator", ctx));
      }
      break;
  }
  ASSIGN_OR_RETURN(rule.schema, Pattern(*loc, "schema-name", ctx));
  if (rule.target != TransformTarget::kSchema) {
    ASSIGN_OR_RETURN(rule.table, Pattern(*loc, "table-name", ctx));
  }
  if (rule.target == TransformTarget::kColumn && !add) {
    if (before_image && !loc->contains("column-name")) {
      rule.column = NamePattern::Compile("%").value();
    } else {
      ASSIGN_OR_RETURN(rule.column, Pattern(*loc, "column-name", ctx));
    }
  }
  if (before_image) {
    auto def = r.find("before-image-def");
    if (def != r.end()) {
      if (!def->is_object()) return ctx.Error("'before-image-def' must be an object");
      RETURN_IF_ERROR(CheckKeys(*def, {"column-prefix", "column-suffix", "column-filter"},
                                "a before-image-def", ctx));
      if (def->contains("column-prefix")) {
        ASSIGN_OR_RETURN(rule.before_image_prefix, TextMember(*def, "column-prefix", false, ctx));
      }
      ASSIGN_OR_RETURN(rule.before_image_suffix, TextMember(*def, "column-suffix", false, ctx));
      ASSIGN_OR_RETURN(std::string filter, TextMember(*def, "column-filter", false, ctx));
      const std::string f = Lower(filter);
      if (f.empty() || f == "pk-only") {
        rule.before_image_filter = BeforeImageFilter::kPkOnly;
      } else if (f == "non-lob") {
        rule.before_image_filter = BeforeImageFilter::kNonLob;
      } else if (f == "all") {
        rule.before_image_filter = BeforeImageFilter::kAll;
      } else {
        return ctx.Error("unknown column-filter '" + filter + "' (pk-only, non-lob or all)");
      }
    }
    if (rule.before_image_prefix.empty() && rule.before_image_suffix.empty()) {
      return ctx.Error(
          "before-image-def sets both column-prefix and column-suffix to empty strings: the "
          "before-image columns would take their columns' names");
    }
    return rule;
  }
  if (change_type) {
    ASSIGN_OR_RETURN(rule.data_type, DataTypeMember(r, action, ctx));
    ASSIGN_OR_RETURN(rule.expression, TextMember(r, "expression", false, ctx));
    if (r.contains("expression") && rule.expression.empty()) {
      return ctx.Error("change-data-type with an empty 'expression'");
    }
    return rule;
  }
  if (add) {
    ASSIGN_OR_RETURN(rule.value, TextMember(r, "value", true, ctx));
    if (rule.value.empty()) return ctx.Error("add-column needs a non-empty 'value' (its name)");
    ASSIGN_OR_RETURN(rule.expression, TextMember(r, "expression", false, ctx));
    ASSIGN_OR_RETURN(rule.data_type, DataTypeMember(r, action, ctx));
    return rule;
  }
  ASSIGN_OR_RETURN(rule.value, TextMember(r, "value", false, ctx));
  if (rule.Masks()) {
    if (r.contains("old-value"))
      return ctx.Error("rule-action '" + action_text + "' takes no 'old-value'");
    if (rule.action != TransformAction::kDataMaskingDigitsMask) {
      if (r.contains("value"))
        return ctx.Error("rule-action '" + action_text + "' takes no 'value'");
      return rule;
    }
    const std::string& v = rule.value;
    if (v.size() != 1 || v[0] <= ' ' || v[0] > '~') {
      return ctx.Error(
          "data-masking-digits-mask needs a 'value' of one printable ASCII character "
          "other than a space (the masking character), not '" +
          v + "'");
    }
    return rule;
  }
  ASSIGN_OR_RETURN(rule.old_value, TextMember(r, "old-value", false, ctx));
  const bool takes_value =
      rule.action == TransformAction::kRename || rule.action == TransformAction::kAddPrefix ||
      rule.action == TransformAction::kRemovePrefix ||
      rule.action == TransformAction::kReplacePrefix ||
      rule.action == TransformAction::kAddSuffix || rule.action == TransformAction::kRemoveSuffix ||
      rule.action == TransformAction::kReplaceSuffix;
  const bool takes_old = rule.action == TransformAction::kReplacePrefix ||
                         rule.action == TransformAction::kReplaceSuffix;
  if (takes_value && rule.value.empty() && rule.action != TransformAction::kReplacePrefix &&
      rule.action != TransformAction::kReplaceSuffix) {
    return ctx.Error("rule-action '" + action_text + "' needs a non-empty 'value'");
  }
  if (!takes_value && r.contains("value")) {
    return ctx.Error("rule-action '" + action_text + "' takes no 'value'");
  }
  if (takes_old && rule.old_value.empty()) {
    return ctx.Error("rule-action '" + action_text + "' needs a non-empty 'old-value'");
  }
  if (!takes_old && r.contains("old-value")) {
    return ctx.Error("rule-action '" + action_text + "' takes no 'old-value'");
  }
  return rule;
}

}  // namespace mappings_internal
}  // namespace binlake
