// The output-format options DMS's S3Settings select, built here so that format/ takes only its own
// option structs (CsvOptions, ParquetWriterOptions) and never sees the settings.
//   CSV:     CsvDelimiter, CsvRowDelimiter, CsvNullValue, Rfc4180, AddColumnName, BinaryEncoding,
//            CompressionType=GZIP with CompressionLevel.
//   Parquet: ParquetVersion, EncodingType, DictPageSizeLimit, DataPageSize, RowGroupLength,
//            EnableStatistics, ParquetTimestampInMillisecond, CompressionType, BinaryEncoding.
// Setting names and defaults:
// https://docs.aws.amazon.com/dms/latest/APIReference/API_S3Settings.html
#pragma once

#include <string>

#include "common/status.h"
#include "config/settings.h"
#include "format/file_format.h"

namespace binlake {

CsvOptions CsvOptionsFromSettings(const S3Settings& settings);

// Fails with kInvalidArgument on an unknown ParquetVersion ("parquet-1-0" | "parquet-2-0", also
// PARQUET_1_0 / 1.0 spellings) or EncodingType, or a zero size.
Result<ParquetWriterOptions> ParquetOptionsFromSettings(const S3Settings& settings);

// Both, for the configured DataFormat. Fails for invalid combinations (SNAPPY or ZSTD with CSV).
Result<FileFormatOptions> FileFormatOptionsFromSettings(const S3Settings& settings);

// Shorthands: the writer factory and the data-file extension the settings call for.
Result<RowFileWriterFactory> MakeRowFileWriterFactory(const S3Settings& settings);
std::string DataFileExtension(const S3Settings& settings);

}  // namespace binlake
