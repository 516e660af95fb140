#include "binlog/table_map.h"

#include <atomic>
#include <string>

#include "binlog/decimal.h"
#include "binlog/table_map_metadata.h"

namespace binlake::binlog {
namespace {

constexpr uint64_t kMaxColumns = 4096;  // both servers limit tables to 4096 columns

// Columns the SIGNEDNESS bitmap has a bit for. MariaDB also counts YEAR (its Field_year is a
// Field_tiny with the unsigned flag); MySQL does not.
bool IsNumeric(FieldType t, Flavor flavor) {
  if (t == FieldType::kYear) return flavor == Flavor::kMariaDb;
  switch (t) {
    case FieldType::kTiny:
    case FieldType::kShort:
    case FieldType::kInt24:
    case FieldType::kLong:
    case FieldType::kLongLong:
    case FieldType::kNewDecimal:
    case FieldType::kFloat:
    case FieldType::kDouble:
      return true;
    default:
      return false;
  }
}

// Columns that the charset fields of the optional metadata describe, by real type. MariaDB counts
// GEOMETRY (its Field_geom is a blob with a charset); MySQL 9 counts VECTOR.
bool IsCharacter(FieldType real, Flavor flavor) {
  switch (real) {
    case FieldType::kString:
    case FieldType::kVarString:
    case FieldType::kVarchar:
    case FieldType::kBlob:
    case FieldType::kTinyBlob:
    case FieldType::kMediumBlob:
    case FieldType::kLongBlob:
      return true;
    case FieldType::kGeometry:
      return flavor == Flavor::kMariaDb;
    case FieldType::kVector:
      return flavor == Flavor::kMySql;
    default:
      return false;
  }
}

bool IsEnumOrSet(FieldType real) { return real == FieldType::kEnum || real == FieldType::kSet; }

// Metadata bytes per column type in the TABLE_MAP metadata block; -1 for unknown types.
int MetadataSize(FieldType t) {
  switch (t) {
    case FieldType::kFloat:
    case FieldType::kDouble:
    case FieldType::kBlob:
    case FieldType::kTinyBlob:
    case FieldType::kMediumBlob:
    case FieldType::kLongBlob:
    case FieldType::kGeometry:
    case FieldType::kJson:
    case FieldType::kVector:
    case FieldType::kTimestamp2:
    case FieldType::kDateTime2:
    case FieldType::kTime2:
      return 1;
    case FieldType::kBit:
    case FieldType::kEnum:
    case FieldType::kSet:
    case FieldType::kNewDecimal:
    case FieldType::kDecimal:
    case FieldType::kVarchar:
    case FieldType::kVarString:
    case FieldType::kString:
      return 2;
    case FieldType::kTiny:
    case FieldType::kShort:
    case FieldType::kInt24:
    case FieldType::kLong:
    case FieldType::kLongLong:
    case FieldType::kNull:
    case FieldType::kTimestamp:
    case FieldType::kDate:
    case FieldType::kTime:
    case FieldType::kDateTime:
    case FieldType::kYear:
    case FieldType::kNewDate:
    case FieldType::kBool:
      return 0;
    default:
      return -1;
  }
}

uint32_t BlobMaxLength(uint8_t prefix_bytes) {
  switch (prefix_bytes) {
    case 1:
      return 255;
    case 2:
      return 65535;
    case 3:
      return 16777215;
    default:
      return 4294967295u;
  }
}

// Sets codec.kind and column type from the wire type and its metadata (no optional metadata yet).
Status BuildCodec(FieldType type, uint16_t meta, ColumnCodec* c, ColumnType* ct) {
  c->type = type;
  c->real_type = type;
  c->meta = meta;
  uint8_t b0 = static_cast<uint8_t>(meta >> 8), b1 = static_cast<uint8_t>(meta);
  switch (type) {
    case FieldType::kTiny:
      c->kind = CodecKind::kInt8;
      ct->type = SqlType::kTinyInt;
      break;
    case FieldType::kShort:
      c->kind = CodecKind::kInt16;
      ct->type = SqlType::kSmallInt;
      break;
    case FieldType::kInt24:
      c->kind = CodecKind::kInt24;
      ct->type = SqlType::kMediumInt;
      break;
    case FieldType::kLong:
      c->kind = CodecKind::kInt32;
      ct->type = SqlType::kInt;
      break;
    case FieldType::kLongLong:
      c->kind = CodecKind::kInt64;
      ct->type = SqlType::kBigInt;
      break;
    case FieldType::kFloat:
      c->kind = CodecKind::kFloat;
      ct->type = SqlType::kFloat;
      break;
    case FieldType::kDouble:
      c->kind = CodecKind::kDouble;
      ct->type = SqlType::kDouble;
      break;
    case FieldType::kNewDecimal:  // metadata: precision, scale
      c->kind = CodecKind::kDecimal;
      c->precision = b0;
      c->scale = b1;
      c->width = static_cast<uint8_t>(DecimalBinarySize(b0, b1));
      if (c->width == 0) {
        return Corruption("invalid DECIMAL(" + std::to_string(b0) + "," + std::to_string(b1) +
                          ") in TABLE_MAP");
      }
      ct->type = SqlType::kDecimal;
      ct->precision = b0;
      ct->scale = b1;
      break;
    case FieldType::kBit: {  // metadata: bits % 8, bytes
      uint32_t bits = static_cast<uint32_t>(b1) * 8 + b0;
      c->kind = CodecKind::kBit;
      c->width = static_cast<uint8_t>(b1 + (b0 > 0 ? 1 : 0));
      if (bits == 0 || bits > 64 || b0 > 7) return Corruption("invalid BIT metadata in TABLE_MAP");
      ct->type = SqlType::kBit;
      ct->length = bits;
      break;
    }
    case FieldType::kYear:
      c->kind = CodecKind::kYear;
      ct->type = SqlType::kYear;
      break;
    case FieldType::kDate:
    case FieldType::kNewDate:
      c->kind = CodecKind::kDate;
      ct->type = SqlType::kDate;
      break;
    case FieldType::kTime:
      c->kind = CodecKind::kTimeOld;
      ct->type = SqlType::kTime;
      break;
    case FieldType::kDateTime:
      c->kind = CodecKind::kDateTimeOld;
      ct->type = SqlType::kDateTime;
      break;
    case FieldType::kTimestamp:
      c->kind = CodecKind::kTimestampOld;
      ct->type = SqlType::kTimestamp;
      break;
    case FieldType::kTime2:
    case FieldType::kDateTime2:
    case FieldType::kTimestamp2:
      if (b1 > 6) return Corruption("fractional precision " + std::to_string(b1) + " > 6");
      c->fsp = b1;
      ct->fsp = b1;
      c->kind = type == FieldType::kTime2       ? CodecKind::kTime2
                : type == FieldType::kDateTime2 ? CodecKind::kDateTime2
                                                : CodecKind::kTimestamp2;
      ct->type = type == FieldType::kTime2       ? SqlType::kTime
                 : type == FieldType::kDateTime2 ? SqlType::kDateTime
                                                 : SqlType::kTimestamp;
      break;
    case FieldType::kVarchar:
    case FieldType::kVarString: {  // metadata: uint16 LE max length in bytes
      uint32_t max_len = static_cast<uint32_t>(b0) | (static_cast<uint32_t>(b1) << 8);
      c->kind = CodecKind::kString;
      c->max_length = max_len;
      c->prefix_bytes = max_len > 255 ? 2 : 1;
      ct->type = SqlType::kVarChar;
      ct->length = max_len;
      c->meta = static_cast<uint16_t>(max_len);
      break;
    }
    case FieldType::kString:
    case FieldType::kEnum:
    case FieldType::kSet: {
      // metadata: real type byte, length byte; CHAR lengths > 255 borrow bits 4-5 of the type.
      FieldType real = type;
      uint32_t len = b1;
      if (type == FieldType::kString) {
        if ((b0 & 0x30) != 0x30) {
          real = static_cast<FieldType>(b0 | 0x30);
          len = ((static_cast<uint32_t>(b0 & 0x30) ^ 0x30) << 4) | b1;
        } else {
          real = static_cast<FieldType>(b0);
        }
      }
      c->real_type = real;
      if (real == FieldType::kEnum || real == FieldType::kSet) {
        c->kind = real == FieldType::kEnum ? CodecKind::kEnum : CodecKind::kSet;
        c->width = static_cast<uint8_t>(len);
        if (len == 0 || len > 8 || (real == FieldType::kEnum && len > 2)) {
          return Corruption("invalid ENUM/SET width in TABLE_MAP");
        }
        ct->type = real == FieldType::kEnum ? SqlType::kEnum : SqlType::kSet;
      } else if (real == FieldType::kString) {
        c->kind = CodecKind::kString;
        c->max_length = len;
        c->prefix_bytes = len > 255 ? 2 : 1;
        ct->type = SqlType::kChar;
        ct->length = len;
      } else {
        return Corruption("invalid real type " + std::to_string(b0) + " of a STRING column");
      }
      break;
    }
    case FieldType::kBlob:
    case FieldType::kTinyBlob:
    case FieldType::kMediumBlob:
    case FieldType::kLongBlob:
    case FieldType::kGeometry:
    case FieldType::kJson:
    case FieldType::kVector:
      c->prefix_bytes = b1;
      if (b1 < 1 || b1 > 4) return Corruption("invalid blob length size in TABLE_MAP");
      c->kind = type == FieldType::kJson ? CodecKind::kJson : CodecKind::kBlob;
      ct->type = type == FieldType::kJson       ? SqlType::kJson
                 : type == FieldType::kGeometry ? SqlType::kGeometry
                 : type == FieldType::kVector   ? SqlType::kVector
                                                : SqlType::kText;
      c->binary = type == FieldType::kGeometry || type == FieldType::kVector;
      if (ct->type == SqlType::kText) ct->length = BlobMaxLength(b1);
      break;
    case FieldType::kNull:
      c->kind = CodecKind::kNull;
      ct->type = SqlType::kNull;
      break;
    default:
      c->kind = CodecKind::kUnsupported;
      ct->type = SqlType::kBlob;
      break;
  }
  return Status::Ok();
}

// Applies a collation to a character column: text vs binary type, length in characters.
void ApplyCollation(uint32_t collation, Flavor flavor, ColumnCodec* c, ColumnType* ct) {
  ct->collation_id = static_cast<uint16_t>(collation);
  c->charset = CharsetOfCollation(collation);
  bool binary = c->charset.encoding == TextEncoding::kBinary;
  if (c->kind == CodecKind::kString) {
    if (binary) {
      ct->type = ct->type == SqlType::kChar ? SqlType::kBinary : SqlType::kVarBinary;
      if (c->real_type == FieldType::kString) c->pad_to = c->max_length;
    } else if (c->charset.mbmaxlen > 1) {
      ct->length = c->max_length / c->charset.mbmaxlen;
    }
    c->binary = binary;
  } else if (c->kind == CodecKind::kBlob && ct->type == SqlType::kText) {
    if (binary) ct->type = SqlType::kBlob;
    c->binary = binary;
  }
  (void)flavor;
}

std::string LabelToUtf8(const std::string& label, const CharsetInfo& cs) {
  if (cs.encoding == TextEncoding::kLatin1) {
    ScratchArena arena(label.size() * 3 + 16);
    return std::string(Latin1ToUtf8(label, &arena));
  }
  return label;  // utf8 labels (the usual case); other charsets are left as stored
}

}  // namespace

std::string TableMap::ColumnLabel(size_t i) const {
  if (i < schema.columns.size() && !schema.columns[i].name.empty()) return schema.columns[i].name;
  return "@" + std::to_string(i + 1);
}

Result<std::shared_ptr<const TableMap>> DecodeTableMap(const TableMapEvent& event,
                                                       const DecodeContext& ctx,
                                                       const TableSchema* hint) {
  static std::atomic<uint64_t> next_serial{1};
  auto map = std::make_shared<TableMap>();
  map->serial = next_serial.fetch_add(1, std::memory_order_relaxed);
  ByteReader r(event.body, kEventHeaderSize);
  uint8_t post = ctx.PostHeaderLen(static_cast<uint8_t>(EventType::kTableMap));
  size_t id_size = post == 6 ? 4 : 6;
  RETURN_IF_ERROR(r.ReadUIntLe(id_size, &map->table_id, "table id"));
  RETURN_IF_ERROR(r.ReadU16(&map->flags, "table map flags"));
  if (post > 8) RETURN_IF_ERROR(r.Skip(post - 8u));
  uint8_t len = 0;
  std::string_view db, table;
  RETURN_IF_ERROR(r.ReadU8(&len, "schema name length"));
  RETURN_IF_ERROR(r.ReadString(len, &db, "schema name"));
  RETURN_IF_ERROR(r.Skip(1, "schema name terminator"));
  RETURN_IF_ERROR(r.ReadU8(&len, "table name length"));
  RETURN_IF_ERROR(r.ReadString(len, &table, "table name"));
  RETURN_IF_ERROR(r.Skip(1, "table name terminator"));
  map->schema.schema = std::string(db);
  map->schema.table = std::string(table);
  uint64_t n = 0;
  RETURN_IF_ERROR(r.ReadPackedInt(&n, "column count"));
  if (n > kMaxColumns) return r.Error("column count " + std::to_string(n) + " out of range");
  ByteView types;
  RETURN_IF_ERROR(r.ReadBytes(n, &types, "column types"));
  ByteView meta_block, null_bits;
  if (!r.empty()) {
    uint64_t meta_len = 0;
    RETURN_IF_ERROR(r.ReadPackedInt(&meta_len, "metadata length"));
    RETURN_IF_ERROR(r.ReadBytes(meta_len, &meta_block, "column metadata"));
    RETURN_IF_ERROR(r.ReadBytes((n + 7) / 8, &null_bits, "null bitmap"));
  }
  size_t optional_at = kEventHeaderSize + r.position();
  ByteView optional = r.Rest();

  map->codecs.resize(n);
  map->schema.columns.resize(n);
  map->json_order.assign(n, 0);
  ByteReader m(meta_block);
  for (size_t i = 0; i < n; ++i) {
    auto type = static_cast<FieldType>(types[i]);
    int msize = MetadataSize(type);
    if (msize < 0) return Unsupported("column type " + std::to_string(types[i]) + " in TABLE_MAP");
    if (msize > 0 && meta_block.empty()) {
      // MySQL 5.1 before GA wrote no metadata; such columns cannot be decoded.
      map->codecs[i].type = map->codecs[i].real_type = type;
      map->codecs[i].kind = CodecKind::kUnsupported;
      continue;
    }
    uint64_t meta = 0;
    if (msize > 0) {
      const uint8_t* p = m.current();
      RETURN_IF_ERROR(m.Skip(static_cast<size_t>(msize), "column metadata"));
      meta = msize == 1 ? p[0] : (static_cast<uint64_t>(p[0]) << 8) | p[1];
    }
    ColumnCodec& c = map->codecs[i];
    Column& col = map->schema.columns[i];
    RETURN_IF_ERROR(BuildCodec(type, static_cast<uint16_t>(meta), &c, &col.type));
    col.nullable = null_bits.empty() || (null_bits[i / 8] >> (i % 8)) & 1;
    c.maria_old_temporal = ctx.flavor == Flavor::kMariaDb &&
                           (c.kind == CodecKind::kTimeOld || c.kind == CodecKind::kDateTimeOld ||
                            c.kind == CodecKind::kTimestampOld);
    if (type == FieldType::kJson) map->json_order[i] = map->json_column_count++;
  }

  internal::OptionalMetadata om;
  RETURN_IF_ERROR(internal::ParseOptionalMetadata(optional, optional_at, &om));
  map->has_signedness = !om.signedness.empty();
  map->has_column_names = om.column_names.size() == n && n > 0;
  map->has_charsets = om.has_default_charset || !om.column_charsets.empty();
  size_t numeric = 0, character = 0, enum_set = 0, enums = 0, sets = 0, vectors = 0;
  for (size_t i = 0; i < n; ++i) {
    ColumnCodec& c = map->codecs[i];
    Column& col = map->schema.columns[i];
    if (map->has_column_names) col.name = om.column_names[i];
    if (IsNumeric(c.type, ctx.flavor)) {
      if (numeric < om.signedness.size() && c.type != FieldType::kYear) {
        c.is_unsigned = om.signedness[numeric];
      }
      col.type.is_unsigned = c.is_unsigned;
      ++numeric;
    }
    if (IsCharacter(c.real_type, ctx.flavor)) {
      uint32_t collation = 0;
      if (character < om.column_charsets.size()) {
        collation = om.column_charsets[character];
      } else if (om.has_default_charset) {
        collation = om.default_charset;
        for (const auto& [idx, cs] : om.charset_pairs) {
          if (idx == character) collation = cs;
        }
      }
      if (collation != 0 && c.type != FieldType::kGeometry && c.type != FieldType::kVector) {
        ApplyCollation(collation, ctx.flavor, &c, &col.type);
      }
      ++character;
    }
    if (IsEnumOrSet(c.real_type)) {
      uint32_t collation = 0;
      if (enum_set < om.enum_set_column_charsets.size()) {
        collation = om.enum_set_column_charsets[enum_set];
      } else if (om.has_enum_set_default_charset) {
        collation = om.enum_set_default_charset;
        for (const auto& [idx, cs] : om.enum_set_charset_pairs) {
          if (idx == enum_set) collation = cs;
        }
      }
      col.type.collation_id = static_cast<uint16_t>(collation);
      CharsetInfo cs = CharsetOfCollation(collation);
      const auto& lists = c.real_type == FieldType::kEnum ? om.enum_labels : om.set_labels;
      size_t& k = c.real_type == FieldType::kEnum ? enums : sets;
      if (k < lists.size()) {
        for (const std::string& label : lists[k])
          col.type.elements.push_back(LabelToUtf8(label, cs));
      }
      ++k;
      ++enum_set;
    }
    if (c.type == FieldType::kVector) {
      if (vectors < om.vector_dimensions.size()) col.type.length = om.vector_dimensions[vectors];
      ++vectors;
    }
  }
  for (const auto& [col, prefix] : om.primary_key) {
    if (col < n) map->schema.primary_key.push_back(static_cast<int>(col));
  }
  if (om.visibility.size() >= n)
    map->visible.assign(om.visibility.begin(), om.visibility.begin() + n);

  if (hint != nullptr && hint->columns.size() == n) {
    for (size_t i = 0; i < n; ++i) {
      ColumnCodec& c = map->codecs[i];
      Column& col = map->schema.columns[i];
      const Column& h = hint->columns[i];
      if (!map->has_column_names) col.name = h.name;
      if (!map->has_signedness && IsNumeric(c.type, ctx.flavor)) {
        c.is_unsigned = col.type.is_unsigned = h.type.is_unsigned;
      }
      if (!map->has_charsets && IsCharacter(c.real_type, ctx.flavor) && h.type.collation_id != 0) {
        ApplyCollation(h.type.collation_id, ctx.flavor, &c, &col.type);
      }
      if (col.type.elements.empty() && IsEnumOrSet(c.real_type))
        col.type.elements = h.type.elements;
      if ((c.kind == CodecKind::kTimeOld || c.kind == CodecKind::kDateTimeOld ||
           c.kind == CodecKind::kTimestampOld) &&
          h.type.fsp > 0) {
        c.kind = CodecKind::kUnsupported;  // MariaDB's pre-10.1 fractional format (see above)
      }
    }
    if (map->schema.primary_key.empty()) map->schema.primary_key = hint->primary_key;
  }
  return std::shared_ptr<const TableMap>(std::move(map));
}

}  // namespace binlake::binlog
