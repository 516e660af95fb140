// Parsing (the reader's half of metadata.h). Field ids as in parquet.thrift; each Parse* below
// names its struct.
#include <algorithm>

#include "format/parquet/metadata.h"
#include "format/parquet/thrift_compact.h"

namespace binlake::parquet {

namespace {

// Reads an integer field into *v (range-checked); false (the field skipped) for another type.
bool I32(CompactReader& r, CompactType t, int32_t* v) { return r.ReadI32(t, v); }
bool I64(CompactReader& r, CompactType t, int64_t* v) { return r.ReadI64(t, v); }
template <typename E>
bool Enum(CompactReader& r, CompactType t, E* v) {
  int32_t x;
  if (!r.ReadI32(t, &x)) return false;
  *v = static_cast<E>(x);
  return true;
}
bool Str(CompactReader& r, CompactType t, std::string* v) {
  std::string_view b;
  if (!r.ReadBinary(t, &b)) return false;
  v->assign(b);
  return true;
}
// Reserves room for a list of n structs, but never more than one per 8 bytes left of the input
// (the size comes from the input).
template <typename T>
void Reserve(const CompactReader& r, uint32_t n, std::vector<T>* v) {
  v->reserve(v->size() + std::min<size_t>(n, r.remaining() / 8));
}

bool NonNegative(CompactReader& r, int64_t v, const char* what) {
  return v >= 0 || r.Fail(std::string("negative ") + what);
}

// A list header whose elements must be of `want` (or, for kI32, any integer type).
bool ListOf(CompactReader& r, CompactType t, CompactType want, uint32_t* n,
            CompactType* element_type = nullptr) {
  CompactType element;
  if (!r.ReadListHeader(t, &element, n)) return false;
  if (element_type != nullptr) *element_type = element;
  bool integer = element == CompactType::kByte || element == CompactType::kI16 ||
                 element == CompactType::kI32 || element == CompactType::kI64;
  if (element == want || (want == CompactType::kI32 && integer)) return true;
  return r.Fail("unexpected list element type " + std::to_string(static_cast<int>(element)));
}

// union TimeUnit { 1: MILLIS, 2: MICROS, 3: NANOS } (empty structs).
void ParseTimeUnit(CompactReader& r, TimeUnit* unit) {
  r.BeginStruct();
  int16_t id;
  CompactType t;
  while (r.NextField(&id, &t)) {
    *unit = static_cast<TimeUnit>(id);
    r.Skip(t);
  }
  r.EndStruct();
}

// union LogicalType: the member's field id is the kind. DecimalType {1: scale, 2: precision},
// TimeType / TimestampType {1: isAdjustedToUTC, 2: unit}, IntType {1: bitWidth (i8),
// 2: isSigned}; the other members carry nothing binlake reads.
void ParseLogicalType(CompactReader& r, LogicalType* lt) {
  r.BeginStruct();
  int16_t member;
  CompactType mt;
  while (r.NextField(&member, &mt)) {
    if (mt != CompactType::kStruct) {
      r.Skip(mt);
      continue;
    }
    *lt = LogicalType();
    lt->kind = static_cast<LogicalKind>(member);
    r.BeginStruct();
    int16_t id;
    CompactType t;
    while (r.NextField(&id, &t)) {
      int32_t x;
      bool b;
      bool time = lt->kind == LogicalKind::kTimestamp || lt->kind == LogicalKind::kTime;
      if (lt->kind == LogicalKind::kDecimal && id == 1) {
        I32(r, t, &lt->scale);
      } else if (lt->kind == LogicalKind::kDecimal && id == 2) {
        I32(r, t, &lt->precision);
      } else if (time && id == 1) {
        if (r.ReadBool(t, &b)) lt->adjusted_to_utc = b;
      } else if (time && id == 2 && t == CompactType::kStruct) {
        ParseTimeUnit(r, &lt->unit);
      } else if (lt->kind == LogicalKind::kInteger && id == 1) {
        if (I32(r, t, &x)) {
          if (x < -128 || x > 127) r.Fail("IntType.bitWidth out of range");
          lt->bit_width = static_cast<int8_t>(x);
        }
      } else if (lt->kind == LogicalKind::kInteger && id == 2) {
        if (r.ReadBool(t, &b)) lt->is_signed = b;
      } else {
        r.Skip(t);
      }
    }
    r.EndStruct();
  }
  r.EndStruct();
}

// struct SchemaElement {1: type, 2: type_length, 3: repetition_type, 4: name, 5: num_children,
// 6: converted_type, 7: scale, 8: precision, 9: field_id, 10: logicalType}
void ParseSchemaElement(CompactReader& r, SchemaElement* e) {
  bool has_name = false;
  r.BeginStruct();
  int16_t id;
  CompactType t;
  while (r.NextField(&id, &t)) {
    int32_t x;
    switch (id) {
      case 1:
        if (I32(r, t, &x)) {
          if (x < 0 || x > static_cast<int32_t>(PhysicalType::kFixedLenByteArray)) {
            r.Fail("unknown physical type " + std::to_string(x));
          }
          e->type = static_cast<PhysicalType>(x);
        }
        break;
      case 2:
        I32(r, t, &e->type_length);
        break;
      case 3:
        if (I32(r, t, &x)) {
          if (x < 0 || x > static_cast<int32_t>(Repetition::kRepeated)) {
            r.Fail("unknown repetition " + std::to_string(x));
          }
          e->repetition = static_cast<Repetition>(x);
        }
        break;
      case 4:
        has_name = Str(r, t, &e->name) || has_name;
        break;
      case 5:
        if (I32(r, t, &e->num_children)) NonNegative(r, e->num_children, "num_children");
        break;
      case 6:
        if (I32(r, t, &x)) e->converted_type = static_cast<ConvertedType>(x);
        break;
      case 7:
        I32(r, t, &e->scale);
        break;
      case 8:
        I32(r, t, &e->precision);
        break;
      case 10:
        if (t == CompactType::kStruct) {
          ParseLogicalType(r, &e->logical);
        } else {
          r.Skip(t);
        }
        break;
      default:
        r.Skip(t);
    }
  }
  r.EndStruct();
  if (r.ok() && !has_name) r.Fail("SchemaElement without a name");
}

// struct Statistics {1: max, 2: min, 3: null_count, 4: distinct_count, 5: max_value,
// 6: min_value, ...}. min/max are kept from max_value/min_value only (the legacy fields use
// signed comparison whatever the column's order).
void ParseStatistics(CompactReader& r, Statistics* s) {
  bool has_min = false, has_max = false;
  r.BeginStruct();
  int16_t id;
  CompactType t;
  while (r.NextField(&id, &t)) {
    if (id == 3) {
      I64(r, t, &s->null_count);
    } else if (id == 5) {
      has_max = Str(r, t, &s->max_value) || has_max;
    } else if (id == 6) {
      has_min = Str(r, t, &s->min_value) || has_min;
    } else if (id == 1 || id == 2) {
      s->write_legacy_min_max = true;
      r.Skip(t);
    } else {
      r.Skip(t);
    }
  }
  r.EndStruct();
  s->has_min_max = has_min && has_max;
}

// struct ColumnMetaData {1: type, 2: encodings, 3: path_in_schema, 4: codec, 5: num_values,
// 6: total_uncompressed_size, 7: total_compressed_size, 8: key_value_metadata,
// 9: data_page_offset, 10: index_page_offset, 11: dictionary_page_offset, 12: statistics,
// 13: encoding_stats, ...}
void ParseColumnMetaData(CompactReader& r, ColumnMetaData* m) {
  unsigned seen = 0;  // bit per required field id
  r.BeginStruct();
  int16_t id;
  CompactType t;
  while (r.NextField(&id, &t)) {
    int32_t x;
    int64_t v;
    CompactType element;
    uint32_t n;
    switch (id) {
      case 1:
        if (I32(r, t, &x)) {
          if (x < 0 || x > static_cast<int32_t>(PhysicalType::kFixedLenByteArray)) {
            r.Fail("unknown physical type " + std::to_string(x));
          }
          m->type = static_cast<PhysicalType>(x);
          seen |= 1u << 1;
        }
        break;
      case 2:
        if (ListOf(r, t, CompactType::kI32, &n, &element)) {
          for (uint32_t k = 0; k < n && r.ok(); ++k) {
            Enum(r, element, &m->encodings.emplace_back());
          }
        }
        break;
      case 3:
        if (ListOf(r, t, CompactType::kBinary, &n)) {
          for (uint32_t k = 0; k < n && r.ok(); ++k) {
            Str(r, CompactType::kBinary, &m->path_in_schema.emplace_back());
          }
        }
        break;
      case 4:
        if (Enum(r, t, &m->codec)) seen |= 1u << 4;
        break;
      case 5:
        if (I64(r, t, &m->num_values) && NonNegative(r, m->num_values, "num_values")) {
          seen |= 1u << 5;
        }
        break;
      case 6:
        if (I64(r, t, &m->total_uncompressed_size)) {
          NonNegative(r, m->total_uncompressed_size, "total_uncompressed_size");
        }
        break;
      case 7:
        if (I64(r, t, &m->total_compressed_size) &&
            NonNegative(r, m->total_compressed_size, "total_compressed_size")) {
          seen |= 1u << 7;
        }
        break;
      case 9:
        if (I64(r, t, &m->data_page_offset) &&
            NonNegative(r, m->data_page_offset, "data_page_offset")) {
          seen |= 1u << 9;
        }
        break;
      case 11:
        if (I64(r, t, &v) && NonNegative(r, v, "dictionary_page_offset")) {
          m->dictionary_page_offset = v;
        }
        break;
      case 12:
        if (t == CompactType::kStruct) {
          ParseStatistics(r, &m->statistics.emplace());
        } else {
          r.Skip(t);
        }
        break;
      case 13:
        // list<PageEncodingStats {1: page_type, 2: encoding, 3: count}>
        if (ListOf(r, t, CompactType::kStruct, &n)) {
          for (uint32_t k = 0; k < n && r.ok(); ++k) {
            PageEncodingStats& s = m->encoding_stats.emplace_back();
            r.BeginStruct();
            int16_t sid;
            CompactType st;
            while (r.NextField(&sid, &st)) {
              if (sid == 1) {
                Enum(r, st, &s.page_type);
              } else if (sid == 2) {
                Enum(r, st, &s.encoding);
              } else if (sid == 3) {
                I32(r, st, &s.count);
              } else {
                r.Skip(st);
              }
            }
            r.EndStruct();
          }
        }
        break;
      default:
        r.Skip(t);
    }
  }
  r.EndStruct();
  for (int f : {1, 4, 5, 7, 9}) {
    if (r.ok() && (seen & (1u << f)) == 0) {
      r.Fail("ColumnMetaData without field " + std::to_string(f));
    }
  }
}

// struct ColumnChunk {1: file_path, 2: file_offset, 3: meta_data, ...}
void ParseColumnChunk(CompactReader& r, ColumnChunk* c) {
  bool has_meta = false;
  r.BeginStruct();
  int16_t id;
  CompactType t;
  while (r.NextField(&id, &t)) {
    if (id == 1) {
      Str(r, t, &c->file_path);
    } else if (id == 2) {
      I64(r, t, &c->file_offset);
    } else if (id == 3 && t == CompactType::kStruct) {
      ParseColumnMetaData(r, &c->meta);
      has_meta = true;
    } else {
      r.Skip(t);
    }
  }
  r.EndStruct();
  if (r.ok() && !has_meta) r.Fail("ColumnChunk without meta_data (encrypted?)");
}

// struct RowGroup {1: columns, 2: total_byte_size, 3: num_rows, 4: sorting_columns,
// 5: file_offset, 6: total_compressed_size, 7: ordinal}
void ParseRowGroup(CompactReader& r, RowGroup* g) {
  bool has_columns = false, has_rows = false;
  r.BeginStruct();
  int16_t id;
  CompactType t;
  while (r.NextField(&id, &t)) {
    uint32_t n;
    int32_t x;
    if (id == 1) {
      if (!ListOf(r, t, CompactType::kStruct, &n)) continue;
      has_columns = true;
      Reserve(r, n, &g->columns);
      for (uint32_t k = 0; k < n && r.ok(); ++k) {
        ParseColumnChunk(r, &g->columns.emplace_back());
      }
    } else if (id == 2) {
      I64(r, t, &g->total_byte_size);
    } else if (id == 3) {
      has_rows = I64(r, t, &g->num_rows) && NonNegative(r, g->num_rows, "num_rows");
    } else if (id == 5) {
      I64(r, t, &g->file_offset);
    } else if (id == 6) {
      I64(r, t, &g->total_compressed_size);
    } else if (id == 7) {
      if (I32(r, t, &x)) g->ordinal = static_cast<int16_t>(x);
    } else {
      r.Skip(t);
    }
  }
  r.EndStruct();
  if (r.ok() && !has_columns) r.Fail("RowGroup without columns");
  if (r.ok() && !has_rows) r.Fail("RowGroup without num_rows");
}

Status ThriftError(std::string_view what, const CompactReader& r) {
  return Corruption("parquet: " + std::string(what) + ": " + r.error());
}

}  // namespace

Status ParseFileMetaData(std::string_view data, FileMetaData* m) {
  *m = FileMetaData();
  m->type_defined_column_orders = false;
  CompactReader r(data);
  bool has_schema = false, has_rows = false, has_groups = false;
  r.BeginStruct();
  int16_t id;
  CompactType t;
  while (r.NextField(&id, &t)) {
    uint32_t n;
    switch (id) {
      case 1:
        I32(r, t, &m->version);
        break;
      case 2:
        if (!ListOf(r, t, CompactType::kStruct, &n)) break;
        has_schema = true;
        Reserve(r, n, &m->schema);
        for (uint32_t k = 0; k < n && r.ok(); ++k) {
          ParseSchemaElement(r, &m->schema.emplace_back());
        }
        break;
      case 3:
        has_rows = I64(r, t, &m->num_rows) && NonNegative(r, m->num_rows, "num_rows");
        break;
      case 4:
        if (!ListOf(r, t, CompactType::kStruct, &n)) break;
        has_groups = true;
        Reserve(r, n, &m->row_groups);
        for (uint32_t k = 0; k < n && r.ok(); ++k) {
          ParseRowGroup(r, &m->row_groups.emplace_back());
        }
        break;
      case 6:
        Str(r, t, &m->created_by);
        break;
      case 7:
        m->type_defined_column_orders = true;
        r.Skip(t);
        break;
      default:
        r.Skip(t);
    }
  }
  r.EndStruct();
  if (r.ok() && !has_schema) r.Fail("FileMetaData without schema");
  if (r.ok() && !has_rows) r.Fail("FileMetaData without num_rows");
  if (r.ok() && !has_groups) r.Fail("FileMetaData without row_groups");
  if (!r.ok()) return ThriftError("footer", r);
  return Status::Ok();
}

Status ParsePageHeader(std::string_view data, PageHeader* h, size_t* size) {
  *h = PageHeader();
  CompactReader r(data);
  unsigned seen = 0;
  bool has_v1 = false, has_dict = false, has_v2 = false;
  PageHeader v1, dict, v2;  // the members of the sub-header of each type
  r.BeginStruct();
  int16_t id;
  CompactType t;
  while (r.NextField(&id, &t)) {
    if (id == 1) {
      if (Enum(r, t, &h->type)) seen |= 1u << 1;
    } else if (id == 2) {
      if (I32(r, t, &h->uncompressed_page_size) &&
          NonNegative(r, h->uncompressed_page_size, "uncompressed_page_size")) {
        seen |= 1u << 2;
      }
    } else if (id == 3) {
      if (I32(r, t, &h->compressed_page_size) &&
          NonNegative(r, h->compressed_page_size, "compressed_page_size")) {
        seen |= 1u << 3;
      }
    } else if ((id == 5 || id == 7 || id == 8) && t == CompactType::kStruct) {
      // DataPageHeader {1: num_values, 2: encoding, 3: definition_level_encoding,
      //                 4: repetition_level_encoding, 5: statistics}
      // DictionaryPageHeader {1: num_values, 2: encoding, 3: is_sorted}
      // DataPageHeaderV2 {1: num_values, 2: num_nulls, 3: num_rows, 4: encoding,
      //                   5: definition_levels_byte_length, 6: repetition_levels_byte_length,
      //                   7: is_compressed, 8: statistics}
      PageHeader& p = id == 5 ? v1 : id == 7 ? dict : v2;
      unsigned sub = 0;
      r.BeginStruct();
      int16_t sid;
      CompactType st;
      while (r.NextField(&sid, &st)) {
        bool got = false;
        if (sid == 1) {
          got = I32(r, st, &p.num_values) && NonNegative(r, p.num_values, "num_values");
        } else if (id != 8 && sid == 2) {
          got = Enum(r, st, &p.encoding);
        } else if (id == 5 && sid == 3) {
          got = Enum(r, st, &p.definition_level_encoding);
        } else if (id == 5 && sid == 4) {
          got = Enum(r, st, &p.repetition_level_encoding);
        } else if (id == 8 && sid == 2) {
          got = I32(r, st, &p.num_nulls) && NonNegative(r, p.num_nulls, "num_nulls");
        } else if (id == 8 && sid == 3) {
          got = I32(r, st, &p.num_rows) && NonNegative(r, p.num_rows, "num_rows");
        } else if (id == 8 && sid == 4) {
          got = Enum(r, st, &p.encoding);
        } else if (id == 8 && sid == 5) {
          got = I32(r, st, &p.definition_levels_byte_length) &&
                NonNegative(r, p.definition_levels_byte_length, "definition_levels_byte_length");
        } else if (id == 8 && sid == 6) {
          got = I32(r, st, &p.repetition_levels_byte_length) &&
                NonNegative(r, p.repetition_levels_byte_length, "repetition_levels_byte_length");
        } else if (id == 8 && sid == 7) {
          r.ReadBool(st, &p.is_compressed);
        } else {
          r.Skip(st);
        }
        if (got && sid < 32) sub |= 1u << sid;
      }
      r.EndStruct();
      // Required: num_values and encoding (v2: also the counts and level lengths).
      unsigned need = id == 8 ? 0x7E : 0x06;
      if (r.ok() && (sub & need) != need) {
        r.Fail(std::string(id == 5   ? "DataPageHeader"
                           : id == 7 ? "DictionaryPageHeader"
                                     : "DataPageHeaderV2") +
               " without a required field");
      }
      (id == 5 ? has_v1 : id == 7 ? has_dict : has_v2) = true;
    } else {
      r.Skip(t);
    }
  }
  r.EndStruct();
  for (int f : {1, 2, 3}) {
    if (r.ok() && (seen & (1u << f)) == 0) {
      r.Fail("PageHeader without field " + std::to_string(f));
    }
  }
  if (r.ok()) {
    auto take = [&](const PageHeader& p, bool has, const char* name) {
      if (!has) {
        r.Fail(std::string("PageHeader without its ") + name);
        return;
      }
      h->num_values = p.num_values;
      h->encoding = p.encoding;
      h->definition_level_encoding = p.definition_level_encoding;
      h->repetition_level_encoding = p.repetition_level_encoding;
      h->num_nulls = p.num_nulls;
      h->num_rows = p.num_rows;
      h->definition_levels_byte_length = p.definition_levels_byte_length;
      h->repetition_levels_byte_length = p.repetition_levels_byte_length;
      h->is_compressed = p.is_compressed;
    };
    if (h->type == PageType::kDataPage) take(v1, has_v1, "DataPageHeader");
    if (h->type == PageType::kDictionaryPage) take(dict, has_dict, "DictionaryPageHeader");
    if (h->type == PageType::kDataPageV2) take(v2, has_v2, "DataPageHeaderV2");
  }
  if (!r.ok()) return ThriftError("page header", r);
  *size = r.position();
  return Status::Ok();
}

}  // namespace binlake::parquet
