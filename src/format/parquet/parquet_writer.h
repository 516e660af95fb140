// The Parquet data format of binlake's LOAD and CDC files (DataFormat=parquet), with DMS's
// Parquet settings (docs/DMS-S3-COMPAT.md §3). README.md beside this file is the user-facing
// summary; type_mapping.h has the column mapping table.
//
// What the settings mean here:
//   ParquetVersion 1.0   DATA_PAGE (v1) pages; INT/MEDIUMINT UNSIGNED widened to INT64 (1.0
//                        readers lack UINT_32), FileMetaData.version 1. Like Arrow's version
//                        "1.0" with data_page_version V1.
//   ParquetVersion 2.0   DATA_PAGE_V2 pages (levels uncompressed, num_nulls in the header);
//                        INT/MEDIUMINT UNSIGNED as INT32 with INT(32, unsigned) / UINT_32;
//                        FileMetaData.version 2. Like Arrow's "2.x" with data_page_version V2
//                        (parquet-mr's PARQUET_2_0 writer also writes v2 pages).
//   EncodingType         rle-dictionary: dictionary page labelled PLAIN, data pages
//                        RLE_DICTIONARY; plain-dictionary: both labelled PLAIN_DICTIONARY (the
//                        1.0 spelling of the same bytes); plain: PLAIN only. Dictionary columns
//                        fall back to PLAIN within a chunk once the dictionary's PLAIN size
//                        exceeds DictPageSizeLimit.
//   DataPageSize         a data page is closed when its encoded size reaches this many bytes.
//   RowGroupLength       rows per row group; a row group is also closed when the writer holds
//                        row_group_max_bytes (binlake), so memory is bounded by the row group.
//   EnableStatistics     per column chunk: null_count, min_value/max_value (and the legacy
//                        min/max for signed orders); see statistics.h for the orders.
//   ParquetTimestampInMillisecond  DATETIME/TIMESTAMP in TIMESTAMP(MILLIS) instead of MICROS.
//   CompressionType      NONE, GZIP (DMS) and SNAPPY, ZSTD (binlake additions); per page.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/object_writer.h"
#include "common/render_text.h"
#include "common/schema.h"
#include "common/status.h"
#include "format/parquet/parquet_format.h"
#include "format/row_file_writer.h"

namespace binlake {

enum class ParquetVersion { k1_0, k2_0 };
enum class ParquetEncoding { kRleDictionary, kPlainDictionary, kPlain };

struct ParquetWriterOptions {
  ParquetVersion version = ParquetVersion::k1_0;               // ParquetVersion
  ParquetEncoding encoding = ParquetEncoding::kRleDictionary;  // EncodingType
  uint64_t dict_page_size_limit = 1024000;                     // DictPageSizeLimit (bytes)
  uint64_t data_page_size = 1024000;                           // DataPageSize (bytes)
  uint64_t row_group_length = 10000;                           // RowGroupLength (rows)
  uint64_t row_group_max_bytes = uint64_t{128} << 20;          // binlake: memory cap of a row group
  bool enable_statistics = true;                               // EnableStatistics
  bool timestamp_in_millis = false;                            // ParquetTimestampInMillisecond
  parquet::Codec codec = parquet::Codec::kUncompressed;        // CompressionType
  int compression_level = 0;                                   // 0 = codec default (GZIP 1, ZSTD 3)
  RenderOptions render;  // text of TIME/ENUM/SET/JSON values (binary stays raw bytes)
  std::string created_by = "binlake version 0.1.0";
};

// A writer of one .parquet file with the columns of `schema` (its version at this point) after
// the extra columns of `extra`. Writes the magic at once, each row group when it fills, and the
// footer on Finish, which closes `sink`. Fails with kInvalidArgument if two output columns share
// a name.
Result<std::unique_ptr<RowFileWriter>> NewParquetFileWriter(const TableSchema& schema,
                                                            const OutputColumns& extra,
                                                            const ParquetWriterOptions& options,
                                                            std::unique_ptr<ObjectWriter> sink);

}  // namespace binlake
