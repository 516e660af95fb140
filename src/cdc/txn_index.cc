#include "cdc/txn_index.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

#include "config/target_layout.h"

namespace binlake {
namespace {

constexpr std::string_view kFolder = "_binlake/cdc/txindex/";

// `s` as a JSON string.
void AppendString(std::string_view s, std::string* out) {
  bool plain = true;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') plain = false;
  }
  if (plain) {
    *out += '"';
    *out += s;
    *out += '"';
    return;
  }
  *out +=
      nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string TxnIndexFolder(std::string_view bucket_folder) {
  return StateFolder(bucket_folder) + "cdc/txindex/";
}

std::string TxnIndexKey(std::string_view bucket_folder, uint64_t checkpoint, std::string_view id) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%020llu", static_cast<unsigned long long>(checkpoint));
  return TxnIndexFolder(bucket_folder) + digits + "-" + std::string(id) + ".jsonl";
}

bool IsTxnIndexKey(std::string_view key) {
  const size_t at = key.find(kFolder);
  return at != std::string_view::npos && (at == 0 || key[at - 1] == '/');
}

std::string NewTxnIndexId() {
  thread_local std::mt19937_64 rng{(static_cast<uint64_t>(std::random_device{}()) << 32) ^
                                   std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

std::string TxnIndexHeaderLine(uint64_t checkpoint) {
  return "{\"format\":\"" + std::string(kTxnIndexFormat) +
         "\",\"checkpoint\":" + std::to_string(checkpoint) + "}\n";
}

void AppendTxnIndexLine(const TxnIndexEntry& e, std::string* out) {
  *out += "{\"end\":";
  AppendString(e.end.ToString(), out);
  if (!e.gtid.empty()) {
    *out += ",\"gtid\":";
    AppendString(e.gtid, out);
  }
  *out += ",\"us\":";
  *out += std::to_string(e.commit_us);
  *out += ",\"rows\":[";
  for (size_t i = 0; i < e.rows.size(); ++i) {
    if (i > 0) *out += ',';
    *out += '[';
    *out += std::to_string(e.rows[i].first);
    *out += ',';
    *out += std::to_string(e.rows[i].second);
    *out += ']';
  }
  *out += ']';
  if (e.ddl) *out += ",\"ddl\":true";
  *out += "}\n";
}

Status TxnIndexWriter::Write(uint64_t checkpoint, const TxnIndexEntry* e) {
  line_.clear();
  if (!out_) {
    key_ = TxnIndexKey(folder_, checkpoint, NewTxnIndexId());
    PutOptions options;
    options.content_type = "application/x-ndjson";
    ASSIGN_OR_RETURN(out_, store_->NewWriter(key_, options));
    line_ = TxnIndexHeaderLine(checkpoint);
  }
  if (e != nullptr) AppendTxnIndexLine(*e, &line_);
  if (line_.empty()) return Status::Ok();
  return out_->Write(line_).WithContext("writing " + key_);
}

Result<std::string> TxnIndexWriter::Close(uint64_t checkpoint) {
  touched_.clear();
  ddl_ = false;
  if (!out_) RETURN_IF_ERROR(Write(checkpoint, nullptr));  // the header only
  std::unique_ptr<ObjectWriter> out = std::move(out_);
  RETURN_IF_ERROR(out->Close().WithContext("writing " + key_));
  return key_;
}

void TxnIndexWriter::Abort() {
  if (out_) out_->Abort();
  out_.reset();
  key_.clear();
  touched_.clear();
  ddl_ = false;
}

void TxnIndexWriter::DeleteClosed() {
  if (!out_ && !key_.empty()) (void)store_->Delete(key_);
  key_.clear();
}

TxnIndexParser::TxnIndexParser(const CdcCheckpoint& checkpoint)
    : checkpoint_(checkpoint), counts_(checkpoint.files.size(), 0) {}

Result<bool> TxnIndexParser::Line(std::string_view line, TxnIndexEntry* out) {
  ++line_number_;
  const std::string where = "line " + std::to_string(line_number_) + ": ";
  auto j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Corruption(where + "not a JSON object");
  try {
    if (line_number_ == 1) {
      if (j.value("format", "") != kTxnIndexFormat) {
        return Corruption(where + "not a transaction index (expected format \"" +
                          std::string(kTxnIndexFormat) + "\")");
      }
      const uint64_t c = j.at("checkpoint").get<uint64_t>();
      if (c != checkpoint_.sequence) {
        return Corruption(where + "it indexes checkpoint " + std::to_string(c) + ", not " +
                          std::to_string(checkpoint_.sequence));
      }
      return false;
    }
    TxnIndexEntry& e = *out;
    Result<binlog::BinlogPosition> end = binlog::ParseFilePosition(j.at("end").get<std::string>());
    if (!end.ok()) return Corruption(where + end.status().message());
    e.end = std::move(end).value();
    e.gtid = j.value("gtid", "");
    e.commit_us = j.at("us").get<uint64_t>();
    e.ddl = j.value("ddl", false);
    e.rows.clear();
    if (!last_.empty() && !binlog::AtOrAfter(e.end, last_)) {
      return Corruption(where + e.end.ToString() + " is before the line above (" +
                        last_.ToString() + ")");
    }
    if (!checkpoint_.position.empty() && !binlog::AtOrAfter(checkpoint_.position, e.end)) {
      return Corruption(where + e.end.ToString() + " is past the checkpoint's position (" +
                        checkpoint_.position.ToString() + ")");
    }
    last_ = e.end;
    for (const auto& r : j.at("rows")) {
      if (!r.is_array() || r.size() != 2)
        return Corruption(where + "a rows pair is not [file, rows]");
      const uint64_t file = r.at(0).get<uint64_t>();
      const uint64_t rows = r.at(1).get<uint64_t>();
      if (file >= counts_.size()) {
        return Corruption(where + "a file index the checkpoint does not have (" +
                          std::to_string(counts_.size()) + " files)");
      }
      if (rows <= counts_[file] || rows > checkpoint_.files[file].rows) {
        return Corruption(where + "file " + std::to_string(file) + " goes from " +
                          std::to_string(counts_[file]) + " to " + std::to_string(rows) +
                          " rows (it has " + std::to_string(checkpoint_.files[file].rows) + ")");
      }
      counts_[file] = rows;
      e.rows.emplace_back(static_cast<uint32_t>(file), rows);
    }
  } catch (const nlohmann::json::exception& ex) {
    return Corruption(where + ex.what());
  }
  return true;
}

Status TxnIndexParser::Finish() const {
  if (line_number_ == 0) return Corruption("empty (no header line)");
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] != checkpoint_.files[i].rows) {
      return Corruption("its transactions account for " + std::to_string(counts_[i]) + " of the " +
                        std::to_string(checkpoint_.files[i].rows) + " rows of " +
                        checkpoint_.files[i].key);
    }
  }
  return Status::Ok();
}

}  // namespace binlake
