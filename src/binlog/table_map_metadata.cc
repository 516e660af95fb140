#include "binlog/table_map_metadata.h"

#include "binlog/binlog_format.h"

namespace binlake::binlog::internal {
namespace {

// Guards against corrupt counts: no table has more columns, labels or key parts than this.
constexpr uint64_t kMaxItems = 1 << 16;

Status ReadU32Packed(ByteReader* r, uint32_t* out, std::string_view what) {
  uint64_t v = 0;
  RETURN_IF_ERROR(r->ReadPackedInt(&v, what));
  if (v > 0xffffffffULL) return r->Error(std::string(what) + " out of range");
  *out = static_cast<uint32_t>(v);
  return Status::Ok();
}

void ParseBits(ByteView v, std::vector<bool>* out) {
  for (uint8_t byte : v) {
    for (uint8_t mask = 0x80; mask != 0; mask >>= 1) out->push_back((byte & mask) != 0);
  }
}

Status ParseDefaultCharset(ByteReader* r, uint32_t* def,
                           std::vector<std::pair<uint32_t, uint32_t>>* pairs) {
  RETURN_IF_ERROR(ReadU32Packed(r, def, "default charset"));
  while (!r->empty()) {
    uint32_t col = 0, cs = 0;
    RETURN_IF_ERROR(ReadU32Packed(r, &col, "charset column index"));
    RETURN_IF_ERROR(ReadU32Packed(r, &cs, "charset collation"));
    pairs->emplace_back(col, cs);
    if (pairs->size() > kMaxItems) return r->Error("too many charset pairs");
  }
  return Status::Ok();
}

Status ParsePackedList(ByteReader* r, std::vector<uint32_t>* out, std::string_view what) {
  while (!r->empty()) {
    uint32_t v = 0;
    RETURN_IF_ERROR(ReadU32Packed(r, &v, what));
    out->push_back(v);
    if (out->size() > kMaxItems) return r->Error(std::string("too many ") + std::string(what));
  }
  return Status::Ok();
}

Status ParseStrings(ByteReader* r, std::vector<std::string>* out, std::string_view what) {
  uint64_t len = 0;
  RETURN_IF_ERROR(r->ReadPackedInt(&len, what));
  std::string_view s;
  RETURN_IF_ERROR(r->ReadString(len, &s, what));
  out->emplace_back(s);
  return Status::Ok();
}

Status ParseLabelLists(ByteReader* r, std::vector<std::vector<std::string>>* out) {
  while (!r->empty()) {
    uint64_t count = 0;
    RETURN_IF_ERROR(r->ReadPackedInt(&count, "label count"));
    if (count > kMaxItems || count > r->remaining()) return r->Error("label count out of range");
    out->emplace_back();
    for (uint64_t i = 0; i < count; ++i) RETURN_IF_ERROR(ParseStrings(r, &out->back(), "label"));
  }
  return Status::Ok();
}

}  // namespace

Status ParseOptionalMetadata(ByteView block, size_t base, OptionalMetadata* out) {
  ByteReader r(block, base);
  while (!r.empty()) {
    uint8_t type = 0;
    uint64_t len = 0;
    RETURN_IF_ERROR(r.ReadU8(&type, "metadata type"));
    RETURN_IF_ERROR(r.ReadPackedInt(&len, "metadata length"));
    size_t value_at = base + r.position();
    ByteView value;
    RETURN_IF_ERROR(r.ReadBytes(len, &value, "metadata field"));
    ByteReader v(value, value_at);
    switch (static_cast<TableMapMetadata>(type)) {
      case TableMapMetadata::kSignedness:
        ParseBits(value, &out->signedness);
        break;
      case TableMapMetadata::kDefaultCharset:
        out->has_default_charset = true;
        RETURN_IF_ERROR(ParseDefaultCharset(&v, &out->default_charset, &out->charset_pairs));
        break;
      case TableMapMetadata::kColumnCharset:
        RETURN_IF_ERROR(ParsePackedList(&v, &out->column_charsets, "column charset"));
        break;
      case TableMapMetadata::kColumnName:
        while (!v.empty()) RETURN_IF_ERROR(ParseStrings(&v, &out->column_names, "column name"));
        break;
      case TableMapMetadata::kSetStrValue:
        RETURN_IF_ERROR(ParseLabelLists(&v, &out->set_labels));
        break;
      case TableMapMetadata::kEnumStrValue:
        RETURN_IF_ERROR(ParseLabelLists(&v, &out->enum_labels));
        break;
      case TableMapMetadata::kGeometryType:
        RETURN_IF_ERROR(ParsePackedList(&v, &out->geometry_types, "geometry type"));
        break;
      case TableMapMetadata::kSimplePrimaryKey: {
        std::vector<uint32_t> cols;
        RETURN_IF_ERROR(ParsePackedList(&v, &cols, "primary key column"));
        for (uint32_t c : cols) out->primary_key.emplace_back(c, 0);
        break;
      }
      case TableMapMetadata::kPrimaryKeyWithPrefix:
        while (!v.empty()) {
          uint32_t col = 0, prefix = 0;
          RETURN_IF_ERROR(ReadU32Packed(&v, &col, "primary key column"));
          RETURN_IF_ERROR(ReadU32Packed(&v, &prefix, "primary key prefix"));
          out->primary_key.emplace_back(col, prefix);
        }
        break;
      case TableMapMetadata::kEnumAndSetDefaultCharset:
        out->has_enum_set_default_charset = true;
        RETURN_IF_ERROR(
            ParseDefaultCharset(&v, &out->enum_set_default_charset, &out->enum_set_charset_pairs));
        break;
      case TableMapMetadata::kEnumAndSetColumnCharset:
        RETURN_IF_ERROR(
            ParsePackedList(&v, &out->enum_set_column_charsets, "enum/set column charset"));
        break;
      case TableMapMetadata::kColumnVisibility:
        ParseBits(value, &out->visibility);
        break;
      case TableMapMetadata::kVectorDimensionality:
        RETURN_IF_ERROR(ParsePackedList(&v, &out->vector_dimensions, "vector dimensions"));
        break;
      default:
        break;  // a field newer than this decoder: skipped by its length
    }
  }
  return Status::Ok();
}

}  // namespace binlake::binlog::internal
