#include "materialize/materialize.h"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "cdc/naming.h"
#include "config/target_layout.h"
#include "format/csv/csv_writer.h"

namespace binlake {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view kFormat = "binlake-materialization/1";

// The target as the manifest names it: where it is and which full load it holds.
std::string TargetIdentity(ObjectStore& target, const Lake& lake) {
  return target.Describe() + (lake.bucket_folder.empty() ? "" : "/" + lake.bucket_folder) +
         " (full load started " + lake.load.started_at + ")";
}

bool IsPartFile(std::string_view key) {
  const size_t slash = key.rfind('/');
  std::string_view name = slash == std::string_view::npos ? key : key.substr(slash + 1);
  return name.rfind("part-", 0) == 0 && key.rfind("_binlake/", 0) != 0;
}

// Writes the sorted rows of one table as CSV part files of at most about `max_bytes`.
Result<std::vector<std::string>> WriteParts(ObjectStore& output, const TableSchema& table,
                                            const CsvOptions& dialect, uint64_t version,
                                            std::vector<CsvRecord>& rows, uint64_t max_bytes) {
  // Every column is written as the text it holds: a VARCHAR column renders its value as is.
  TableSchema text_schema = table;
  for (Column& c : text_schema.columns) {
    c.type = ColumnType{};
    c.type.type = SqlType::kVarChar;
  }
  CsvOptions options = dialect;
  options.header = true;
  options.gzip = false;
  const std::string folder = TableFolder("", table.schema, table.table);
  std::vector<std::string> keys;
  std::vector<Value> values(table.columns.size());
  size_t next = 0;
  do {
    const std::string key = folder + fmt::format("part-{:08}-{:05}.csv", version, keys.size() + 1);
    PutOptions create;
    create.if_none_match = true;
    create.content_type = "text/csv";
    ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> sink, output.NewWriter(key, create));
    ASSIGN_OR_RETURN(std::unique_ptr<RowFileWriter> writer,
                     NewCsvFileWriter(text_schema, OutputColumns{}, options, std::move(sink)));
    for (; next < rows.size(); ++next) {
      if (writer->rows() > 0 && writer->EstimatedSize() >= max_bytes) break;
      for (size_t i = 0; i < values.size(); ++i) {
        values[i] = rows[next][i] ? Value::String(*rows[next][i]) : Value::Null();
      }
      RETURN_IF_ERROR(writer->Append(RowMeta{}, values));
    }
    RETURN_IF_ERROR(writer->Finish().WithContext("writing " + output.Describe() + "/" + key));
    keys.push_back(key);
  } while (next < rows.size());
  return keys;
}

}  // namespace

std::string MaterializationManifestKey() { return "_binlake/materialization.json"; }

Result<MaterializeResult> RunMaterialize(ObjectStore& target, ObjectStore& output,
                                         const MaterializeOptions& options) {
  ASSIGN_OR_RETURN(Lake lake, OpenLake(target, options.target_folder));
  MaterializeResult result;
  ASSIGN_OR_RETURN(result.as_of, ResolveAsOf(lake, options.as_of));
  const std::string identity = TargetIdentity(target, lake);

  // The previous version: same target only.
  std::set<std::string> previous_files;
  const std::string manifest_key = MaterializationManifestKey();
  Result<std::string> previous = output.Get(manifest_key);
  if (previous.ok()) {
    auto j = ordered_json::parse(*previous, nullptr, false);
    if (!j.is_object() || j.value("format", "") != kFormat) {
      return PreconditionFailed(output.Describe() + "/" + manifest_key +
                                " is not a binlake materialization manifest: refusing to write "
                                "over it");
    }
    if (j.value("target", "") != identity) {
      return PreconditionFailed(output.Describe() +
                                " holds the materialization of another target (" +
                                j.value("target", "") + "): give another --output");
    }
    result.version = j.value("version", uint64_t{0});
    for (const auto& t : j.value("tables", ordered_json::array())) {
      for (const auto& f : t.value("files", ordered_json::array())) {
        previous_files.insert(f.get<std::string>());
      }
    }
  } else if (previous.status().code() != StatusCode::kNotFound) {
    return previous.status();
  }
  ++result.version;

  RETURN_IF_ERROR(output.CheckAccess());
  // Part files no manifest names: a killed run's.
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> existing, output.List(""));
  for (const ObjectInfo& o : existing) {
    if (IsPartFile(o.key) && !previous_files.count(o.key)) RETURN_IF_ERROR(output.Delete(o.key));
  }

  // A failure from here on removes this version's files again (best effort): the previous
  // version stays the only one.
  std::vector<std::string> written;
  auto discard = [&](Status failed) {
    for (const std::string& key : written) (void)output.Delete(key);
    return failed;
  };
  for (const TableState& table : lake.load.tables) {
    if (options.mappings && !options.mappings->Selects(table.schema.schema, table.schema.table)) {
      continue;
    }
    TableMerge merge(table.schema);
    Status read = ReadTableAsOf(target, lake, table, result.as_of.checkpoint, &merge);
    if (!read.ok()) return discard(read);
    MaterializedTable done;
    done.schema = table.schema.schema;
    done.table = table.schema.table;
    done.rows = merge.size();
    done.inconsistencies = merge.inconsistencies();
    std::vector<CsvRecord> rows = merge.TakeSortedRows();
    Result<std::vector<std::string>> files =
        WriteParts(output, table.schema, lake.csv, result.version, rows, options.max_file_bytes);
    if (!files.ok()) return discard(files.status());
    done.files = std::move(files).value();
    written.insert(written.end(), done.files.begin(), done.files.end());
    result.tables.push_back(std::move(done));
  }

  ordered_json j;
  j["format"] = kFormat;
  j["target"] = identity;
  j["version"] = result.version;
  j["materialized_at"] = NowIso8601();
  j["as_of"] = {
      {"requested", result.as_of.requested},
      {"checkpoint", result.as_of.checkpoint},
      {"binlog_file", result.as_of.position.file},
      {"binlog_position", result.as_of.position.position},
      {"gtid_set", result.as_of.position.gtid_set},
      {"last_commit_time",
       result.as_of.last_commit_us == 0 ? "" : FormatCommitTime(result.as_of.last_commit_us)},
      {"exact", result.as_of.exact}};
  ordered_json tables = ordered_json::array();
  for (const MaterializedTable& t : result.tables) {
    tables.push_back({{"schema", t.schema},
                      {"table", t.table},
                      {"rows", t.rows},
                      {"inconsistencies", t.inconsistencies},
                      {"files", t.files}});
  }
  j["tables"] = tables;
  PutOptions json;
  json.content_type = "application/json";
  Status put = output.Put(manifest_key, j.dump(2) + "\n", json);
  if (!put.ok()) return discard(put);

  std::set<std::string> current;
  for (const MaterializedTable& t : result.tables) current.insert(t.files.begin(), t.files.end());
  for (const std::string& key : previous_files) {
    if (!current.count(key)) RETURN_IF_ERROR(output.Delete(key));
  }
  return result;
}

}  // namespace binlake
