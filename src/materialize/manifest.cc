#include "materialize/manifest.h"

#include <nlohmann/json.hpp>

#include "cdc/naming.h"

namespace binlake {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view kFormat = "binlake-materialization/1";

std::string Hex(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

bool Unhex(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  out->clear();
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = digit(hex[i]), lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

}  // namespace

std::string MaterializationManifestKey() { return "_binlake/materialization.json"; }

std::string SerializeManifest(const Manifest& m) {
  ordered_json j;
  j["format"] = kFormat;
  j["target"] = m.target;
  j["version"] = m.version;
  j["materialized_at"] = m.materialized_at;
  j["as_of"] = {{"requested", m.as_of.requested},
                {"checkpoint", m.as_of.checkpoint},
                {"binlog_file", m.as_of.position.file},
                {"binlog_position", m.as_of.position.position},
                {"gtid_set", m.as_of.position.gtid_set},
                {"last_commit_time",
                 m.as_of.last_commit_us == 0 ? "" : FormatCommitTime(m.as_of.last_commit_us)},
                {"last_commit_us", m.as_of.last_commit_us},
                {"exact", m.as_of.exact}};
  if (m.as_of.partial) {
    const PartialBatch& p = *m.as_of.partial;
    j["as_of"]["partial"] = {{"checkpoint", p.checkpoint},
                             {"transactions", p.transactions},
                             {"rows", p.rows},
                             {"end_file", p.end.file},
                             {"end_position", p.end.position}};
  }
  if (!m.as_of.note.empty()) j["as_of"]["note"] = m.as_of.note;
  j["file_format"] = m.format;
  ordered_json tables = ordered_json::array();
  for (const MaterializedTable& t : m.tables) {
    ordered_json files = ordered_json::array();
    ordered_json parts = ordered_json::array();
    for (const PartInfo& p : t.parts) {
      files.push_back(p.file);
      parts.push_back({{"file", p.file},
                       {"rows", p.rows},
                       {"bytes", p.bytes},
                       {"first_key", Hex(p.first_key)},
                       {"last_key", Hex(p.last_key)}});
    }
    tables.push_back({{"schema", t.schema},
                      {"table", t.table},
                      {"rows", t.rows},
                      {"inconsistencies", t.inconsistencies},
                      {"files", files},
                      {"columns", t.columns},
                      {"parts", parts}});
    if (!t.training_columns.empty()) {
      tables.back()["training"] = {
          {"label", t.training_columns.front()},
          {"features",
           std::vector<std::string>(t.training_columns.begin() + 1, t.training_columns.end())}};
    }
  }
  j["tables"] = tables;
  return j.dump(2) + "\n";
}

Result<Manifest> ParseManifest(std::string_view text) {
  auto j = ordered_json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("format") || !j["format"].is_string() ||
      j["format"].get<std::string>() != kFormat) {
    return Corruption("not a binlake materialization manifest");
  }
  Manifest m;
  try {
    m.target = j.value("target", "");
    m.version = j.value("version", uint64_t{0});
    m.materialized_at = j.value("materialized_at", "");
    m.format = j.value("file_format", "csv");
    const auto& at = j.at("as_of");
    m.as_of.requested = at.value("requested", "");
    m.as_of.checkpoint = at.value("checkpoint", uint64_t{0});
    m.as_of.position.file = at.value("binlog_file", "");
    m.as_of.position.position = at.value("binlog_position", uint64_t{0});
    m.as_of.position.gtid_set = at.value("gtid_set", "");
    m.as_of.last_commit_us = at.value("last_commit_us", uint64_t{0});
    m.as_of.exact = at.value("exact", true);
    m.as_of.note = at.value("note", "");
    if (at.contains("partial")) {
      const auto& p = at.at("partial");
      PartialBatch partial;
      partial.checkpoint = p.at("checkpoint").get<uint64_t>();
      partial.transactions = p.value("transactions", uint64_t{0});
      partial.rows = p.at("rows").get<std::vector<uint64_t>>();
      partial.end.file = p.value("end_file", "");
      partial.end.position = p.value("end_position", uint64_t{0});
      m.as_of.partial = std::move(partial);
    }
    for (const auto& t : j.at("tables")) {
      MaterializedTable table;
      table.schema = t.at("schema").get<std::string>();
      table.table = t.at("table").get<std::string>();
      table.rows = t.value("rows", uint64_t{0});
      table.inconsistencies = t.value("inconsistencies", uint64_t{0});
      table.columns = t.value("columns", "");
      if (t.contains("training")) {
        table.training_columns.push_back(t.at("training").at("label").get<std::string>());
        for (const auto& f : t.at("training").at("features")) {
          table.training_columns.push_back(f.get<std::string>());
        }
      }
      if (t.contains("parts")) {
        for (const auto& p : t.at("parts")) {
          PartInfo part;
          part.file = p.at("file").get<std::string>();
          part.rows = p.value("rows", uint64_t{0});
          part.bytes = p.value("bytes", uint64_t{0});
          if (!Unhex(p.value("first_key", ""), &part.first_key) ||
              !Unhex(p.value("last_key", ""), &part.last_key)) {
            return Corruption("a part's key range is not hex");
          }
          table.parts.push_back(std::move(part));
        }
      } else {
        // A manifest of the first version: files only (no ranges: the next run rebuilds).
        for (const auto& f : t.value("files", ordered_json::array())) {
          PartInfo part;
          part.file = f.get<std::string>();
          table.parts.push_back(std::move(part));
        }
      }
      m.tables.push_back(std::move(table));
    }
  } catch (const nlohmann::json::exception& e) {
    return Corruption(std::string("a manifest field has the wrong type: ") + e.what());
  }
  return m;
}

}  // namespace binlake
