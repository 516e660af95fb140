#include "config/settings_keys.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <limits>

namespace binlake::settings_internal {
namespace {

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr uint64_t kMaxRowGroupLength = 64ull * 1024 * 1024;

std::string EnumKey(std::string_view v) {
  std::string k(v);
  for (char& c : k) {
    c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return k;
}

// Index of `value` among `canonical` (uppercase, '_'), or an error listing the choices.
Result<size_t> PickEnum(std::string_view value, std::initializer_list<std::string_view> canonical) {
  const std::string key = EnumKey(value);
  size_t i = 0;
  std::string choices;
  for (std::string_view c : canonical) {
    if (key == c) return i;
    if (!choices.empty()) choices += ", ";
    choices += c;
    ++i;
  }
  return InvalidArgument("'" + std::string(value) + "' is not one of " + choices);
}

// "\t", "\n", "\r" and "\\" become the control character / a backslash; other text is kept.
std::string DecodeDelimiterEscapes(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      char n = v[i + 1];
      char decoded = n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n == '\\' ? '\\' : 0;
      if (decoded != 0) {
        out.push_back(decoded);
        ++i;
        continue;
      }
    }
    out.push_back(v[i]);
  }
  return out;
}

// BucketFolder / CdcPath: strips '/' at both ends; rejects empty, "." and ".." segments.
Result<std::string> NormalizeFolder(std::string_view v) {
  while (!v.empty() && v.front() == '/') v.remove_prefix(1);
  while (!v.empty() && v.back() == '/') v.remove_suffix(1);
  size_t start = 0;
  while (start <= v.size() && !v.empty()) {
    size_t end = v.find('/', start);
    if (end == std::string_view::npos) end = v.size();
    std::string_view seg = v.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == "..") {
      return InvalidArgument("'" + std::string(v) + "' has an empty, '.' or '..' path segment");
    }
    start = end + 1;
  }
  return std::string(v);
}

Status SetFolder(const Input& in, std::string* field) {
  ASSIGN_OR_RETURN(*field, NormalizeFolder(in.s));
  return Status::Ok();
}

Status SetDelimiter(const Input& in, std::string* field) {
  std::string v = DecodeDelimiterEscapes(in.s);
  if (v.empty()) return InvalidArgument("must not be empty");
  *field = std::move(v);
  return Status::Ok();
}

}  // namespace

std::string Lower(std::string_view v) {
  std::string s(v);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The value table. Keep alphabetical (S3SettingNames returns this order).
const Spec kSpecs[] = {
    {"AddColumnName", Kind::kBool, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->add_column_name = in.b;
       return Status::Ok();
     }},
    {"AddTrailingPaddingCharacter", Kind::kBool, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->add_trailing_padding_character = in.b;
       return Status::Ok();
     }},
    {"BinaryEncoding", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) {
       ASSIGN_OR_RETURN(size_t i, PickEnum(in.s, {"HEX", "BASE64"}));
       s->binary_encoding = i == 0 ? BinaryEncoding::kHex : BinaryEncoding::kBase64;
       return Status::Ok();
     }},
    {"BucketFolder", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) { return SetFolder(in, &s->bucket_folder); }},
    {"BucketName", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) {
       if (in.s.find('/') != std::string::npos) {
         return InvalidArgument("'" + in.s + "' is not a bucket name (no '/'; use BucketFolder)");
       }
       s->bucket_name = in.s;
       return Status::Ok();
     }},
    {"CannedAclForObjects", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) {
       ASSIGN_OR_RETURN(size_t i,
                        PickEnum(in.s, {"NONE", "PRIVATE", "PUBLIC_READ", "PUBLIC_READ_WRITE",
                                        "AUTHENTICATED_READ", "AWS_EXEC_READ", "BUCKET_OWNER_READ",
                                        "BUCKET_OWNER_FULL_CONTROL"}));
       s->canned_acl = i == 0 ? "" : EnumKey(in.s);
       return Status::Ok();
     }},
    {"CdcCheckpointsToKeep", Kind::kInt, 1, 1000000,
     [](const Input& in, S3Settings* s) {
       s->cdc_checkpoints_to_keep = static_cast<int>(in.i);
       return Status::Ok();
     }},
    {"CdcCommitLogGroup", Kind::kInt, 1, 100000,
     [](const Input& in, S3Settings* s) {
       s->cdc_commit_log_group = static_cast<int>(in.i);
       return Status::Ok();
     }},
    {"CdcInsertsAndUpdates", Kind::kBool, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->cdc_inserts_and_updates = in.b;
       return Status::Ok();
     }},
    {"CdcInsertsOnly", Kind::kBool, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->cdc_inserts_only = in.b;
       return Status::Ok();
     }},
    {"CdcMaxBatchInterval", Kind::kInt, 1, kInt32Max,
     [](const Input& in, S3Settings* s) {
       s->cdc_max_batch_interval_s = static_cast<int>(in.i);
       return Status::Ok();
     }},
    {"CdcMinFileSize", Kind::kInt, 1, kInt32Max,
     [](const Input& in, S3Settings* s) {
       s->cdc_min_file_size_kb = static_cast<uint64_t>(in.i);
       return Status::Ok();
     }},
    {"CdcPath", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) { return SetFolder(in, &s->cdc_path); }},
    {"CompressionLevel", Kind::kInt, 0, 22,
     [](const Input& in, S3Settings* s) {
       s->compression_level = static_cast<int>(in.i);
       return Status::Ok();
     }},
    {"CompressionType", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) {
       ASSIGN_OR_RETURN(size_t i, PickEnum(in.s, {"NONE", "GZIP", "SNAPPY", "ZSTD"}));
       static constexpr Compression kValues[] = {Compression::kNone, Compression::kGzip,
                                                 Compression::kSnappy, Compression::kZstd};
       s->compression = kValues[i];
       return Status::Ok();
     }},
    {"CsvDelimiter", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) { return SetDelimiter(in, &s->csv_delimiter); }},
    {"CsvNoSupValue", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->csv_no_sup_value = in.s;
       return Status::Ok();
     }},
    {"CsvNullValue", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->csv_null_value = in.s;
       return Status::Ok();
     }},
    {"CsvRowDelimiter", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) { return SetDelimiter(in, &s->csv_row_delimiter); }},
    {"DataFormat", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) {
       ASSIGN_OR_RETURN(size_t i, PickEnum(in.s, {"CSV", "PARQUET"}));
       s->data_format = i == 0 ? DataFormat::kCsv : DataFormat::kParquet;
       return Status::Ok();
     }},
    {"DataPageSize", Kind::kInt, 1, kInt32Max,
     [](const Input& in, S3Settings* s) {
       s->data_page_size = static_cast<uint64_t>(in.i);
       return Status::Ok();
     }},
    {"DatePartitionDelimiter", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) {
       ASSIGN_OR_RETURN(size_t i, PickEnum(in.s, {"SLASH", "UNDERSCORE", "DASH", "NONE"}));
       (void)i;
       s->date_partition_delimiter = EnumKey(in.s);
       return Status::Ok();
     }},
    {"DatePartitionEnabled", Kind::kBool, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->date_partition_enabled = in.b;
       return Status::Ok();
     }},
    {"DatePartitionSequence", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) {
       ASSIGN_OR_RETURN(
           size_t i, PickEnum(in.s, {"YYYYMMDD", "YYYYMMDDHH", "YYYYMM", "MMYYYYDD", "DDMMYYYY"}));
       (void)i;
       s->date_partition_sequence = EnumKey(in.s);
       return Status::Ok();
     }},
    {"DatePartitionTimezone", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) {
       // IANA names: Area/Location[/...], or UTC-like single words; resolved by the CDC task.
       bool ok = !in.s.empty() && in.s.front() != '/' && in.s.back() != '/' &&
                 in.s.find("..") == std::string::npos;
       for (char c : in.s) {
         if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' &&
             c != '+') {
           ok = false;
         }
       }
       if (!ok) return InvalidArgument("'" + in.s + "' is not an IANA time zone (Area/Location)");
       s->date_partition_timezone = in.s;
       return Status::Ok();
     }},
    {"DictPageSizeLimit", Kind::kInt, 1, kInt32Max,
     [](const Input& in, S3Settings* s) {
       s->dict_page_size_limit = static_cast<uint64_t>(in.i);
       return Status::Ok();
     }},
    {"EnableStatistics", Kind::kBool, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->enable_statistics = in.b;
       return Status::Ok();
     }},
    {"EncodingType", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) {
       ASSIGN_OR_RETURN(size_t i, PickEnum(in.s, {"RLE_DICTIONARY", "PLAIN", "PLAIN_DICTIONARY"}));
       static constexpr std::string_view kValues[] = {"rle-dictionary", "plain",
                                                      "plain-dictionary"};
       s->encoding_type = std::string(kValues[i]);
       return Status::Ok();
     }},
    {"EncryptionMode", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) {
       ASSIGN_OR_RETURN(size_t i, PickEnum(in.s, {"SSE_S3", "SSE_KMS"}));
       s->encryption_mode = i == 0 ? "SSE_S3" : "SSE_KMS";
       return Status::Ok();
     }},
    {"ExpectedBucketOwner", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->expected_bucket_owner = in.s;
       return Status::Ok();
     }},
    {"ExternalTableDefinition", Kind::kString, 0, 0,
     [](const Input&, S3Settings*) { return Status::Ok(); }},  // S3 source only: ignored
    {"GlueCatalogGeneration", Kind::kBool, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->glue_catalog_generation = in.b;
       return Status::Ok();
     }},
    {"IgnoreHeaderRows", Kind::kInt, 0, 1,
     [](const Input&, S3Settings*) { return Status::Ok(); }},  // S3 source only: ignored
    {"IncludeOpForFullLoad", Kind::kBool, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->include_op_for_full_load = in.b;
       return Status::Ok();
     }},
    {"MaxFileSize", Kind::kInt, 1, 1048576,
     [](const Input& in, S3Settings* s) {
       s->max_file_size_kb = static_cast<uint64_t>(in.i);
       return Status::Ok();
     }},
    {"ParquetTimestampInMillisecond", Kind::kBool, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->parquet_timestamp_in_millisecond = in.b;
       return Status::Ok();
     }},
    {"ParquetVersion", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) {
       ASSIGN_OR_RETURN(size_t i, PickEnum(in.s, {"PARQUET_1_0", "PARQUET_2_0"}));
       s->parquet_version = i == 0 ? "parquet-1-0" : "parquet-2-0";
       return Status::Ok();
     }},
    {"PreserveTransactions", Kind::kBool, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->preserve_transactions = in.b;
       return Status::Ok();
     }},
    {"Rfc4180", Kind::kBool, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->rfc4180 = in.b;
       return Status::Ok();
     }},
    {"RowGroupLength", Kind::kInt, 1, kInt64Max,
     [](const Input& in, S3Settings* s) {
       s->row_group_length = std::min<uint64_t>(static_cast<uint64_t>(in.i), kMaxRowGroupLength);
       return Status::Ok();
     }},
    {"ServerSideEncryptionKmsKeyId", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->kms_key_id = in.s;
       return Status::Ok();
     }},
    {"ServiceAccessRoleArn", Kind::kString, 0, 0,
     [](const Input&, S3Settings*) { return Status::Ok(); }},  // credentials: see header
    {"TimestampColumnName", Kind::kString, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->timestamp_column_name = in.s;
       return Status::Ok();
     }},
    {"UseCsvNoSupValue", Kind::kBool, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->use_csv_no_sup_value = in.b;
       return Status::Ok();
     }},
    {"UseTaskStartTimeForFullLoadTimestamp", Kind::kBool, 0, 0,
     [](const Input& in, S3Settings* s) {
       s->use_task_start_time_for_full_load_timestamp = in.b;
       return Status::Ok();
     }},
};

const Spec* FindSpec(std::string_view key) {
  for (const Spec& spec : kSpecs) {
    if (spec.name == key) return &spec;
  }
  return nullptr;
}
std::span<const Spec> AllSpecs() { return kSpecs; }

}  // namespace binlake::settings_internal
