#include "lake/lake_reader.h"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

#include "binlog/binlog_position.h"
#include "binlog/gtid_set.h"
#include "cdc/schema_history.h"
#include "config/target_layout.h"
#include "lake/batch_cut.h"

namespace binlake {
namespace {

// "2026-12-01T02:00:00Z" or with ".ffffff" -> µs since the epoch.
std::optional<uint64_t> ParseUtcTime(std::string_view text) {
  static const std::regex kTime(
      R"(^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.(\d{1,6}))?Z$)");
  std::cmatch m;
  if (!std::regex_match(text.begin(), text.end(), m, kTime)) return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(m[1].str()) - 1900;
  tm.tm_mon = std::stoi(m[2].str()) - 1;
  tm.tm_mday = std::stoi(m[3].str());
  tm.tm_hour = std::stoi(m[4].str());
  tm.tm_min = std::stoi(m[5].str());
  tm.tm_sec = std::stoi(m[6].str());
  const time_t secs = timegm(&tm);
  if (secs < 0) return std::nullopt;
  uint64_t us = 0;
  if (m[8].matched) {
    std::string frac = m[8].str();
    frac.resize(6, '0');
    us = std::stoull(frac);
  }
  return static_cast<uint64_t>(secs) * 1000000 + us;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// A GTID set of either flavour (binlog/gtid_set.h): a MySQL set ("uuid:1-5,uuid2:1-3") or a
// MariaDB position ("0-1-100,1-2-5").
struct GtidPoint {
  bool mysql = false;
  binlog::MySqlGtidSet my;
  binlog::MariaGtidList maria;

  // Parsed as the flavour `mysql` names; kInvalidArgument (one line) otherwise.
  static Result<GtidPoint> Parse(std::string_view text, bool mysql) {
    GtidPoint p;
    p.mysql = mysql;
    if (mysql) {
      ASSIGN_OR_RETURN(p.my, binlog::MySqlGtidSet::Parse(text));
    } else {
      ASSIGN_OR_RETURN(p.maria, binlog::MariaGtidList::Parse(text));
    }
    return p;
  }
  // Every transaction of `other` is in this set (MariaDB: this position has reached it).
  bool Contains(const GtidPoint& other) const {
    return mysql ? my.Contains(other.my) : maria.Contains(other.maria);
  }
};

// A request that names a GTID set: it starts with a server UUID (MySQL) or is a MariaDB GTID
// list. `mysql` tells which.
bool IsGtidRequest(std::string_view when, bool* mysql) {
  while (!when.empty() && when.front() == ' ') when.remove_prefix(1);
  binlog::Uuid uuid;
  if (when.size() >= 36 && binlog::ParseUuid(when.substr(0, 36), &uuid)) {
    *mysql = true;
    return true;
  }
  static const std::regex kMaria(R"(^\d+-\d+-\d+\s*(,.*)?$)");
  *mysql = false;
  return std::regex_match(when.begin(), when.end(), kMaria);
}

// The object's bytes, inflated when the target is gzip.
Result<std::string> ReadObject(ObjectStore& store, const Lake& lake, const std::string& key) {
  ASSIGN_OR_RETURN(std::string data, store.Get(key));
  if (!lake.csv.gzip) return data;
  Result<std::string> plain = GunzipAll(data);
  if (!plain.ok())
    return Corruption(store.Describe() + "/" + key + ": " + plain.status().message());
  return plain;
}

// Batch k+1 cut by `take` (ResolveAsOf), or nullopt with at->note saying why it is not: no
// transaction index (an older binlake), or the transactions `take` accepts are not the first ones
// of the batch.
Result<std::optional<BatchCut>> CutNextBatch(ObjectStore& store, const Lake& lake, uint64_t k,
                                             const TxnPredicate& take, AsOf* at) {
  const CdcCheckpoint& batch = lake.history.commits[k];  // checkpoint k + 1
  const std::string which = "batch " + std::to_string(batch.sequence);
  if (batch.txindex.empty()) {
    at->note = which + " has no transaction index (written by an older binlake)";
    return std::optional<BatchCut>();
  }
  ASSIGN_OR_RETURN(BatchCut cut, CutBatch(store, batch, take));
  if (!cut.prefix) {
    at->note = "the transactions of " + which + " it takes are not the first ones of the batch";
    return std::optional<BatchCut>();
  }
  return std::optional<BatchCut>(std::move(cut));
}

// Makes *at (at checkpoint k) the cut of batch k+1: exact, its rows, the end of its last
// transaction.
void ApplyCut(const Lake& lake, BatchCut cut, AsOf* at) {
  const CdcCheckpoint& batch = lake.history.commits[at->checkpoint];
  at->exact = true;
  at->note.clear();
  if (cut.taken == 0) return;  // none of its transactions: the boundary's state
  at->partial = PartialBatch{batch.sequence, cut.taken, std::move(cut.rows), cut.last->end};
  at->position.file = cut.last->end.file;
  at->position.position = cut.last->end.position;
  at->position.gtid_set.clear();
  at->position.server = batch.position.server;
  at->last_commit_us = cut.last->commit_us;
}

}  // namespace

Result<Lake> OpenLake(ObjectStore& store, std::string_view bucket_folder) {
  Lake lake;
  lake.bucket_folder = std::string(bucket_folder);
  const std::string state_key = FullLoadStateKey(bucket_folder);
  Result<std::string> text = store.Get(state_key);
  if (text.status().code() == StatusCode::kNotFound) {
    return NotFound(store.Describe() + " holds no full load (no " + state_key +
                    "): not a binlake target, or the wrong BucketFolder");
  }
  RETURN_IF_ERROR(text.status());
  ASSIGN_OR_RETURN(lake.load, ParseFullLoadState(*text));
  if (lake.load.status != "complete") {
    return PreconditionFailed("the full load in " + store.Describe() +
                              " did not complete (status '" + lake.load.status + "')");
  }
  auto settings = nlohmann::json::parse(lake.load.settings_json, nullptr, false);
  if (!settings.is_object()) return Corruption(state_key + ": its settings are not a JSON object");
  const nlohmann::json format = settings.value("DataFormat", nlohmann::json("csv"));
  if (format == "parquet") {
    lake.format = DataFormat::kParquet;  // the CSV-only settings do not apply: default dialect
    // Parquet values are read back through the columns' types (DATETIME fsp, DECIMAL digits,
    // unsigned ...), which older full loads did not record.
    for (const TableState& t : lake.load.tables) {
      if (!t.full_column_types) {
        return Unsupported(store.Describe() + " is a Parquet target whose full load recorded " +
                           "only its columns' type names (" + t.schema.schema + "." +
                           t.schema.table + "; an older binlake): run the full load again");
      }
    }
  } else if (format == "csv") {
    lake.csv.delimiter = settings.value("CsvDelimiter", ",");
    lake.csv.row_delimiter = settings.value("CsvRowDelimiter", "\n");
    lake.csv.null_value = settings.value("CsvNullValue", "");
    lake.csv.rfc4180 = settings.value("Rfc4180", true);
    lake.csv.header = settings.value("AddColumnName", false);
    lake.csv.gzip = settings.value("CompressionType", "NONE") == "GZIP";
  } else {
    return Unsupported(store.Describe() + " holds DataFormat " + format.dump() +
                       " files: only csv and parquet targets can be read");
  }
  lake.csv.render.binary_encoding = settings.value("BinaryEncoding", "hex") == "base64"
                                        ? BinaryEncoding::kBase64
                                        : BinaryEncoding::kHex;
  lake.op_in_load = settings.value("IncludeOpForFullLoad", false);
  lake.timestamp_column = !settings.value("TimestampColumnName", "").empty();
  ASSIGN_OR_RETURN(lake.history, ReadCommitHistory(store, bucket_folder));
  ASSIGN_OR_RETURN(lake.cdc_settings, ReadCdcSettings(store, lake.bucket_folder));
  if (!lake.history.commits.empty() && lake.history.contiguous_from != 1) {
    return PreconditionFailed(
        store.Describe() + "'s committed history starts at checkpoint " +
        std::to_string(lake.history.contiguous_from) +
        " (older checkpoints were deleted before binlake kept a commit log): the batches since "
        "the full load cannot all be named");
  }
  return lake;
}

Status CheckCdcSettings(const Lake& lake, uint64_t upto) {
  auto load = nlohmann::json::parse(lake.load.settings_json, nullptr, false);
  if (!load.is_object()) load = nlohmann::json::object();
  for (const CdcSettingsRecord& r : lake.cdc_settings) {
    if (r.from_checkpoint > upto) break;
    auto cdc = nlohmann::json::parse(r.json, nullptr, false);
    if (!cdc.is_object()) continue;
    const std::string from = "checkpoints from " + std::to_string(r.from_checkpoint);
    for (const char* lossy : {"CdcInsertsOnly", "CdcInsertsAndUpdates"}) {
      if (cdc.value(lossy, false)) {
        return Unsupported(from + " were written with " + std::string(lossy) +
                           "=true: their files lack changes, so they cannot give a table's state");
      }
    }
    if (cdc.value("PreserveTransactions", false)) {
      return Unsupported(from +
                         " were written with PreserveTransactions (CDC_TXN files): not "
                         "supported yet");
    }
    const bool parquet = lake.format == DataFormat::kParquet;
    for (const char* key : {"DataFormat", "BinaryEncoding", "CompressionType", "CsvDelimiter",
                            "CsvRowDelimiter", "CsvNullValue", "Rfc4180", "AddColumnName"}) {
      // Parquet files carry their compression; the CSV dialect does not concern them.
      if (parquet && std::string_view(key) != "DataFormat" &&
          std::string_view(key) != "BinaryEncoding") {
        continue;
      }
      if (cdc.contains(key) && load.contains(key) && cdc[key] != load[key]) {
        return Unsupported(from + " were written with " + key + "=" + cdc[key].dump() +
                           ", the full load with " + load[key].dump() +
                           ": files of two dialects are not read together");
      }
    }
    const bool ts_cdc = !cdc.value("TimestampColumnName", "").empty();
    if (ts_cdc != lake.timestamp_column) {
      return Unsupported(from + (ts_cdc ? " have" : " lack") +
                         " the TimestampColumnName column that the full load " +
                         (lake.timestamp_column ? "has" : "lacks"));
    }
  }
  return Status::Ok();
}

Result<AsOf> ResolveAsOf(const Lake& lake, std::string_view when, ObjectStore* store) {
  AsOf at;
  at.requested = std::string(when);
  const auto& commits = lake.history.commits;
  auto at_checkpoint = [&](uint64_t k) {
    at.checkpoint = k;
    if (k == 0) {
      at.position = lake.load.snapshot;
      at.last_commit_us = 0;
    } else {
      at.position = commits[k - 1].position;
      at.last_commit_us = commits[k - 1].last_commit_us;
    }
  };
  const uint64_t newest = commits.empty() ? 0 : commits.back().sequence;
  if (when.empty() || when == "latest") {
    at_checkpoint(newest);
    return at;
  }
  if (AllDigits(when)) {
    const uint64_t k = std::stoull(std::string(when));
    if (k > newest) {
      return InvalidArgument("--as-of " + std::string(when) + ": the newest checkpoint is " +
                             std::to_string(newest));
    }
    at_checkpoint(k);
    return at;
  }
  if (auto us = ParseUtcTime(when)) {
    auto started = ParseUtcTime(lake.load.started_at);
    if (started && *us < *started) {
      return InvalidArgument("--as-of " + std::string(when) + " is before the full load (started " +
                             lake.load.started_at + ")");
    }
    // The newest checkpoint whose transactions all committed at or before the time (commit
    // times only grow along the history).
    uint64_t k = 0;
    for (const CdcCheckpoint& c : commits) {
      if (c.last_commit_us > *us) break;
      k = c.sequence;
    }
    at_checkpoint(k);
    // Exact when the next batch is one transaction (committed after the time); with more, some
    // of them may have committed before it, and past the newest checkpoint CDC may not have
    // committed everything up to the time yet.
    const uint64_t before = k == 0 ? 0 : commits[k - 1].transactions;
    at.exact = k < newest && commits[k].transactions - before == 1;
    if (store != nullptr && !at.exact && k < newest) {
      const uint64_t until = *us;
      ASSIGN_OR_RETURN(std::optional<BatchCut> cut,
                       CutNextBatch(
                           *store, lake, k,
                           [until](const TxnIndexEntry& e) { return e.commit_us <= until; }, &at));
      if (cut) ApplyCut(lake, std::move(*cut), &at);
    }
    return at;
  }
  if (bool mysql = false; IsGtidRequest(when, &mysql)) {
    std::string asked = "--as-of " + std::string(when);  // on one line
    std::replace_if(
        asked.begin(), asked.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    Result<GtidPoint> requested = GtidPoint::Parse(when, mysql);
    if (!requested.ok()) return InvalidArgument(asked + ": " + requested.status().message());
    // The points that record a GTID set, oldest first: the full load's snapshot, checkpoints.
    std::vector<std::pair<uint64_t, GtidPoint>> points;
    auto add = [&](uint64_t k, const std::string& set) -> Status {
      if (set.empty()) return Status::Ok();
      Result<GtidPoint> p = GtidPoint::Parse(set, mysql);
      if (!p.ok()) {
        return InvalidArgument(asked + ": a " + (mysql ? "MySQL GTID set" : "MariaDB GTID list") +
                               ", but the target records " +
                               (mysql ? "MariaDB GTID positions" : "MySQL GTID sets") + " (" + set +
                               ")");
      }
      points.emplace_back(k, std::move(p).value());
      return Status::Ok();
    };
    RETURN_IF_ERROR(add(0, lake.load.snapshot.gtid_set));
    for (const CdcCheckpoint& c : commits) RETURN_IF_ERROR(add(c.sequence, c.position.gtid_set));
    if (points.empty()) {
      return InvalidArgument(asked +
                             ": the target records no GTID sets (GTIDs were off, or not "
                             "known): give FILE:POS, a time or a checkpoint number");
    }
    const auto& [last, last_set] = points.back();
    if (!last_set.Contains(*requested)) {
      return InvalidArgument(
          asked + " is not reached by the newest checkpoint (" + std::to_string(last) +
          ", GTID set " + (last == 0 ? lake.load.snapshot : commits[last - 1].position).gtid_set +
          "): wait until CDC has committed past it");
    }
    // The newest point whose set the request contains (sets only grow along the history).
    std::optional<size_t> found;
    for (size_t i = 0; i < points.size(); ++i) {
      if (requested->Contains(points[i].second)) found = i;
    }
    if (!found) {
      const uint64_t first = points.front().first;
      return InvalidArgument(
          asked + " is before " +
          (first == 0 ? "the full load's snapshot (GTID set " + lake.load.snapshot.gtid_set
                      : "the oldest checkpoint with a GTID set (" + std::to_string(first) +
                            ", GTID set " + commits[first - 1].position.gtid_set) +
          ", not contained in it)");
    }
    const uint64_t k = points[*found].first;
    at_checkpoint(k);
    at.exact = points[*found].second.Contains(*requested);
    if (store != nullptr && !at.exact && k < newest) {
      // Inside batch k+1 when its set holds every transaction the request names.
      Result<GtidPoint> next = GtidPoint::Parse(commits[k].position.gtid_set, mysql);
      if (commits[k].position.gtid_set.empty() || !next.ok() || !next->Contains(*requested)) {
        at.note = "it names transactions after batch " + std::to_string(k + 1);
        return at;
      }
      bool anonymous = false;
      auto take = [&](const TxnIndexEntry& e) {
        if (mysql) {
          Result<binlog::MySqlGtid> g = binlog::ParseMySqlGtid(e.gtid);
          anonymous |= !g.ok();
          return g.ok() && requested->my.Contains(*g);
        }
        Result<binlog::MariaGtid> g = binlog::ParseMariaGtid(e.gtid);
        anonymous |= !g.ok();
        return g.ok() && requested->maria.Contains(*g);
      };
      ASSIGN_OR_RETURN(std::optional<BatchCut> cut, CutNextBatch(*store, lake, k, take, &at));
      if (cut && anonymous) {
        at.note = "a transaction of batch " + std::to_string(k + 1) + " has no GTID";
      } else if (cut) {
        ApplyCut(lake, std::move(*cut), &at);
        at.position.gtid_set = mysql ? requested->my.ToString() : requested->maria.ToString();
      }
    }
    return at;
  }
  const size_t colon = when.rfind(':');
  if (colon != std::string_view::npos && colon > 0 && AllDigits(when.substr(colon + 1))) {
    binlog::BinlogPosition p;
    p.file = std::string(when.substr(0, colon));
    p.position = std::stoull(std::string(when.substr(colon + 1)));
    if (!binlog::AtOrAfter(p, lake.load.snapshot)) {
      return InvalidArgument("--as-of " + std::string(when) +
                             " is before the full load's snapshot (" +
                             lake.load.snapshot.ToString() + ")");
    }
    uint64_t k = 0;
    for (const CdcCheckpoint& c : commits) {
      if (binlog::AtOrAfter(p, c.position)) k = c.sequence;
    }
    at_checkpoint(k);
    at.exact = at.position.file == p.file && at.position.position == p.position;
    if (!at.exact && k == newest) {
      return InvalidArgument("--as-of " + std::string(when) + " is after the newest checkpoint (" +
                             at.position.ToString() + "): wait until CDC has committed past it");
    }
    if (store != nullptr && !at.exact) {
      // Positions compare only in one server's binlog: not across a failover before the batch.
      // (A checkpoint that names no server was resumed from by file:position: the same binlog.)
      const std::string& server = commits[k].position.server;
      if (!at.position.server.empty() && server != at.position.server) {
        at.note = "batch " + std::to_string(k + 1) + " was streamed from another server (" +
                  server + ") than the one before it (" + at.position.server +
                  "): binlog positions of two servers do not compare";
        return at;
      }
      ASSIGN_OR_RETURN(
          std::optional<BatchCut> cut,
          CutNextBatch(
              *store, lake, k, [&p](const TxnIndexEntry& e) { return binlog::AtOrAfter(p, e.end); },
              &at));
      if (cut) {
        ApplyCut(lake, std::move(*cut), &at);
        at.position.file = p.file;  // the same rows as the end of the last transaction taken
        at.position.position = p.position;
        at.position.gtid_set.clear();
      }
    }
    return at;
  }
  return InvalidArgument("--as-of '" + std::string(when) +
                         "': give latest, a checkpoint number, FILE:POS, a UTC time "
                         "YYYY-MM-DDTHH:MM:SSZ or a GTID set");
}

Status ReadTableAsOf(ObjectStore& store, const Lake& lake, const TableState& table, uint64_t upto,
                     TableMerge* merge) {
  const TableSchema& schema = table.schema;
  const size_t columns = schema.columns.size();
  const std::string name = schema.schema + "." + schema.table;
  if (lake.format != DataFormat::kCsv) {
    return Unsupported(name + ": ReadTableAsOf reads CSV targets only");
  }
  // Columns that changed during CDC: more than one recorded version.
  ASSIGN_OR_RETURN(
      std::vector<ObjectInfo> versions,
      store.List(SchemaHistoryFolder(lake.bucket_folder, schema.schema, schema.table)));
  int recorded = 0;
  for (const ObjectInfo& o : versions) {
    if (!IsDdlRecord(o.key)) ++recorded;
  }
  if (recorded > 1) {
    return Unsupported(name + ": its columns changed during CDC (" + std::to_string(recorded) +
                       " versions in the schema history): not supported yet");
  }
  auto read_file = [&](const std::string& key, bool cdc) -> Status {
    ASSIGN_OR_RETURN(std::string data, ReadObject(store, lake, key));
    CsvRecordReader reader(data, lake.csv);
    CsvRecord record;
    bool first = true;
    while (true) {
      Result<bool> more = reader.Next(&record);
      if (!more.ok())
        return Corruption(store.Describe() + "/" + key + ": " + more.status().message());
      if (!*more) break;
      if (first && lake.csv.header) {
        first = false;
        continue;
      }
      first = false;
      auto bad = [&](const std::string& what) {
        return Corruption(store.Describe() + "/" + key + " record " +
                          std::to_string(reader.record_number()) + ": " + what);
      };
      char op = 'I';
      size_t skip = 0;
      if (cdc || lake.op_in_load) {
        if (record.empty() || !record[0] || record[0]->size() != 1) return bad("no Op field");
        op = (*record[0])[0];
        skip = 1;
      }
      // After Op: TimestampColumnName, then (CDC) the sequence column, when set.
      const size_t extras = record.size() - std::min(record.size(), skip + columns);
      const size_t max_extras = (lake.timestamp_column ? 1 : 0) + (cdc ? 1 : 0);
      if (record.size() < skip + columns || extras > max_extras) {
        return bad(std::to_string(record.size()) + " fields for " + std::to_string(columns) +
                   " columns");
      }
      skip += extras;
      CsvRecord row(std::make_move_iterator(record.begin() + static_cast<std::ptrdiff_t>(skip)),
                    std::make_move_iterator(record.end()));
      Status applied = merge->Apply(op, std::move(row));
      if (!applied.ok()) return bad(applied.message());
    }
    return Status::Ok();
  };
  for (const OutputFile& f : table.files) RETURN_IF_ERROR(read_file(f.key, /*cdc=*/false));
  const std::string folder = TableFolder(lake.bucket_folder, schema.schema, schema.table);
  for (const CdcCheckpoint& c : lake.history.commits) {
    if (c.sequence > upto) break;
    for (const CdcFile& f : c.files) {
      if (f.table.empty()) {
        return Unsupported("checkpoint " + std::to_string(c.sequence) +
                           " holds PreserveTransactions files (CDC_TXN-*): not supported yet");
      }
      if (f.table != name || f.key.compare(0, folder.size(), folder) != 0) continue;
      RETURN_IF_ERROR(read_file(f.key, /*cdc=*/true));
    }
  }
  return Status::Ok();
}

}  // namespace binlake
