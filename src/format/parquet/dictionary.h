// DictionaryBuilder: the distinct values of one column chunk, in first-seen order, for dictionary
// encoding (Encodings.md, "Dictionary Encoding (PLAIN_DICTIONARY = 2 and RLE_DICTIONARY = 8)").
// The dictionary page body is the PLAIN encoding of the entries, which the builder keeps as it
// goes, so its size (the figure DictPageSizeLimit caps) is known at every step.
//
// Values are passed as their PLAIN bytes without framing: `fixed_width` bytes for fixed-width
// types (INT32, INT64, FLOAT, DOUBLE, FIXED_LEN_BYTE_ARRAY), the content for BYTE_ARRAY (the
// builder adds the 4-byte length prefix). Lookup is an open-addressing hash table of entry ids.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace binlake::parquet {

class DictionaryBuilder {
 public:
  // fixed_width 0 = BYTE_ARRAY.
  explicit DictionaryBuilder(int fixed_width);

  // The index of `value`, inserting it if new.
  uint32_t GetOrInsert(std::string_view value);

  uint32_t size() const { return static_cast<uint32_t>(hashes_.size()); }
  // The dictionary page body (PLAIN encoding of the entries in index order).
  const std::string& plain() const { return plain_; }
  // Bytes held (page body, offsets, hash table).
  size_t MemoryUsage() const;
  void Clear();
  // The value of entry `index` (REQUIRES: index < size()), without framing.
  std::string_view Entry(uint32_t index) const;

 private:
  void Grow();

  int fixed_width_;
  std::string plain_;
  std::vector<uint32_t> offsets_;  // BYTE_ARRAY: start of entry i's content in plain_
  std::vector<uint64_t> hashes_;   // hash of entry i
  std::vector<uint32_t> slots_;    // entry index + 1; 0 = empty. Size is a power of two.
};

}  // namespace binlake::parquet
