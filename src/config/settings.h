// Task settings: DMS's own S3Settings names (docs/DMS-S3-COMPAT.md §1-3) plus binlake's additions.
// Filled, in increasing priority, from defaults, a DMS S3Settings JSON (--settings), the task
// config file (--config, YAML or JSON) and command-line flags. See settings_parser.h for the
// parsing and validation rules, README.md ("Settings") for the user-facing description.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/render_text.h"
#include "common/status.h"
#include "format/file_format.h"
#include "store/target_config.h"

namespace binlake {

struct S3Settings {
  // Layout.
  std::string bucket_folder;  // BucketFolder: prefix under the target root, no leading/trailing '/'
  std::string bucket_name;    // BucketName: used only when the target URL names no bucket
  DataFormat data_format = DataFormat::kCsv;     // DataFormat
  Compression compression = Compression::kNone;  // CompressionType (NONE|GZIP)
  int compression_level = 0;  // binlake CompressionLevel: 0 = codec default (GZIP: 1, fastest)
  uint64_t max_file_size_kb = 1048576;  // MaxFileSize (KB), 1..1048576

  // CSV.
  std::string csv_delimiter = ",";        // CsvDelimiter
  std::string csv_row_delimiter = "\n";   // CsvRowDelimiter
  std::string csv_null_value;             // CsvNullValue (binlake default: empty unquoted field)
  bool rfc4180 = true;                    // Rfc4180
  bool add_column_name = false;           // AddColumnName: header row
  bool include_op_for_full_load = false;  // IncludeOpForFullLoad
  std::string timestamp_column_name;      // TimestampColumnName
  bool use_task_start_time_for_full_load_timestamp = false;  // UseTaskStartTimeForFullLoadTimestamp
  bool use_csv_no_sup_value = false;  // UseCsvNoSupValue (no effect with binlog_row_image=FULL)
  std::string csv_no_sup_value;       // CsvNoSupValue
  bool add_trailing_padding_character = false;  // AddTrailingPaddingCharacter (true: unsupported)
  BinaryEncoding binary_encoding = BinaryEncoding::kHex;  // binlake: BinaryEncoding hex|base64

  // CDC (used by the CDC task).
  bool cdc_inserts_only = false;                     // CdcInsertsOnly
  bool cdc_inserts_and_updates = false;              // CdcInsertsAndUpdates
  int cdc_max_batch_interval_s = 60;                 // CdcMaxBatchInterval
  uint64_t cdc_min_file_size_kb = 32000;             // CdcMinFileSize
  bool date_partition_enabled = false;               // DatePartitionEnabled
  std::string date_partition_sequence = "YYYYMMDD";  // DatePartitionSequence
  std::string date_partition_delimiter = "SLASH";    // DatePartitionDelimiter
  std::string date_partition_timezone;               // DatePartitionTimezone (IANA), empty = UTC
  bool preserve_transactions = false;                // PreserveTransactions
  std::string cdc_path;                              // CdcPath
  // binlake: checkpoint objects kept; older ones are folded into the commit log in groups of at
  // least CdcCommitLogGroup (cdc/commit_log.h).
  int cdc_checkpoints_to_keep = 20;  // CdcCheckpointsToKeep
  int cdc_commit_log_group = 64;     // CdcCommitLogGroup

  // Parquet.
  std::string parquet_version = "parquet-1-0";  // ParquetVersion: parquet-1-0 | parquet-2-0
  std::string encoding_type =
      "rle-dictionary";                     // EncodingType: rle-dictionary|plain|plain-dictionary
  uint64_t dict_page_size_limit = 1024000;  // DictPageSizeLimit (bytes)
  uint64_t data_page_size = 1024000;        // DataPageSize (bytes)
  uint64_t row_group_length = 10000;        // RowGroupLength (rows)
  bool enable_statistics = true;            // EnableStatistics
  bool parquet_timestamp_in_millisecond = false;  // ParquetTimestampInMillisecond
  bool glue_catalog_generation = false;           // GlueCatalogGeneration (true: unsupported)

  // Target access (S3 only) -> TargetConfig.
  std::string encryption_mode;  // EncryptionMode: "", SSE_S3 | SSE_KMS
  std::string kms_key_id;       // ServerSideEncryptionKmsKeyId
  std::string canned_acl;       // CannedAclForObjects, e.g. BUCKET_OWNER_FULL_CONTROL; "" = NONE
  std::string expected_bucket_owner;  // ExpectedBucketOwner
};

}  // namespace binlake
