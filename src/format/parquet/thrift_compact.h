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
// Only writing is needed: binlake never reads Parquet.
//
// Usage: BeginStruct / fields / EndStruct, with the nesting the schema demands. The writer keeps
// a stack of "last field id" per open struct; callers must balance Begin/End.
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

}  // namespace binlake::parquet
