// A writer for the Thrift compact protocol, the encoding of every Parquet metadata structure
// (file footer, page headers). Follows the compact protocol specification
// (https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md):
//   field header   one byte (field-id delta << 4 | type) when the delta to the previous field of
//                  the same struct is 1..15, else the type byte then the id as a zigzag varint
//   i8             one byte; i16/i32/i64: zigzag varint (ULEB128 of the zigzag value)
//   bool field     the value lives in the header's type nibble (1 = true, 2 = false)
//   binary         varint length, then the bytes
//   list           one byte (size << 4 | element type) when size < 15, else 0xF0 | type and a
//                  varint size; elements follow without headers
//   struct         its fields, then a STOP byte (0); unions are structs with one field
// CompactWriter writes metadata (the Parquet writer); CompactReader reads it back from untrusted
// bytes (the Parquet reader, metadata.h Parse*).
//
// Writer usage: BeginStruct / fields / EndStruct, with the nesting the schema demands. The writer
// keeps a stack of "last field id" per open struct; callers must balance Begin/End.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace binlake::parquet {

enum class CompactType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class CompactWriter {
 public:
  // Appends to `out`, which must outlive the writer.
  explicit CompactWriter(std::string* out) : out_(out) {}

  void BeginStruct() { last_ids_.push_back(0); }
  void EndStruct();  // writes STOP

  void FieldBool(int16_t id, bool v);
  void FieldI8(int16_t id, int8_t v);
  void FieldI16(int16_t id, int16_t v);
  void FieldI32(int16_t id, int32_t v);
  void FieldI64(int16_t id, int64_t v);
  void FieldBinary(int16_t id, std::string_view v);
  // A struct-typed field: writes the header and opens the nested struct (close with EndStruct).
  void FieldStructBegin(int16_t id);
  // A list-typed field: writes the header; then write exactly `size` elements with the List*
  // calls (or BeginStruct/EndStruct pairs for a list of structs).
  void FieldListBegin(int16_t id, CompactType element_type, uint32_t size);

  void ListI32(int32_t v) { WriteVarint(ZigZag(v)); }
  void ListBinary(std::string_view v);

  // Low-level pieces, public for tests.
  void WriteVarint(uint64_t v);
  static uint64_t ZigZag(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  }

 private:
  void FieldHeader(int16_t id, CompactType type);

  std::string* out_;
  std::vector<int16_t> last_ids_;
};

// Reads the compact protocol from untrusted bytes. Every read is bounds-checked; the first
// failure (truncation, a varint over 10 bytes or out of its type's range, an unknown type nibble,
// nesting deeper than kMaxDepth) is kept as a one-line error() and every later read fails, so a
// parser can run to its end and check ok() once. Nothing is allocated but the caller's values.
//
// Usage, for a struct:
//   r.BeginStruct();
//   int16_t id; CompactType type;
//   while (r.NextField(&id, &type)) {   // false at the STOP byte (or after an error)
//     if (id == 1 && r.ReadI32(type, &x)) ...   // Read* skip a field of another type: false
//     else r.Skip(type);
//   }
//   r.EndStruct();
// Thread-safety: one thread; borrows `data`, which must outlive the reader.
class CompactReader {
 public:
  static constexpr int kMaxDepth = 32;  // nested structs / containers

  explicit CompactReader(std::string_view data) : data_(data) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  // Bytes consumed so far.
  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }

  void BeginStruct();
  // The next field header of the innermost open struct; false at its STOP byte or on an error.
  bool NextField(int16_t* id, CompactType* type);
  void EndStruct();

  // A field or list element of `type`. An integer reader accepts any integer type whose value
  // fits; a value of another type is skipped and the reader returns false (not an error).
  bool ReadBool(CompactType type, bool* v);  // a field's bool (the type nibble) or a list byte
  bool ReadI32(CompactType type, int32_t* v);
  bool ReadI64(CompactType type, int64_t* v);
  bool ReadBinary(CompactType type, std::string_view* v);  // points into `data`
  // A list (or set) header: the element type and count. The count is checked against the bytes
  // left (every element takes at least one byte), so it bounds what the caller may reserve.
  bool ReadListHeader(CompactType type, CompactType* element_type, uint32_t* size);
  // Skips one value of `type` (nested values included).
  void Skip(CompactType type) { SkipValue(type, 0); }

  // Sets the error (the first one is kept); returns false.
  bool Fail(std::string_view what);

 private:
  bool ReadByte(uint8_t* b);
  bool ReadVarint(uint64_t* v);
  bool ReadZigZag(int64_t* v);
  void SkipValue(CompactType type, int depth);

  std::string_view data_;
  size_t pos_ = 0;
  std::string error_;
  std::vector<int16_t> last_ids_;
};

}  // namespace binlake::parquet
