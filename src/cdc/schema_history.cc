#include "cdc/schema_history.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "config/target_layout.h"

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

namespace {
constexpr std::string_view kDdlSuffix = ".ddl.json";
}  // namespace

bool IsDdlRecord(std::string_view key) {
  return key.size() >= kDdlSuffix.size() &&
         key.substr(key.size() - kDdlSuffix.size()) == kDdlSuffix;
}

std::string SchemaHistory::Prefix(const std::string& schema, const std::string& table) const {
  return SchemaHistoryFolder(folder_, schema, table);
}

Status SchemaHistory::RecordDdl(const std::string& schema, const std::string& table,
                                const std::string& kind, std::string_view statement,
                                std::string_view default_schema,
                                const binlog::BinlogPosition& position, uint32_t event_time_s,
                                bool transformed) {
  nlohmann::ordered_json doc;
  doc["format"] = "binlake-table-ddl/1";
  doc["schema"] = schema;
  doc["table"] = table;
  doc["kind"] = kind;
  doc["statement"] = std::string(statement);
  doc["default_schema"] = std::string(default_schema);
  doc["binlog_file"] = position.file;
  doc["binlog_position"] = position.position;
  doc["event_time"] = event_time_s;
  if (transformed) doc["transformed"] = true;
  std::string name = fmt::format("{}-{:012}{}", position.file, position.position, kDdlSuffix);
  // dump() with replace: a statement in a legacy charset is recorded, not refused.
  return store_->Put(
      Prefix(schema, table) + name,
      doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n",
      PutOptions{});
}

void SchemaHistory::Observe(const TableSchema& table, const binlog::BinlogPosition& position) {
  executor_.Post([this, table, position] {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!error_.ok()) return;  // stopped at the first error
    }
    Status s = Record(table, position);
    std::lock_guard<std::mutex> lock(mu_);
    if (!s.ok()) {
      error_ = s.WithContext("recording the columns of " + table.schema + "." + table.table);
    }
  });
}

Status SchemaHistory::Flush() {
  executor_.WaitIdle();
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

uint64_t SchemaHistory::versions_written() {
  std::lock_guard<std::mutex> lock(mu_);
  return versions_written_;
}

Status SchemaHistory::Record(const TableSchema& table, const binlog::BinlogPosition& position) {
  const std::string key = table.schema + "." + table.table;
  const std::string columns = Describe(table);
  auto it = newest_.find(key);
  if (it == newest_.end()) {
    // First sight in this process: compare with what an earlier run recorded.
    ASSIGN_OR_RETURN(auto listed, store_->List(Prefix(table.schema, table.table)));
    std::vector<std::string> versions;
    for (const auto& o : listed) {
      if (!IsDdlRecord(o.key)) versions.push_back(o.key);
    }
    std::string recorded;
    if (!versions.empty()) {
      ASSIGN_OR_RETURN(std::string text, store_->Get(versions.back()));
      auto j = nlohmann::ordered_json::parse(text, nullptr, false);
      if (!j.is_discarded() && j.contains("columns")) recorded = j["columns"].dump();
    }
    it = newest_.emplace(key, recorded).first;
  }
  if (it->second == columns) return Status::Ok();
  nlohmann::ordered_json doc;
  doc["format"] = "binlake-table-schema/1";
  doc["schema"] = table.schema;
  doc["table"] = table.table;
  doc["first_seen"] = {{"binlog_file", position.file}, {"binlog_position", position.position}};
  doc["columns"] = nlohmann::ordered_json::parse(columns);
  std::string name = fmt::format("{}-{:012}.json", position.file, position.position);
  RETURN_IF_ERROR(
      store_->Put(Prefix(table.schema, table.table) + name, doc.dump(2) + "\n", PutOptions{}));
  it->second = columns;
  std::lock_guard<std::mutex> lock(mu_);
  ++versions_written_;
  return Status::Ok();
}

}  // namespace binlake
