// Helpers shared by the Parquet reader's tests (parquet_reader_test.cc: round trips and the API;
// parquet_reader_corrupt_test.cc: untrusted bytes, DuckDB's files, the fuzz seeds): files
// written by binlake's writer for each EncodingType x codec x ParquetVersion, and a reader of
// everything that checks the form of its errors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "common/schema.h"
#include "common/status.h"
#include "common/value.h"
#include "format/parquet/parquet_reader.h"
#include "format/parquet/parquet_writer.h"
#include "format/parquet/sysbench_rows.h"

namespace binlake::parquet::testing {

// The extra columns WriteRows adds (extra_columns): Op, then this timestamp column.
inline constexpr const char* kTimestampColumn = "ts_col";
inline constexpr const char* kRowTimestamp = "2024-05-06 07:08:09.123456";

// `rows` of `schema` written with options `o` (Op cycling I, U, D and kRowTimestamp when
// `extra_columns`).
Result<std::string> WriteRows(const TableSchema& schema,
                              const std::vector<std::vector<Value>>& rows,
                              const ParquetWriterOptions& o, bool extra_columns);

using Combo = std::tuple<ParquetEncoding, Codec, ParquetVersion>;
// "RleDictionary_gzip_V1".
std::string ComboName(const Combo& combo);
// Small row groups, pages and dictionary limit: several row groups, pages per chunk and a
// dictionary fallback in every file.
ParquetWriterOptions OptionsFor(const Combo& combo);

// sysbench rows with k NULL in every 17th row.
std::vector<std::vector<Value>> SysbenchValues(const SysbenchRows& s);

// Every field of the rows of row groups [begin, end) of `file`, as text ("N" for NULL, else
// "int/double/bytes"), one string per row; read errors fail the calling test (EXPECT).
std::vector<std::string> RowTexts(const ParquetFile& file, size_t begin = 0, size_t end = SIZE_MAX);

// Opens and reads everything; the error if any, after checking its form with EXPECTs (one line,
// "parquet: ", kCorruption or kUnsupported).
Status ReadEverything(std::string_view bytes, size_t batch_rows = 100);

}  // namespace binlake::parquet::testing
