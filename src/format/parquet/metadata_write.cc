// Serializing (the writer's half of metadata.h): FileMetaData and PageHeader in the Thrift compact
// protocol, field ids as in parquet.thrift:
// https://github.com/apache/parquet-format/blob/master/src/main/thrift/parquet.thrift
#include "format/parquet/metadata.h"
#include "format/parquet/thrift_compact.h"

namespace binlake::parquet {
namespace {

int32_t I(auto e) { return static_cast<int32_t>(e); }

void WriteLogicalType(const LogicalType& t, CompactWriter* w) {
  int16_t member = static_cast<int16_t>(t.kind);
  w->FieldStructBegin(member);
  switch (t.kind) {
    case LogicalKind::kDecimal:  // DecimalType {1: scale, 2: precision}
      w->FieldI32(1, t.scale);
      w->FieldI32(2, t.precision);
      break;
    case LogicalKind::kTimestamp:  // TimestampType {1: isAdjustedToUTC, 2: unit}
      w->FieldBool(1, t.adjusted_to_utc);
      w->FieldStructBegin(2);  // union TimeUnit
      w->FieldStructBegin(static_cast<int16_t>(t.unit));
      w->EndStruct();
      w->EndStruct();
      break;
    case LogicalKind::kInteger:  // IntType {1: bitWidth (i8), 2: isSigned}
      w->FieldI8(1, t.bit_width);
      w->FieldBool(2, t.is_signed);
      break;
    default:  // StringType, DateType, JsonType: empty structs
      break;
  }
  w->EndStruct();
}

void WriteSchemaElement(const SchemaElement& e, CompactWriter* w) {
  w->BeginStruct();
  if (e.type) w->FieldI32(1, I(*e.type));
  if (e.type_length > 0) w->FieldI32(2, e.type_length);
  if (e.repetition) w->FieldI32(3, I(*e.repetition));
  w->FieldBinary(4, e.name);
  if (e.num_children >= 0) w->FieldI32(5, e.num_children);
  if (e.converted_type) w->FieldI32(6, I(*e.converted_type));
  if (e.scale >= 0) w->FieldI32(7, e.scale);
  if (e.precision >= 0) w->FieldI32(8, e.precision);
  if (e.logical.kind != LogicalKind::kNone) {
    w->FieldStructBegin(10);
    WriteLogicalType(e.logical, w);
    w->EndStruct();
  }
  w->EndStruct();
}

// Statistics {1: max, 2: min, 3: null_count, 5: max_value, 6: min_value}.
void WriteStatistics(const Statistics& s, CompactWriter* w) {
  if (s.has_min_max && s.write_legacy_min_max) {
    w->FieldBinary(1, s.max_value);
    w->FieldBinary(2, s.min_value);
  }
  w->FieldI64(3, s.null_count);
  if (s.has_min_max) {
    w->FieldBinary(5, s.max_value);
    w->FieldBinary(6, s.min_value);
  }
}

void WriteColumnMetaData(const ColumnMetaData& m, CompactWriter* w) {
  w->FieldI32(1, I(m.type));
  w->FieldListBegin(2, CompactType::kI32, static_cast<uint32_t>(m.encodings.size()));
  for (Encoding e : m.encodings) w->ListI32(I(e));
  w->FieldListBegin(3, CompactType::kBinary, static_cast<uint32_t>(m.path_in_schema.size()));
  for (const std::string& p : m.path_in_schema) w->ListBinary(p);
  w->FieldI32(4, I(m.codec));
  w->FieldI64(5, m.num_values);
  w->FieldI64(6, m.total_uncompressed_size);
  w->FieldI64(7, m.total_compressed_size);
  w->FieldI64(9, m.data_page_offset);
  if (m.dictionary_page_offset) w->FieldI64(11, *m.dictionary_page_offset);
  if (m.statistics) {
    w->FieldStructBegin(12);
    WriteStatistics(*m.statistics, w);
    w->EndStruct();
  }
  if (!m.encoding_stats.empty()) {
    w->FieldListBegin(13, CompactType::kStruct, static_cast<uint32_t>(m.encoding_stats.size()));
    for (const PageEncodingStats& s : m.encoding_stats) {
      w->BeginStruct();
      w->FieldI32(1, I(s.page_type));
      w->FieldI32(2, I(s.encoding));
      w->FieldI32(3, s.count);
      w->EndStruct();
    }
  }
}

void WriteRowGroup(const RowGroup& rg, CompactWriter* w) {
  w->BeginStruct();
  w->FieldListBegin(1, CompactType::kStruct, static_cast<uint32_t>(rg.columns.size()));
  for (const ColumnChunk& c : rg.columns) {
    w->BeginStruct();
    w->FieldI64(2, c.file_offset);
    w->FieldStructBegin(3);
    WriteColumnMetaData(c.meta, w);
    w->EndStruct();
    w->EndStruct();
  }
  w->FieldI64(2, rg.total_byte_size);
  w->FieldI64(3, rg.num_rows);
  w->FieldI64(5, rg.file_offset);
  w->FieldI64(6, rg.total_compressed_size);
  w->FieldI16(7, rg.ordinal);
  w->EndStruct();
}

}  // namespace

void SerializePageHeader(const PageHeader& h, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, I(h.type));
  w.FieldI32(2, h.uncompressed_page_size);
  w.FieldI32(3, h.compressed_page_size);
  switch (h.type) {
    case PageType::kDataPage:  // DataPageHeader {1: num_values, 2: encoding, 3: def, 4: rep}
      w.FieldStructBegin(5);
      w.FieldI32(1, h.num_values);
      w.FieldI32(2, I(h.encoding));
      w.FieldI32(3, I(Encoding::kRle));
      w.FieldI32(4, I(Encoding::kRle));
      w.EndStruct();
      break;
    case PageType::kDictionaryPage:  // DictionaryPageHeader {1: num_values, 2: encoding}
      w.FieldStructBegin(7);
      w.FieldI32(1, h.num_values);
      w.FieldI32(2, I(h.encoding));
      w.EndStruct();
      break;
    case PageType::kDataPageV2:
      // DataPageHeaderV2 {1: num_values, 2: num_nulls, 3: num_rows, 4: encoding,
      //                   5: definition_levels_byte_length, 6: repetition_levels_byte_length,
      //                   7: is_compressed}
      w.FieldStructBegin(8);
      w.FieldI32(1, h.num_values);
      w.FieldI32(2, h.num_nulls);
      w.FieldI32(3, h.num_rows);
      w.FieldI32(4, I(h.encoding));
      w.FieldI32(5, h.definition_levels_byte_length);
      w.FieldI32(6, 0);
      w.FieldBool(7, h.is_compressed);
      w.EndStruct();
      break;
    case PageType::kIndexPage:  // never written
      break;
  }
  w.EndStruct();
}

void SerializeFileMetaData(const FileMetaData& m, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, m.version);
  w.FieldListBegin(2, CompactType::kStruct, static_cast<uint32_t>(m.schema.size()));
  for (const SchemaElement& e : m.schema) WriteSchemaElement(e, &w);
  w.FieldI64(3, m.num_rows);
  w.FieldListBegin(4, CompactType::kStruct, static_cast<uint32_t>(m.row_groups.size()));
  for (const RowGroup& rg : m.row_groups) WriteRowGroup(rg, &w);
  if (!m.created_by.empty()) w.FieldBinary(6, m.created_by);
  if (m.type_defined_column_orders) {
    uint32_t leaves = 0;
    for (const SchemaElement& e : m.schema) leaves += e.type.has_value() ? 1 : 0;
    // list<ColumnOrder>; ColumnOrder is a union whose member 1 is TypeDefinedOrder {}.
    w.FieldListBegin(7, CompactType::kStruct, leaves);
    for (uint32_t i = 0; i < leaves; ++i) {
      w.BeginStruct();
      w.FieldStructBegin(1);
      w.EndStruct();
      w.EndStruct();
    }
  }
  w.EndStruct();
}

}  // namespace binlake::parquet
