// The Parquet metadata binlake writes (file footer and page headers), as plain C++ structs, and
// their serialization with the Thrift compact protocol; and the parsing of the same structs from
// untrusted bytes for the reader (parquet_reader.h). This is the only code that knows Thrift
// field ids (parquet.thrift, apache/parquet-format); the rest of the writer fills these structs.
// Optional Thrift fields are std::optional or "unset when zero/empty", as documented per field.
// Parsing keeps what the reader uses and skips the rest (bloom filters, indexes, sort orders,
// key/value metadata, encryption, size statistics).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "format/parquet/parquet_format.h"

namespace binlake::parquet {

// parquet.thrift `union LogicalType` (only the members binlake writes).
struct LogicalType {
  LogicalKind kind = LogicalKind::kNone;
  int32_t scale = 0;                  // kDecimal
  int32_t precision = 0;              // kDecimal
  bool adjusted_to_utc = false;       // kTimestamp
  TimeUnit unit = TimeUnit::kMicros;  // kTimestamp
  int8_t bit_width = 0;               // kInteger: 8, 16, 32 or 64
  bool is_signed = true;              // kInteger
};

// parquet.thrift `struct SchemaElement`.
struct SchemaElement {
  std::string name;
  std::optional<PhysicalType> type;  // unset for the root group
  int32_t type_length = 0;           // FIXED_LEN_BYTE_ARRAY width; written when > 0
  std::optional<Repetition> repetition;
  int32_t num_children = -1;  // groups only; written when >= 0
  std::optional<ConvertedType> converted_type;
  int32_t scale = -1;      // DECIMAL; written when >= 0
  int32_t precision = -1;  // DECIMAL; written when >= 0
  LogicalType logical;     // written unless kind == kNone
};

// parquet.thrift `struct Statistics`. min_value/max_value are the PLAIN encoding of the value
// (without the BYTE_ARRAY length prefix), ordered by the column's sort order.
struct Statistics {
  int64_t null_count = 0;
  bool has_min_max = false;
  std::string min_value;
  std::string max_value;
  // Also write the deprecated min/max fields (1, 2), which old readers compare as signed values:
  // only correct, and so only set, for columns whose sort order is signed.
  bool write_legacy_min_max = false;
};

// parquet.thrift `struct PageEncodingStats`.
struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;
  Encoding encoding = Encoding::kPlain;
  int32_t count = 0;
};

// parquet.thrift `struct ColumnMetaData`.
struct ColumnMetaData {
  PhysicalType type = PhysicalType::kInt32;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  Codec codec = Codec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;  // page headers included
  int64_t total_compressed_size = 0;    // page headers included
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
  std::vector<PageEncodingStats> encoding_stats;
};

// parquet.thrift `struct ColumnChunk` (metadata inline, no file_path).
struct ColumnChunk {
  std::string file_path;    // read only: the chunk lives in another file (not supported)
  int64_t file_offset = 0;  // first byte of the chunk
  ColumnMetaData meta;
};

// parquet.thrift `struct RowGroup`.
struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;  // uncompressed
  int64_t num_rows = 0;
  int64_t file_offset = 0;
  int64_t total_compressed_size = 0;
  int16_t ordinal = 0;
};

// parquet.thrift `struct FileMetaData`. Every leaf gets ColumnOrder TYPE_ORDER (so readers trust
// min_value/max_value) when `type_defined_column_orders` is set.
struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;  // depth-first; [0] is the root group
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::string created_by;
  bool type_defined_column_orders = true;
};

// parquet.thrift `struct PageHeader` with its DataPageHeader / DataPageHeaderV2 /
// DictionaryPageHeader member, chosen by `type`. Page statistics are not written.
struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;  // without this header
  int32_t compressed_page_size = 0;    // without this header
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  // DATA_PAGE_V2 only.
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  int32_t definition_levels_byte_length = 0;
  bool is_compressed = true;
  // Read only (the writer writes RLE and 0): DATA_PAGE level encodings, DATA_PAGE_V2 repetition
  // level bytes.
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
  int32_t repetition_levels_byte_length = 0;
};

void SerializePageHeader(const PageHeader& header, std::string* out);
void SerializeFileMetaData(const FileMetaData& meta, std::string* out);

// Parse the Thrift compact encoding of a PageHeader at the start of `data` (*size: its bytes) or
// of a whole FileMetaData. Errors are kCorruption "parquet: <what>: thrift: ..." (one line), for
// truncated or malformed Thrift, a required field that is missing, or a value out of its range
// (negative sizes and counts, an unknown physical type or repetition). Enum values the format may
// add later (encodings, codecs, logical types) are kept as numbers for the reader to judge.
Status ParsePageHeader(std::string_view data, PageHeader* header, size_t* size);
Status ParseFileMetaData(std::string_view data, FileMetaData* meta);

}  // namespace binlake::parquet
