#include "cdc/settings_record.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace binlake {
namespace {

std::string Folder(const std::string& bucket_folder) {
  return (bucket_folder.empty() ? "" : bucket_folder + "/") + "_binlake/cdc/settings/";
}

}  // namespace

std::string CdcSettingsJson(const S3Settings& s, const std::string& sequence_column) {
  nlohmann::ordered_json j;
  j["DataFormat"] = s.data_format == DataFormat::kParquet ? "parquet" : "csv";
  j["CompressionType"] = s.compression == Compression::kGzip ? "GZIP" : "NONE";
  j["CsvDelimiter"] = s.csv_delimiter;
  j["CsvRowDelimiter"] = s.csv_row_delimiter;
  j["CsvNullValue"] = s.csv_null_value;
  j["Rfc4180"] = s.rfc4180;
  j["AddColumnName"] = s.add_column_name;
  j["TimestampColumnName"] = s.timestamp_column_name;
  j["BinaryEncoding"] = s.binary_encoding == BinaryEncoding::kBase64 ? "base64" : "hex";
  j["CdcInsertsOnly"] = s.cdc_inserts_only;
  j["CdcInsertsAndUpdates"] = s.cdc_inserts_and_updates;
  j["PreserveTransactions"] = s.preserve_transactions;
  j["SequenceColumn"] = sequence_column;
  return j.dump();
}

Status RecordCdcSettings(ObjectStore& store, const std::string& bucket_folder,
                         uint64_t from_checkpoint, const std::string& json) {
  ASSIGN_OR_RETURN(std::vector<CdcSettingsRecord> records, ReadCdcSettings(store, bucket_folder));
  if (!records.empty() && records.back().json == json) return Status::Ok();
  PutOptions create;
  create.if_none_match = true;
  create.content_type = "application/json";
  const std::string key = Folder(bucket_folder) + fmt::format("{:020}.json", from_checkpoint);
  Status s = store.Put(key, json, create);
  // Another record for the same checkpoint (a restart that wrote nothing since): replace it,
  // it never applied to a checkpoint.
  if (s.code() == StatusCode::kAlreadyExists) {
    RETURN_IF_ERROR(store.Delete(key));
    s = store.Put(key, json, create);
  }
  return s.WithContext("recording the CDC settings in " + store.Describe() + "/" + key);
}

Result<std::vector<CdcSettingsRecord>> ReadCdcSettings(ObjectStore& store,
                                                       const std::string& bucket_folder) {
  const std::string folder = Folder(bucket_folder);
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, store.List(folder));
  std::vector<CdcSettingsRecord> records;
  for (const ObjectInfo& o : objects) {
    std::string_view name = std::string_view(o.key).substr(folder.size());
    if (name.size() != 25 || name.substr(20) != ".json") continue;
    CdcSettingsRecord r;
    for (char c : name.substr(0, 20)) {
      if (c < '0' || c > '9') return Corruption(o.key + ": not a settings record name");
      r.from_checkpoint = r.from_checkpoint * 10 + static_cast<uint64_t>(c - '0');
    }
    ASSIGN_OR_RETURN(r.json, store.Get(o.key));
    auto j = nlohmann::json::parse(r.json, nullptr, false);
    if (!j.is_object()) return Corruption(store.Describe() + "/" + o.key + " is not a JSON object");
    records.push_back(std::move(r));
  }
  return records;
}

}  // namespace binlake
