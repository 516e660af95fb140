#include "validate/report.h"

#include <nlohmann/json.hpp>

namespace binlake {

namespace {

nlohmann::json Values(const std::vector<std::pair<std::string, std::optional<std::string>>>& v,
                      size_t max_chars) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [column, value] : v) {
    if (!value) {
      out[column] = nullptr;
    } else if (value->size() > max_chars) {
      out[column] = value->substr(0, max_chars) + "...";
    } else {
      out[column] = *value;
    }
  }
  return out;
}

}  // namespace

std::string ValidationReportJson(const ValidateResult& result, size_t max_value_chars) {
  nlohmann::json j;
  j["started_at"] = result.started_at;
  j["seconds"] = result.seconds;
  j["source_position"] = {{"binlog_file", result.position.file},
                          {"binlog_position", result.position.position},
                          {"gtid_set", result.position.gtid_set}};
  j["lake_checkpoint"] = result.as_of.checkpoint;
  if (result.as_of.partial) {
    // The point is inside the next batch: its first transactions up to P are taken too.
    j["lake_partial_batch"] = {{"checkpoint", result.as_of.partial->checkpoint},
                               {"transactions", result.as_of.partial->transactions}};
  }
  j["equal"] = result.equal();
  j["recheck"] = result.recheck;
  nlohmann::json tables = nlohmann::json::array();
  for (const TableComparison& t : result.tables) {
    nlohmann::json o;
    o["schema"] = t.schema;
    o["table"] = t.table;
    o["equal"] = t.equal_all();
    o["key_columns"] = t.key_columns;
    if (t.rechecked) o["rechecked"] = true;
    o["ranges"] = t.ranges;
    o["source_rows"] = t.source_rows;
    o["lake_rows"] = t.lake_rows;
    o["equal_rows"] = t.equal;
    o["missing_in_lake"] = t.missing_in_lake;
    o["extra_in_lake"] = t.extra_in_lake;
    o["different"] = t.different;
    o["different_columns"] = t.different_columns;
    o["notes"] = t.notes;
    if (!t.not_compared.empty()) o["not_compared"] = t.not_compared;
    nlohmann::json samples = nlohmann::json::array();
    for (const RowSample& s : t.samples) {
      nlohmann::json x;
      x["kind"] = s.kind == RowSample::Kind::kMissingInLake ? "missing_in_lake"
                  : s.kind == RowSample::Kind::kExtraInLake ? "extra_in_lake"
                                                            : "different";
      x["key"] = s.key;
      if (!s.columns.empty()) x["columns"] = s.columns;
      if (!s.source.empty()) x["source"] = Values(s.source, max_value_chars);
      if (!s.lake.empty()) x["lake"] = Values(s.lake, max_value_chars);
      samples.push_back(std::move(x));
    }
    o["samples"] = std::move(samples);
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& k : t.differing_keys) {
      nlohmann::json values = nlohmann::json::array();
      for (const auto& v : k) values.push_back(v ? nlohmann::json(*v) : nlohmann::json(nullptr));
      keys.push_back(std::move(values));
    }
    o["differing_keys"] = std::move(keys);
    o["differing_keys_complete"] = t.differing_keys_complete;
    tables.push_back(std::move(o));
  }
  j["tables"] = std::move(tables);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string ValidationReportKey(const std::string& bucket_folder, const std::string& started_at) {
  std::string stamp;
  for (char c : started_at) {
    if (c != '-' && c != ':') stamp += c;
  }
  if (const size_t dot = stamp.find('.'); dot != std::string::npos) stamp = stamp.substr(0, dot);
  if (!stamp.empty() && stamp.back() != 'Z') stamp += 'Z';
  return (bucket_folder.empty() ? "" : bucket_folder + "/") + "_binlake/validation/" + stamp +
         ".json";
}

Result<std::optional<ValidationSummary>> ReadNewestValidation(ObjectStore& target,
                                                              const std::string& bucket_folder) {
  const std::string prefix =
      (bucket_folder.empty() ? "" : bucket_folder + "/") + "_binlake/validation/";
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> reports, target.List(prefix));
  std::optional<std::string> newest;
  for (const ObjectInfo& o : reports) {
    if (o.key.size() > 5 && o.key.ends_with(".json") && (!newest || o.key > *newest))
      newest = o.key;
  }
  if (!newest) return std::optional<ValidationSummary>();
  ASSIGN_OR_RETURN(std::string text, target.Get(*newest));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  auto bad = [&]() { return Corruption(target.Describe() + "/" + *newest + ": not a report"); };
  if (!j.is_object() || !j["tables"].is_array() || !j["source_position"].is_object()) return bad();
  ValidationSummary v;
  v.key = *newest;
  try {
    v.started_at = j.value("started_at", "");
    const auto& p = j["source_position"];
    v.source_position =
        p.value("binlog_file", "") + ":" + std::to_string(p.value("binlog_position", uint64_t{0}));
    v.lake_checkpoint = j.value("lake_checkpoint", uint64_t{0});
    for (const auto& t : j["tables"]) {
      ++v.tables;
      if (!t.value("equal", false)) {
        v.differing.push_back(t.value("schema", "") + "." + t.value("table", ""));
      }
    }
  } catch (const nlohmann::json::exception&) {
    return bad();
  }
  return std::optional<ValidationSummary>(std::move(v));
}

Result<std::map<std::string, Recheck>> ReadRecheck(ObjectStore& target, const std::string& folder) {
  ASSIGN_OR_RETURN(std::optional<ValidationSummary> newest, ReadNewestValidation(target, folder));
  if (!newest) {
    return PreconditionFailed("--recheck: " + target.Describe() +
                              " holds no validation report yet: run validate without --recheck");
  }
  ASSIGN_OR_RETURN(std::string text, target.Get(newest->key));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  std::map<std::string, Recheck> out;
  try {
    for (const auto& t : j.at("tables")) {
      if (t.value("equal", false)) continue;
      Recheck r;
      r.whole = !t.value("differing_keys_complete", false) ||
                !t.value("notes", nlohmann::json::array()).empty();
      for (const auto& c : t.value("key_columns", nlohmann::json::array())) {
        r.key_columns.push_back(c.get<std::string>());
      }
      for (const auto& k : t.value("differing_keys", nlohmann::json::array())) {
        std::vector<std::optional<std::string>> key;
        for (const auto& v : k) {
          key.push_back(v.is_null() ? std::nullopt
                                    : std::optional<std::string>(v.get<std::string>()));
        }
        r.keys.push_back(std::move(key));
      }
      if (r.key_columns.empty()) r.whole = true;
      out[t.at("schema").get<std::string>() + "." + t.at("table").get<std::string>()] =
          std::move(r);
    }
  } catch (const nlohmann::json::exception&) {
    return Corruption(target.Describe() + "/" + newest->key + ": not a validation report");
  }
  return out;
}

}  // namespace binlake
