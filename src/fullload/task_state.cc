#include "fullload/task_state.h"

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/schema.h"

namespace binlake {

using nlohmann::ordered_json;

std::string NowIso8601() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm;
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::string SerializeFullLoadState(const FullLoadState& s) {
  ordered_json j;
  j["format"] = "binlake-full-load/1";
  j["status"] = s.status;
  j["started_at"] = s.started_at;
  if (!s.finished_at.empty()) j["finished_at"] = s.finished_at;
  j["source"] = {
      {"server", s.source_server}, {"version", s.source_version}, {"flavor", s.source_flavor}};
  j["snapshot"] = {{"method", s.snapshot_method},
                   {"binlog_file", s.snapshot.file},
                   {"binlog_position", s.snapshot.position},
                   {"gtid_set", s.snapshot.gtid_set},
                   {"server", s.snapshot.server}};
  j["settings"] = s.settings_json.empty() ? ordered_json::object()
                                          : ordered_json::parse(s.settings_json, nullptr, false);
  ordered_json tables = ordered_json::array();
  for (const TableState& t : s.tables) {
    ordered_json tj;
    tj["schema"] = t.schema.schema;
    tj["table"] = t.schema.table;
    if (t.source) tj["source"] = {{"schema", t.source->schema}, {"table", t.source->table}};
    tj["rows"] = t.rows;
    tj["bytes"] = t.bytes;
    ordered_json cols = ordered_json::array();
    for (const Column& c : t.schema.columns) {
      // The keys SchemaHistory::Describe (cdc/schema_history.h) writes for a column.
      ordered_json cj = {{"name", c.name}, {"type", std::string(SqlTypeName(c.type.type))}};
      if (c.type.is_unsigned) cj["unsigned"] = true;
      if (c.type.type == SqlType::kDecimal) {
        cj["precision"] = c.type.precision;
        cj["scale"] = c.type.scale;
      }
      if (c.type.fsp) cj["fsp"] = c.type.fsp;
      if (c.type.length) cj["length"] = c.type.length;
      if (!c.type.elements.empty()) cj["elements"] = c.type.elements;
      cols.push_back(std::move(cj));
    }
    tj["columns"] = cols;
    tj["column_types"] = "full";
    ordered_json key = ordered_json::array();
    for (int c : t.schema.primary_key) {
      if (c >= 0 && static_cast<size_t>(c) < t.schema.columns.size()) {
        key.push_back(t.schema.columns[static_cast<size_t>(c)].name);
      }
    }
    tj["primary_key"] = key;
    ordered_json files = ordered_json::array();
    for (const OutputFile& f : t.files) {
      ordered_json file = {{"key", f.key}, {"rows", f.rows}, {"bytes", f.bytes}};
      if (!f.splits.empty()) file["splits"] = f.splits;
      files.push_back(std::move(file));
    }
    tj["files"] = files;
    tables.push_back(std::move(tj));
  }
  j["tables"] = tables;
  return j.dump(2) + "\n";
}

Result<FullLoadState> ParseFullLoadState(std::string_view text) {
  auto j = ordered_json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Corruption("full-load state is not JSON");
  if (j.value("format", "") != "binlake-full-load/1") {
    return Corruption("full-load state has an unknown format");
  }
  FullLoadState s;
  try {
    s.status = j.at("status").get<std::string>();
    s.started_at = j.value("started_at", "");
    s.finished_at = j.value("finished_at", "");
    const auto& src = j.at("source");
    s.source_server = src.value("server", "");
    s.source_version = src.value("version", "");
    s.source_flavor = src.value("flavor", "");
    const auto& snap = j.at("snapshot");
    s.snapshot_method = snap.value("method", "");
    s.snapshot.file = snap.value("binlog_file", "");
    s.snapshot.position = snap.value("binlog_position", uint64_t{0});
    s.snapshot.gtid_set = snap.value("gtid_set", "");
    s.snapshot.server = snap.value("server", "");
    s.settings_json = j.at("settings").dump();
    for (const auto& tj : j.at("tables")) {
      TableState t;
      t.schema.schema = tj.at("schema").get<std::string>();
      t.schema.table = tj.at("table").get<std::string>();
      if (auto src = tj.find("source"); src != tj.end()) {
        t.source =
            TableName{src->at("schema").get<std::string>(), src->at("table").get<std::string>()};
      }
      t.rows = tj.value("rows", uint64_t{0});
      t.bytes = tj.value("bytes", uint64_t{0});
      t.full_column_types = tj.value("column_types", "") == "full";
      for (const auto& c : tj.value("columns", ordered_json::array())) {
        Column col;
        col.name = c.value("name", "");
        const std::string type = c.value("type", "");
        for (int i = 0; i <= static_cast<int>(SqlType::kNull); ++i) {
          if (SqlTypeName(static_cast<SqlType>(i)) == type) {
            col.type.type = static_cast<SqlType>(i);
            break;
          }
        }
        col.type.is_unsigned = c.value("unsigned", false);
        col.type.precision = c.value("precision", uint8_t{0});
        col.type.scale = c.value("scale", uint8_t{0});
        col.type.fsp = c.value("fsp", uint8_t{0});
        col.type.length = c.value("length", uint32_t{0});
        for (const auto& e : c.value("elements", ordered_json::array())) {
          if (e.is_string()) col.type.elements.push_back(e.get<std::string>());
        }
        t.schema.columns.push_back(col);
      }
      for (const auto& k : tj.value("primary_key", ordered_json::array())) {
        const std::string name = k.get<std::string>();
        for (size_t i = 0; i < t.schema.columns.size(); ++i) {
          if (t.schema.columns[i].name == name) t.schema.primary_key.push_back(static_cast<int>(i));
        }
      }
      for (const auto& f : tj.value("files", ordered_json::array())) {
        t.files.push_back(OutputFile{f.value("key", ""), f.value("rows", uint64_t{0}),
                                     f.value("bytes", uint64_t{0}),
                                     f.value("splits", std::vector<uint64_t>{})});
      }
      s.tables.push_back(std::move(t));
    }
  } catch (const nlohmann::json::exception& e) {
    return Corruption(std::string("full-load state: ") + e.what());
  }
  return s;
}

}  // namespace binlake
