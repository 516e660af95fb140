#include "cdc/checkpoint.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cdc/naming.h"

namespace binlake {

using nlohmann::ordered_json;

namespace {
constexpr std::string_view kCheckpointDir = "_binlake/cdc/checkpoint-";
constexpr std::string_view kCheckpointExt = ".json";
constexpr size_t kSequenceDigits = 20;
}  // namespace

std::string CdcCheckpointKey(const std::string& bucket_folder, uint64_t sequence) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%020llu", static_cast<unsigned long long>(sequence));
  return CdcCheckpointPrefix(bucket_folder) + digits + std::string(kCheckpointExt);
}

std::optional<uint64_t> CdcCheckpointSequence(std::string_view key) {
  size_t at = key.rfind(kCheckpointDir);
  if (at == std::string_view::npos || (at > 0 && key[at - 1] != '/')) return std::nullopt;
  std::string_view rest = key.substr(at + kCheckpointDir.size());
  if (rest.size() != kSequenceDigits + kCheckpointExt.size() ||
      rest.substr(kSequenceDigits) != kCheckpointExt) {
    return std::nullopt;
  }
  uint64_t v = 0;
  for (char c : rest.substr(0, kSequenceDigits)) {
    if (c < '0' || c > '9') return std::nullopt;
    if (v > (UINT64_MAX - static_cast<uint64_t>(c - '0')) / 10) return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

std::string SerializeCdcCheckpoint(const CdcCheckpoint& c) {
  ordered_json j;
  j["format"] = c.pending_xa.empty() ? kCdcCheckpointFormat : kCdcCheckpointFormatV2;
  j["sequence"] = c.sequence;
  j["created_at"] = c.created_at;
  j["position"] = {{"binlog_file", c.position.file},
                   {"binlog_position", c.position.position},
                   {"gtid_set", c.position.gtid_set},
                   {"server", c.position.server}};
  j["last_commit_us"] = c.last_commit_us;
  j["last_commit_time"] = c.last_commit_us ? FormatCommitTime(c.last_commit_us) : "";
  j["last_file_ms"] = c.last_file_ms;
  j["transactions"] = c.transactions;
  ordered_json files = ordered_json::array();
  for (const CdcFile& f : c.files) {
    ordered_json file = {{"key", f.key}, {"token", f.token}, {"table", f.table}, {"rows", f.rows}};
    if (!f.first.empty()) {
      file["first"] = {{"binlog_file", f.first.file}, {"binlog_position", f.first.position}};
    }
    files.push_back(std::move(file));
  }
  j["files"] = std::move(files);
  ordered_json tables = ordered_json::object();
  for (const auto& [name, t] : c.tables) {
    tables[name] = {{"inserts", t.inserts},
                    {"updates", t.updates},
                    {"deletes", t.deletes},
                    {"ddls", t.ddls},
                    {"last_change", t.last_change}};
  }
  j["tables"] = std::move(tables);
  if (!c.txindex.empty()) j["txindex"] = c.txindex;
  if (c.lease_term != 0) j["lease"] = {{"holder", c.lease_holder}, {"term", c.lease_term}};
  if (!c.pending_xa.empty()) {
    ordered_json pending = ordered_json::array();
    for (const CdcPendingXa& x : c.pending_xa) {
      pending.push_back({{"xid", x.xid},
                         {"gtid", x.gtid},
                         {"binlog_file", x.file},
                         {"start", x.start},
                         {"end", x.end}});
    }
    j["pending_xa"] = std::move(pending);
  }
  // Invalid UTF-8 in a name (a table name is UTF-8 from the server; be safe) is replaced.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Result<CdcCheckpoint> ParseCdcCheckpoint(std::string_view text) {
  auto j = ordered_json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Corruption("CDC checkpoint is not JSON");
  if (!j.contains("format") || !j["format"].is_string() ||
      (j["format"].get<std::string>() != kCdcCheckpointFormat &&
       j["format"].get<std::string>() != kCdcCheckpointFormatV2)) {
    return Corruption("CDC checkpoint has an unknown format (expected \"" +
                      std::string(kCdcCheckpointFormat) + "\" or \"" +
                      std::string(kCdcCheckpointFormatV2) + "\")");
  }
  CdcCheckpoint c;
  try {
    c.sequence = j.at("sequence").get<uint64_t>();
    c.created_at = j.value("created_at", "");
    const auto& p = j.at("position");
    c.position.file = p.at("binlog_file").get<std::string>();
    c.position.position = p.at("binlog_position").get<uint64_t>();
    c.position.gtid_set = p.value("gtid_set", "");
    c.position.server = p.value("server", "");
    c.last_commit_us = j.value("last_commit_us", uint64_t{0});
    c.last_file_ms = j.value("last_file_ms", uint64_t{0});
    c.transactions = j.value("transactions", uint64_t{0});
    for (const auto& f : j.at("files")) {
      c.files.push_back(CdcFile{f.at("key").get<std::string>(), f.at("token").get<std::string>(),
                                f.value("table", ""), f.value("rows", uint64_t{0})});
      if (f.contains("first")) {
        c.files.back().first.file = f["first"].at("binlog_file").get<std::string>();
        c.files.back().first.position = f["first"].at("binlog_position").get<uint64_t>();
      }
    }
    for (const auto& [name, t] : j.at("tables").items()) {
      CdcTableStats s;
      s.inserts = t.value("inserts", uint64_t{0});
      s.updates = t.value("updates", uint64_t{0});
      s.deletes = t.value("deletes", uint64_t{0});
      s.ddls = t.value("ddls", uint64_t{0});
      s.last_change = t.value("last_change", "");
      c.tables.emplace(name, std::move(s));
    }
    c.txindex = j.value("txindex", "");
    if (j.contains("lease")) {
      const auto& l = j.at("lease");
      c.lease_holder = l.at("holder").get<std::string>();
      c.lease_term = l.at("term").get<uint64_t>();
    }
    if (j.contains("pending_xa")) {
      for (const auto& x : j.at("pending_xa")) {
        c.pending_xa.push_back(CdcPendingXa{x.at("xid").get<std::string>(), x.value("gtid", ""),
                                            x.at("binlog_file").get<std::string>(),
                                            x.at("start").get<uint64_t>(),
                                            x.at("end").get<uint64_t>()});
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return Corruption(std::string("CDC checkpoint: ") + e.what());
  }
  return c;
}

}  // namespace binlake
