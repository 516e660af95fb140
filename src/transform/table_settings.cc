#include "transform/table_settings.h"

#include "transform/table_mappings_internal.h"

namespace binlake {
namespace mappings_internal {

namespace {

Result<NamePattern> LocatorPattern(const nlohmann::json& loc, const char* key,
                                   const RuleContext& ctx) {
  ASSIGN_OR_RETURN(std::string text, TextMember(loc, key, true, ctx));
  Result<NamePattern> p = NamePattern::Compile(text);
  if (!p.ok()) return ctx.Error(std::string(key) + " '" + text + "': " + p.status().message());
  return std::move(p).value();
}

// A list of strings (a JSON string of a number is taken as written).
Result<std::vector<std::string>> Strings(const nlohmann::json& v, const std::string& what,
                                         const RuleContext& ctx) {
  if (!v.is_array() || v.empty()) return ctx.Error(what + " must be a non-empty array");
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (e.is_string()) {
      out.push_back(e.get<std::string>());
    } else if (e.is_number()) {
      out.push_back(e.dump());
    } else {
      return ctx.Error(what + " holds something other than a string or a number");
    }
  }
  return out;
}

Result<ParallelLoad> ParseParallelLoad(const nlohmann::json& v, const RuleContext& ctx) {
  if (!v.is_object()) return ctx.Error("parallel-load must be an object");
  RETURN_IF_ERROR(CheckKeys(v, {"type", "columns", "boundaries", "partitions", "subpartitions"},
                            "a parallel-load", ctx));
  ParallelLoad p;
  p.rule_id = ctx.id();
  ASSIGN_OR_RETURN(p.type_name, TextMember(v, "type", true, ctx));
  const std::string& t = p.type_name;
  if (t == "none") {
    p.type = ParallelLoad::Type::kNone;
  } else if (t == "partitions-auto" || t == "partitions-list" || t == "subpartitions-auto") {
    p.type = ParallelLoad::Type::kPartitions;
  } else if (t == "ranges") {
    p.type = ParallelLoad::Type::kRanges;
    auto columns = v.find("columns");
    auto boundaries = v.find("boundaries");
    if (columns == v.end() || boundaries == v.end()) {
      return ctx.Error("parallel-load type 'ranges' needs 'columns' and 'boundaries'");
    }
    ASSIGN_OR_RETURN(p.columns, Strings(*columns, "parallel-load 'columns'", ctx));
    if (!boundaries->is_array() || boundaries->empty()) {
      return ctx.Error("parallel-load 'boundaries' must be a non-empty array of value lists");
    }
    for (const auto& b : *boundaries) {
      ASSIGN_OR_RETURN(std::vector<std::string> values,
                       Strings(b, "a parallel-load boundary", ctx));
      if (values.size() != p.columns.size()) {
        return ctx.Error("a parallel-load boundary has " + std::to_string(values.size()) +
                         " value(s) for " + std::to_string(p.columns.size()) + " column(s)");
      }
      p.boundaries.push_back(std::move(values));
    }
  } else {
    return ctx.Error("parallel-load type '" + t +
                     "' is not one of ranges, none, partitions-auto, partitions-list, "
                     "subpartitions-auto");
  }
  if (p.type != ParallelLoad::Type::kRanges &&
      (v.contains("columns") || v.contains("boundaries"))) {
    return ctx.Error("parallel-load type '" + t + "' takes no 'columns' or 'boundaries'");
  }
  return p;
}

}  // namespace

Result<TableSettingsRule> ParseTableSettingsRule(const nlohmann::json& r, const RuleContext& ctx) {
  auto loc = r.find("object-locator");
  if (loc == r.end() || !loc->is_object()) {
    return ctx.Error("table-settings needs an object-locator");
  }
  TableSettingsRule rule;
  rule.rule_id = ctx.id();
  ASSIGN_OR_RETURN(rule.schema, LocatorPattern(*loc, "schema-name", ctx));
  ASSIGN_OR_RETURN(rule.table, LocatorPattern(*loc, "table-name", ctx));
  std::string lob_mode;
  bool lob = false;
  for (const auto& [key, value] : r.items()) {
    if (key == "rule-type" || key == "rule-id" || key == "rule-name" || key == "object-locator") {
      continue;
    }
    if (key == "lob-settings") {
      if (!value.is_object()) return ctx.Error("lob-settings must be an object");
      ASSIGN_OR_RETURN(lob_mode, TextMember(value, "mode", false, ctx));
      lob = true;
      continue;
    }
    if (key == "parallel-load") {
      ASSIGN_OR_RETURN(rule.parallel_load, ParseParallelLoad(value, ctx));
      continue;
    }
    return ctx.Error("table-settings '" + key +
                     "' is not supported yet: binlake would load as if the setting were not "
                     "there, so it refuses the mappings; remove the setting to go on");
  }
  if (!lob && !rule.parallel_load) return ctx.Error("table-settings rule without a setting");
  if (lob) {
    rule.note = "table-mappings rule " + ctx.id() + ": lob-settings" +
                (lob_mode.empty() ? "" : " (mode " + lob_mode + ")") +
                " change nothing: binlake writes every LOB value whole, never truncated";
  } else if (rule.parallel_load->type == ParallelLoad::Type::kPartitions) {
    rule.note = "table-mappings rule " + ctx.id() + ": parallel-load " +
                rule.parallel_load->type_name +
                ": binlake reads the table in parallel key ranges of its own (the rows are the "
                "same)";
  }
  return rule;
}

}  // namespace mappings_internal
}  // namespace binlake
