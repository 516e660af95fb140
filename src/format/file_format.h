// The data-format layer's entry point: which RowFileWriter and file extension a set of format
// options calls for (DataFormat csv|parquet, the CSV or Parquet options). Used by the full load
// and CDC alike. The options are built from DMS's S3Settings by config/format_options.h, so this
// layer knows nothing of settings files.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "format/csv/csv_writer.h"
#include "format/parquet/parquet_writer.h"
#include "format/row_file_writer.h"

namespace binlake {

enum class DataFormat { kCsv, kParquet };
enum class Compression { kNone, kGzip, kSnappy, kZstd };  // SNAPPY/ZSTD: Parquet only (binlake)

// "csv" / "parquet"; "NONE" / "GZIP" / "SNAPPY" / "ZSTD" (DMS spellings).
std::string_view DataFormatName(DataFormat format);
std::string_view CompressionName(Compression compression);

struct FileFormatOptions {
  DataFormat format = DataFormat::kCsv;
  CsvOptions csv;                // used when format == kCsv
  ParquetWriterOptions parquet;  // used when format == kParquet
};

// The extension of LOAD and CDC data files, including the dot: ".csv", ".csv.gz" (CSV with
// gzip: the whole object is a gzip stream, as DMS names it) or ".parquet" (Parquet compresses
// pages inside the file, so the name does not change).
std::string DataFileExtension(const FileFormatOptions& options);

// A factory creating writers of the configured format.
RowFileWriterFactory MakeRowFileWriterFactory(const FileFormatOptions& options);

}  // namespace binlake
