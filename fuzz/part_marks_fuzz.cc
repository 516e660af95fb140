// Fuzzes the decoder of a materialization's part marks (src/materialize/part_marks.h: objects
// read back from the output store). The first 8 input bytes are the part's size and row count
// (4 bytes each, little-endian); the rest is the marks object. Every answer must be marks that
// keep the decoder's promises (inside the part, going up, keys in order) or one error, never a
// crash, a hang or a read out of bounds; decoded marks encoded again decode to the same marks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "materialize/part_marks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 8) return 0;
  auto u32 = [&](size_t at) {
    return static_cast<uint64_t>(data[at]) | static_cast<uint64_t>(data[at + 1]) << 8 |
           static_cast<uint64_t>(data[at + 2]) << 16 | static_cast<uint64_t>(data[at + 3]) << 24;
  };
  const uint64_t part_bytes = u32(0);
  const uint64_t part_rows = u32(4);
  const std::string_view bytes(reinterpret_cast<const char*>(data + 8), size - 8);
  auto marks = binlake::DecodePartMarks(bytes, part_bytes, part_rows);
  if (!marks.ok()) return 0;
  for (size_t i = 0; i < marks->size(); ++i) {
    const binlake::PartMark& m = (*marks)[i];
    if (m.offset == 0 || m.offset >= part_bytes || m.row >= part_rows) std::abort();
    if (i > 0 && (m.offset <= (*marks)[i - 1].offset || m.row <= (*marks)[i - 1].row ||
                  m.previous_key >= m.key || m.previous_key < (*marks)[i - 1].key)) {
      std::abort();
    }
  }
  // Encoded again (varints and shared prefixes at their shortest), they decode to the same.
  auto again = binlake::DecodePartMarks(binlake::EncodePartMarks(*marks), part_bytes, part_rows);
  if (!again.ok() || again->size() != marks->size()) std::abort();
  for (size_t i = 0; i < marks->size(); ++i) {
    const binlake::PartMark& a = (*marks)[i];
    const binlake::PartMark& b = (*again)[i];
    if (a.offset != b.offset || a.row != b.row || a.key != b.key ||
        a.previous_key != b.previous_key) {
      std::abort();
    }
  }
  return 0;
}
