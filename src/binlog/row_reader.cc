#include "binlog/row_reader.h"

#include <cstring>

#include "binlog/decimal.h"
#include "binlog/json_binary.h"
#include "binlog/json_diff.h"
#include "binlog/temporal.h"

namespace binlake::binlog {
namespace {

void PresentColumns(ByteView bitmap, size_t n, std::vector<uint32_t>* out) {
  out->clear();
  for (size_t i = 0; i < n; ++i) {
    if ((bitmap[i / 8] >> (i % 8)) & 1) out->push_back(static_cast<uint32_t>(i));
  }
}

void PrepareImage(const std::vector<uint32_t>& cols, size_t n, RowImage* image) {
  image->values.assign(n, Value::Null());
  image->present.assign(n, 0);
  image->pending_json_diff.assign(n, ByteView());
  for (uint32_t c : cols) image->present[c] = 1;
}

// The pre-5.6 temporal types carry no metadata, and MariaDB also uses their type codes for its
// own pre-10.1 fractional-seconds format (mysql56_temporal_format=OFF), which has other sizes:
// values that are not valid dates/times mean such a column.
Status OldTemporalError(const char* type) {
  return Unsupported(std::string("invalid pre-5.6 ") + type +
                     " value: a MariaDB column in the pre-10.1 fractional-seconds format "
                     "(mysql56_temporal_format=OFF) is not supported; ALTER TABLE ... FORCE "
                     "converts it");
}

}  // namespace

std::string_view RowOpName(RowOp op) {
  switch (op) {
    case RowOp::kInsert:
      return "insert";
    case RowOp::kUpdate:
      return "update";
    case RowOp::kDelete:
      return "delete";
  }
  return "?";
}

Result<RowReader> RowReader::Create(const RowsEvent& event, const TableMap& table,
                                    RowScratch* scratch) {
  size_t n = table.column_count();
  if (event.version == 0) {
    // MySQL 5.1.0-5.1.15 stored raw record null bytes in rows events, decodable only with the
    // table definition of that server.
    return Unsupported(
        "row images of pre-GA MySQL 5.1 rows events (types 20-22) are not "
        "supported");
  }
  if (event.column_count > n) {
    return Corruption("rows event for table " + table.schema.schema + "." + table.schema.table +
                      " has " + std::to_string(event.column_count) + " columns, its TABLE_MAP " +
                      std::to_string(n));
  }
  size_t bytes = (event.column_count + 7) / 8;
  if (event.columns_before.size() != bytes ||
      (event.kind == RowsKind::kUpdate && event.columns_after.size() != bytes)) {
    return Corruption("rows event column bitmap size mismatch");
  }
  PresentColumns(event.columns_before, event.column_count, &scratch->cols_before_);
  if (event.kind == RowsKind::kUpdate) {
    PresentColumns(event.columns_after, event.column_count, &scratch->cols_after_);
  }
  switch (event.kind) {
    case RowsKind::kWrite:
      PrepareImage(scratch->cols_before_, n, &scratch->after_);
      break;
    case RowsKind::kDelete:
      PrepareImage(scratch->cols_before_, n, &scratch->before_);
      break;
    case RowsKind::kUpdate:
      PrepareImage(scratch->cols_before_, n, &scratch->before_);
      PrepareImage(scratch->cols_after_, n, &scratch->after_);
      break;
  }
  return RowReader(event, table, scratch);
}

Result<bool> RowReader::Next(RowChange* out) {
  if (pos_ >= event_->rows.size()) return false;
  scratch_->arena_.Reset();
  size_t start = pos_;
  Status st;
  switch (event_->kind) {
    case RowsKind::kWrite:
      out->op = RowOp::kInsert;
      out->before = nullptr;
      out->after = &scratch_->after_;
      st = DecodeImage(scratch_->cols_before_, false, &scratch_->after_);
      break;
    case RowsKind::kDelete:
      out->op = RowOp::kDelete;
      out->before = &scratch_->before_;
      out->after = nullptr;
      st = DecodeImage(scratch_->cols_before_, false, &scratch_->before_);
      break;
    case RowsKind::kUpdate:
      out->op = RowOp::kUpdate;
      out->before = &scratch_->before_;
      out->after = &scratch_->after_;
      st = DecodeImage(scratch_->cols_before_, false, &scratch_->before_);
      if (st.ok()) st = DecodeImage(scratch_->cols_after_, true, &scratch_->after_);
      break;
  }
  if (st.ok() && pos_ == start) {
    // Only possible with no columns in the image; a real row always has some bytes.
    st = Corruption("empty row image (rows event without columns)");
  }
  if (!st.ok()) {
    return st.WithContext("row " + std::to_string(row_ + 1) + " of " + table_->schema.schema + "." +
                          table_->schema.table);
  }
  ++row_;
  return true;
}

Status RowReader::DecodeImage(const std::vector<uint32_t>& cols, bool after_image,
                              RowImage* image) {
  const ByteView rows = event_->rows;
  bool partial_json = false;
  const uint8_t* partial_bits = nullptr;
  if (after_image && event_->partial) {
    ByteReader r(rows.subspan(pos_), pos_);
    uint64_t options = 0;
    RETURN_IF_ERROR(r.ReadPackedInt(&options, "row value options"));
    if (options & kRowValuePartialJson) {
      partial_json = true;
      partial_bits = r.current();
      RETURN_IF_ERROR(r.Skip((table_->json_column_count + 7) / 8, "partial JSON bitmap"));
    }
    pos_ += r.position();
  }
  size_t null_bytes = (cols.size() + 7) / 8;
  if (rows.size() - pos_ < null_bytes) {
    return Corruption("truncated null bitmap at row byte " + std::to_string(pos_));
  }
  const uint8_t* nulls = rows.data() + pos_;
  pos_ += null_bytes;
  for (size_t k = 0; k < cols.size(); ++k) {
    uint32_t col = cols[k];
    Value& v = image->values[col];
    if ((nulls[k / 8] >> (k % 8)) & 1) {
      v = Value::Null();
      continue;
    }
    const ColumnCodec& c = table_->codecs[col];
    bool diff = false;
    if (partial_json && c.kind == CodecKind::kJson) {
      uint32_t j = table_->json_order[col];
      diff = (partial_bits[j / 8] >> (j % 8)) & 1;
      image->present[col] = 1;
      image->pending_json_diff[col] = ByteView();
      if (diff && scratch_->before_.values[col].kind() != Value::Kind::kJson) {
        // A diff without the document it applies to (binlog_row_image=MINIMAL): the full
        // after-value is unknown, so the column is left out of the after-image.
        size_t pb = c.prefix_bytes;
        if (rows.size() - pos_ < pb) return Corruption("truncated partial JSON length");
        uint64_t len = LoadLe(rows.data() + pos_, pb);
        if (rows.size() - pos_ - pb < len) return Corruption("truncated partial JSON diff");
        image->pending_json_diff[col] = rows.subspan(pos_ + pb, len);
        pos_ += pb + len;
        v = Value::Null();
        image->present[col] = 0;
        ++unresolved_partial_json_;
        continue;
      }
    }
    Status st = DecodeCell(c, col, diff, &v);
    if (!st.ok()) return st.WithContext("column " + table_->ColumnLabel(col));
  }
  return Status::Ok();
}

Status RowReader::ToText(const ColumnCodec& c, std::string_view raw, Value* out) {
  if (c.binary) {
    if (c.pad_to > raw.size()) {  // BINARY(n): restore the trailing NULs the server stripped
      char* p = scratch_->arena_.Allocate(c.pad_to);
      std::memcpy(p, raw.data(), raw.size());
      std::memset(p + raw.size(), 0, c.pad_to - raw.size());
      raw = std::string_view(p, c.pad_to);
    }
    *out = Value::Bytes(raw);
    return Status::Ok();
  }
  switch (c.charset.encoding) {
    case TextEncoding::kUtf8:
      *out = Value::String(raw);
      return Status::Ok();
    case TextEncoding::kBinary:
      *out = Value::Bytes(raw);
      return Status::Ok();
    case TextEncoding::kLatin1:
      *out = Value::String(Latin1ToUtf8(raw, &scratch_->arena_));
      return Status::Ok();
    case TextEncoding::kIconv: {
      ASSIGN_OR_RETURN(std::string_view text,
                       scratch_->iconv_.ToUtf8(c.charset.iconv_name, raw, &scratch_->arena_));
      *out = Value::String(text);
      return Status::Ok();
    }
    case TextEncoding::kUnknown:
      *out = IsValidUtf8(raw) ? Value::String(raw) : Value::Bytes(raw);
      return Status::Ok();
  }
  return Status::Ok();
}

Status RowReader::DecodeCell(const ColumnCodec& c, uint32_t column, bool partial_json, Value* out) {
  const uint8_t* p = event_->rows.data() + pos_;
  const size_t left = event_->rows.size() - pos_;
  auto truncated = [&](size_t need) {
    if (c.maria_old_temporal) return OldTemporalError("temporal");
    return Corruption("value needs " + std::to_string(need) + " bytes at row byte " +
                      std::to_string(pos_) + ", " + std::to_string(left) + " left");
  };
  size_t used = 0;
  switch (c.kind) {
    case CodecKind::kInt8:
      if (left < 1) return truncated(1);
      *out = c.is_unsigned ? Value::UInt(p[0]) : Value::Int(static_cast<int8_t>(p[0]));
      used = 1;
      break;
    case CodecKind::kInt16: {
      if (left < 2) return truncated(2);
      uint16_t v = LoadLe16(p);
      *out = c.is_unsigned ? Value::UInt(v) : Value::Int(static_cast<int16_t>(v));
      used = 2;
      break;
    }
    case CodecKind::kInt24: {
      if (left < 3) return truncated(3);
      uint32_t v = LoadLe24(p);
      int32_t s = (v & 0x800000) ? static_cast<int32_t>(v | 0xff000000u) : static_cast<int32_t>(v);
      *out = c.is_unsigned ? Value::UInt(v) : Value::Int(s);
      used = 3;
      break;
    }
    case CodecKind::kInt32: {
      if (left < 4) return truncated(4);
      uint32_t v = LoadLe32(p);
      *out = c.is_unsigned ? Value::UInt(v) : Value::Int(static_cast<int32_t>(v));
      used = 4;
      break;
    }
    case CodecKind::kInt64: {
      if (left < 8) return truncated(8);
      uint64_t v = LoadLe64(p);
      *out = c.is_unsigned ? Value::UInt(v) : Value::Int(static_cast<int64_t>(v));
      used = 8;
      break;
    }
    case CodecKind::kFloat: {
      if (left < 4) return truncated(4);
      float f;
      std::memcpy(&f, p, 4);
      *out = Value::Float(f);
      used = 4;
      break;
    }
    case CodecKind::kDouble: {
      if (left < 8) return truncated(8);
      double d;
      std::memcpy(&d, p, 8);
      *out = Value::Double(d);
      used = 8;
      break;
    }
    case CodecKind::kDecimal: {
      if (left < c.width) return truncated(c.width);
      char* buf = scratch_->arena_.Allocate(kMaxDecimalText);
      ASSIGN_OR_RETURN(size_t n, DecodeDecimal(p, c.precision, c.scale, buf));
      scratch_->arena_.Shrink(kMaxDecimalText, n);
      *out = Value::Decimal(std::string_view(buf, n));
      used = c.width;
      break;
    }
    case CodecKind::kBit:
      if (left < c.width) return truncated(c.width);
      *out = Value::Bit(LoadBe(p, c.width));
      used = c.width;
      break;
    case CodecKind::kYear:
      if (left < 1) return truncated(1);
      *out = Value::Int(p[0] == 0 ? 0 : 1900 + p[0]);
      used = 1;
      break;
    case CodecKind::kDate: {
      if (left < 3) return truncated(3);
      DateTimeParts d = DecodeDate(p);
      *out = Value::Date(d.year, d.month, d.day);
      used = 3;
      break;
    }
    case CodecKind::kTimeOld: {
      if (left < 3) return truncated(3);
      uint32_t v = LoadLe24(p);
      int32_t s = (v & 0x800000) ? static_cast<int32_t>(v | 0xff000000u) : static_cast<int32_t>(v);
      TimeParts t = DecodeTimeOld(s);
      if (t.minute > 59 || t.second > 59) return OldTemporalError("TIME");
      *out = Value::Time(t);
      used = 3;
      break;
    }
    case CodecKind::kTime2:
      used = 3 + FractionBytes(c.fsp);
      if (left < used) return truncated(used);
      *out = Value::Time(DecodeTime2(p, c.fsp));
      break;
    case CodecKind::kDateTimeOld: {
      if (left < 8) return truncated(8);
      DateTimeParts t = DecodeDateTimeOld(LoadLe64(p));
      if (t.month > 12 || t.day > 31 || t.hour > 23 || t.minute > 59 || t.second > 59) {
        return OldTemporalError("DATETIME");
      }
      *out = Value::DateTime(t);
      used = 8;
      break;
    }
    case CodecKind::kDateTime2:
      used = 5 + FractionBytes(c.fsp);
      if (left < used) return truncated(used);
      *out = Value::DateTime(DecodeDateTime2(p, c.fsp));
      break;
    case CodecKind::kTimestampOld:
      if (left < 4) return truncated(4);
      *out = Value::Timestamp(TimestampToUtc(LoadLe32(p), 0));
      used = 4;
      break;
    case CodecKind::kTimestamp2:
      used = 4 + FractionBytes(c.fsp);
      if (left < used) return truncated(used);
      *out = Value::Timestamp(DecodeTimestamp2(p, c.fsp));
      break;
    case CodecKind::kEnum:
      if (left < c.width) return truncated(c.width);
      *out = Value::EnumIndex(LoadLe(p, c.width));
      used = c.width;
      break;
    case CodecKind::kSet:
      if (left < c.width) return truncated(c.width);
      *out = Value::SetBits(LoadLe(p, c.width));
      used = c.width;
      break;
    case CodecKind::kString:
    case CodecKind::kBlob:
    case CodecKind::kJson: {
      size_t pb = c.prefix_bytes;
      if (left < pb) return truncated(pb);
      uint64_t len = LoadLe(p, pb);
      if (left - pb < len) return truncated(pb + len);
      std::string_view raw(reinterpret_cast<const char*>(p + pb), len);
      used = pb + len;
      if (c.kind != CodecKind::kJson) {
        RETURN_IF_ERROR(ToText(c, raw, out));
        break;
      }
      std::string& text = scratch_->text_;
      text.clear();
      if (partial_json) {
        const Value& before = scratch_->before_.values[column];
        RETURN_IF_ERROR(ApplyJsonDiffVector(before.text(), AsBytes(raw), &text));
      } else {
        RETURN_IF_ERROR(AppendJsonFromBinary(AsBytes(raw), &text));
      }
      *out = Value::Json(scratch_->arena_.Copy(text));
      break;
    }
    case CodecKind::kNull:
      *out = Value::Null();
      break;
    case CodecKind::kUnsupported:
      return Unsupported("column type " + std::to_string(static_cast<int>(c.type)));
  }
  pos_ += used;
  return Status::Ok();
}

}  // namespace binlake::binlog
