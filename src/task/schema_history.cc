#include "task/schema_history.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace binlake {

std::string SchemaHistory::Describe(const TableSchema& t) {
  nlohmann::ordered_json cols = nlohmann::ordered_json::array();
  for (const Column& c : t.columns) {
    nlohmann::ordered_json j;
    j["name"] = c.name;
    j["type"] = std::string(SqlTypeName(c.type.type));
    if (c.type.is_unsigned) j["unsigned"] = true;
    if (c.type.type == SqlType::kDecimal) {
      j["precision"] = c.type.precision;
      j["scale"] = c.type.scale;
    }
    if (c.type.fsp) j["fsp"] = c.type.fsp;
    if (c.type.length) j["length"] = c.type.length;
    if (!c.type.elements.empty()) j["elements"] = c.type.elements;
    cols.push_back(std::move(j));
  }
  return cols.dump();
}

std::string SchemaHistory::Prefix(const TableSchema& t) const {
  return (folder_.empty() ? "" : folder_ + "/") + "_binlake/schema/" + t.schema + "/" + t.table +
         "/";
}

Result<bool> SchemaHistory::Observe(const TableSchema& table, const BinlogPosition& position) {
  const std::string key = table.schema + "." + table.table;
  const std::string columns = Describe(table);
  auto it = newest_.find(key);
  if (it == newest_.end()) {
    // First sight in this process: compare with what an earlier run recorded.
    ASSIGN_OR_RETURN(auto versions, store_->List(Prefix(table)));
    std::string recorded;
    if (!versions.empty()) {
      ASSIGN_OR_RETURN(std::string text, store_->Get(versions.back().key));
      auto j = nlohmann::ordered_json::parse(text, nullptr, false);
      if (!j.is_discarded() && j.contains("columns")) recorded = j["columns"].dump();
    }
    it = newest_.emplace(key, recorded).first;
  }
  if (it->second == columns) return false;
  nlohmann::ordered_json doc;
  doc["format"] = "binlake-table-schema/1";
  doc["schema"] = table.schema;
  doc["table"] = table.table;
  doc["first_seen"] = {{"binlog_file", position.file}, {"binlog_position", position.position}};
  doc["columns"] = nlohmann::ordered_json::parse(columns);
  std::string name = fmt::format("{}-{:012}.json", position.file, position.position);
  RETURN_IF_ERROR(store_->Put(Prefix(table) + name, doc.dump(2) + "\n", PutOptions{}));
  it->second = columns;
  return true;
}

}  // namespace binlake
