#include "lake/schema_records.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cdc/schema_history.h"
#include "config/target_layout.h"

namespace binlake {
namespace {

using nlohmann::json;

Result<json> ReadJson(ObjectStore& store, const std::string& key) {
  ASSIGN_OR_RETURN(std::string text, store.Get(key));
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Corruption(store.Describe() + "/" + key + ": a schema-history record that is not JSON");
  }
  return j;
}

// A column as SchemaHistory::Describe writes it.
Result<Column> ColumnOf(const json& c) {
  Column col;
  col.name = c.value("name", "");
  const std::string type = c.value("type", "");
  bool found = false;
  for (int i = 0; i <= static_cast<int>(SqlType::kNull) && !found; ++i) {
    if (SqlTypeName(static_cast<SqlType>(i)) == type) {
      col.type.type = static_cast<SqlType>(i);
      found = true;
    }
  }
  if (!found || col.name.empty()) return Corruption("a column without a known name and type");
  col.type.is_unsigned = c.value("unsigned", false);
  col.type.precision = c.value("precision", uint8_t{0});
  col.type.scale = c.value("scale", uint8_t{0});
  col.type.fsp = c.value("fsp", uint8_t{0});
  col.type.length = c.value("length", uint32_t{0});
  if (c.contains("elements") && c["elements"].is_array()) {
    for (const auto& e : c["elements"]) {
      if (e.is_string()) col.type.elements.push_back(e.get<std::string>());
    }
  }
  return col;
}

}  // namespace

bool PositionBefore(const binlog::BinlogPosition& a, const binlog::BinlogPosition& b) {
  return !binlog::AtOrAfter(a, b);
}

Result<SchemaRecords> ListSchemaRecords(ObjectStore& store, std::string_view bucket_folder) {
  SchemaRecords out;
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> listed,
                   store.List(StateFolder(bucket_folder) + "schema/"));
  for (const ObjectInfo& o : listed) {
    if (!IsDdlRecord(o.key)) {
      if (o.key.ends_with(".json")) {
        out.version_keys[o.key.substr(0, o.key.rfind('/') + 1)].push_back(o.key);
      }
      continue;
    }
    ASSIGN_OR_RETURN(json j, ReadJson(store, o.key));
    DdlRecord r;
    r.key = o.key;
    try {
      r.at.file = j.at("binlog_file").get<std::string>();
      r.at.position = j.at("binlog_position").get<uint64_t>();
      r.schema = j.at("schema").get<std::string>();
      r.table = j.at("table").get<std::string>();
      r.kind = j.value("kind", "");
      r.statement = j.at("statement").get<std::string>();
      r.default_schema = j.value("default_schema", "");
      r.transformed = j.value("transformed", false);
    } catch (const json::exception& e) {
      return Corruption(store.Describe() + "/" + o.key + ": " + e.what());
    }
    out.ddls.push_back(std::move(r));
  }
  std::stable_sort(out.ddls.begin(), out.ddls.end(), [](const DdlRecord& a, const DdlRecord& b) {
    return PositionBefore(a.at, b.at);
  });
  return out;
}

Result<std::vector<VersionRecord>> ReadVersionRecords(ObjectStore& store,
                                                      const std::vector<std::string>& keys) {
  std::vector<VersionRecord> out;
  for (const std::string& key : keys) {
    ASSIGN_OR_RETURN(json j, ReadJson(store, key));
    VersionRecord v;
    v.key = key;
    try {
      const json& seen = j.at("first_seen");
      v.at.file = seen.at("binlog_file").get<std::string>();
      v.at.position = seen.at("binlog_position").get<uint64_t>();
      v.schema = j.at("schema").get<std::string>();
      v.table = j.at("table").get<std::string>();
      for (const json& c : j.at("columns")) {
        Result<Column> col = ColumnOf(c);
        if (!col.ok())
          return Corruption(store.Describe() + "/" + key + ": " + col.status().message());
        v.columns.push_back(std::move(col).value());
      }
    } catch (const json::exception& e) {
      return Corruption(store.Describe() + "/" + key + ": " + e.what());
    }
    out.push_back(std::move(v));
  }
  std::stable_sort(out.begin(), out.end(), [](const VersionRecord& a, const VersionRecord& b) {
    return PositionBefore(a.at, b.at);
  });
  return out;
}

}  // namespace binlake
