#include "format/parquet/thrift_compact.h"

#include <cstring>
#include <limits>

namespace binlake::parquet {

void CompactWriter::WriteVarint(uint64_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<char>(v));
}

void CompactWriter::FieldHeader(int16_t id, CompactType type) {
  int16_t& last = last_ids_.back();
  int delta = id - last;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<uint8_t>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    WriteVarint(ZigZag(id));
  }
  last = id;
}

void CompactWriter::EndStruct() {
  out_->push_back(static_cast<char>(CompactType::kStop));
  last_ids_.pop_back();
}

void CompactWriter::FieldBool(int16_t id, bool v) {
  FieldHeader(id, v ? CompactType::kBoolTrue : CompactType::kBoolFalse);
}

void CompactWriter::FieldI8(int16_t id, int8_t v) {
  FieldHeader(id, CompactType::kByte);
  out_->push_back(static_cast<char>(v));
}

void CompactWriter::FieldI16(int16_t id, int16_t v) {
  FieldHeader(id, CompactType::kI16);
  WriteVarint(ZigZag(v));
}

void CompactWriter::FieldI32(int16_t id, int32_t v) {
  FieldHeader(id, CompactType::kI32);
  WriteVarint(ZigZag(v));
}

void CompactWriter::FieldI64(int16_t id, int64_t v) {
  FieldHeader(id, CompactType::kI64);
  WriteVarint(ZigZag(v));
}

void CompactWriter::FieldBinary(int16_t id, std::string_view v) {
  FieldHeader(id, CompactType::kBinary);
  WriteVarint(v.size());
  out_->append(v);
}

void CompactWriter::FieldStructBegin(int16_t id) {
  FieldHeader(id, CompactType::kStruct);
  BeginStruct();
}

void CompactWriter::FieldListBegin(int16_t id, CompactType element_type, uint32_t size) {
  FieldHeader(id, CompactType::kList);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | static_cast<uint8_t>(element_type)));
  } else {
    out_->push_back(static_cast<char>(0xF0 | static_cast<uint8_t>(element_type)));
    WriteVarint(size);
  }
}

void CompactWriter::ListBinary(std::string_view v) {
  WriteVarint(v.size());
  out_->append(v);
}

// CompactReader.

bool CompactReader::Fail(std::string_view what) {
  if (error_.empty()) {
    error_ = "thrift: ";
    error_.append(what);
    error_ += " at byte " + std::to_string(pos_);
  }
  return false;
}

bool CompactReader::ReadByte(uint8_t* b) {
  if (!ok()) return false;
  if (pos_ >= data_.size()) return Fail("truncated");
  *b = static_cast<uint8_t>(data_[pos_++]);
  return true;
}

bool CompactReader::ReadVarint(uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    uint8_t b = 0;
    if (!ReadByte(&b)) return false;
    if (shift == 63 && (b & 0x7E) != 0) return Fail("varint over 64 bits");
    result |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return Fail("varint over 10 bytes");
}

bool CompactReader::ReadZigZag(int64_t* v) {
  uint64_t u;
  if (!ReadVarint(&u)) return false;
  *v = static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
  return true;
}

void CompactReader::BeginStruct() {
  if (last_ids_.size() >= kMaxDepth) Fail("structs nested too deep");
  last_ids_.push_back(0);
}

void CompactReader::EndStruct() {
  if (!last_ids_.empty()) last_ids_.pop_back();
}

bool CompactReader::NextField(int16_t* id, CompactType* type) {
  if (last_ids_.empty()) return Fail("field outside a struct");
  uint8_t b = 0;
  if (!ReadByte(&b)) return false;
  if (b == 0) return false;  // STOP
  uint8_t t = b & 0x0F;
  if (t == 0 || t > static_cast<uint8_t>(CompactType::kStruct)) {
    return Fail("unknown field type " + std::to_string(t));
  }
  int16_t& last = last_ids_.back();
  int delta = b >> 4;
  int64_t field_id;
  if (delta != 0) {
    field_id = int64_t{last} + delta;
  } else if (!ReadZigZag(&field_id)) {
    return false;
  }
  if (field_id < std::numeric_limits<int16_t>::min() ||
      field_id > std::numeric_limits<int16_t>::max()) {
    return Fail("field id out of range");
  }
  last = static_cast<int16_t>(field_id);
  *id = last;
  *type = static_cast<CompactType>(t);
  return true;
}

bool CompactReader::ReadBool(CompactType type, bool* v) {
  if (type == CompactType::kBoolTrue || type == CompactType::kBoolFalse) {
    *v = type == CompactType::kBoolTrue;
    return ok();
  }
  Skip(type);
  return false;
}

bool CompactReader::ReadI64(CompactType type, int64_t* v) {
  switch (type) {
    case CompactType::kByte: {
      uint8_t b = 0;
      if (!ReadByte(&b)) return false;
      *v = static_cast<int8_t>(b);
      return true;
    }
    case CompactType::kI16:
    case CompactType::kI32:
    case CompactType::kI64: {
      int64_t x;
      if (!ReadZigZag(&x)) return false;
      if (type == CompactType::kI16 &&
          (x < std::numeric_limits<int16_t>::min() || x > std::numeric_limits<int16_t>::max())) {
        return Fail("i16 out of range");
      }
      if (type == CompactType::kI32 &&
          (x < std::numeric_limits<int32_t>::min() || x > std::numeric_limits<int32_t>::max())) {
        return Fail("i32 out of range");
      }
      *v = x;
      return true;
    }
    default:
      Skip(type);
      return false;
  }
}

bool CompactReader::ReadI32(CompactType type, int32_t* v) {
  int64_t x;
  if (!ReadI64(type, &x)) return false;
  if (x < std::numeric_limits<int32_t>::min() || x > std::numeric_limits<int32_t>::max()) {
    return Fail("i32 out of range");
  }
  *v = static_cast<int32_t>(x);
  return true;
}

bool CompactReader::ReadBinary(CompactType type, std::string_view* v) {
  if (type != CompactType::kBinary) {
    Skip(type);
    return false;
  }
  uint64_t n;
  if (!ReadVarint(&n)) return false;
  if (n > data_.size() - pos_) return Fail("binary of " + std::to_string(n) + " bytes truncated");
  *v = data_.substr(pos_, n);
  pos_ += n;
  return true;
}

bool CompactReader::ReadListHeader(CompactType type, CompactType* element_type, uint32_t* size) {
  if (type != CompactType::kList && type != CompactType::kSet) {
    Skip(type);
    return false;
  }
  uint8_t b = 0;
  if (!ReadByte(&b)) return false;
  uint8_t t = b & 0x0F;
  if (t == 0 || t > static_cast<uint8_t>(CompactType::kStruct)) {
    return Fail("unknown list element type " + std::to_string(t));
  }
  uint64_t n = b >> 4;
  if (n == 15 && !ReadVarint(&n)) return false;
  if (n > data_.size() - pos_) return Fail("list of " + std::to_string(n) + " elements truncated");
  *element_type = static_cast<CompactType>(t);
  *size = static_cast<uint32_t>(n);
  return true;
}

void CompactReader::SkipValue(CompactType type, int depth) {
  if (!ok()) return;
  if (depth > kMaxDepth) {
    Fail("values nested too deep");
    return;
  }
  uint8_t b = 0;
  uint64_t n;
  int64_t i;
  switch (type) {
    case CompactType::kStop:
      Fail("STOP as a value");
      return;
    case CompactType::kBoolTrue:
    case CompactType::kBoolFalse:
      // A field's bool lives in its header. List elements are read with the list (below).
      return;
    case CompactType::kByte:
      ReadByte(&b);
      return;
    case CompactType::kI16:
    case CompactType::kI32:
    case CompactType::kI64:
      ReadZigZag(&i);
      return;
    case CompactType::kDouble:
      if (data_.size() - pos_ < 8) {
        Fail("truncated double");
        return;
      }
      pos_ += 8;
      return;
    case CompactType::kBinary:
      if (!ReadVarint(&n)) return;
      if (n > data_.size() - pos_) {
        Fail("binary truncated");
        return;
      }
      pos_ += n;
      return;
    case CompactType::kList:
    case CompactType::kSet: {
      CompactType element;
      uint32_t size;
      if (!ReadListHeader(type, &element, &size)) return;
      bool bools = element == CompactType::kBoolTrue || element == CompactType::kBoolFalse;
      for (uint32_t k = 0; k < size && ok(); ++k) {
        if (bools) {
          ReadByte(&b);
        } else {
          SkipValue(element, depth + 1);
        }
      }
      return;
    }
    case CompactType::kMap: {
      if (!ReadVarint(&n)) return;
      if (n == 0) return;
      if (n > data_.size() - pos_) {
        Fail("map truncated");
        return;
      }
      if (!ReadByte(&b)) return;
      CompactType key = static_cast<CompactType>(b >> 4);
      CompactType value = static_cast<CompactType>(b & 0x0F);
      if (b >> 4 == 0 || b >> 4 > 12 || (b & 0x0F) == 0 || (b & 0x0F) > 12) {
        Fail("unknown map element type");
        return;
      }
      for (uint64_t k = 0; k < n && ok(); ++k) {
        for (CompactType t : {key, value}) {
          if (t == CompactType::kBoolTrue || t == CompactType::kBoolFalse) {
            ReadByte(&b);
          } else {
            SkipValue(t, depth + 1);
          }
        }
      }
      return;
    }
    case CompactType::kStruct: {
      BeginStruct();
      int16_t id;
      CompactType t;
      while (NextField(&id, &t)) SkipValue(t, depth + 1);
      EndStruct();
      return;
    }
  }
  Fail("unknown type");
}

}  // namespace binlake::parquet
