#include "materialize/part_marks.h"

#include <algorithm>

namespace binlake {
namespace {

constexpr std::string_view kMagic = "binlake-part-marks 1\n";

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Reads a varint from the front of *in; false when it is cut off or longer than 64 bits.
bool GetVarint(std::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    if (shift == 63 && byte > 1) return false;
    *v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

bool GetBytes(std::string_view* in, uint64_t n, std::string_view* out) {
  if (n > in->size()) return false;
  *out = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

size_t SharedPrefix(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

}  // namespace

std::string PartMarksKey(std::string_view part) {
  return "_binlake/marks/" + std::string(part) + ".marks";
}

std::string EncodePartMarks(const std::vector<PartMark>& marks) {
  std::string out(kMagic);
  PutVarint(marks.size(), &out);
  uint64_t offset = 0;
  uint64_t row = 0;
  for (const PartMark& m : marks) {
    PutVarint(m.offset - offset, &out);
    PutVarint(m.row - row, &out);
    offset = m.offset;
    row = m.row;
    PutVarint(m.key.size(), &out);
    out.append(m.key);
    const size_t shared = SharedPrefix(m.previous_key, m.key);
    PutVarint(shared, &out);
    PutVarint(m.previous_key.size() - shared, &out);
    out.append(m.previous_key, shared);
  }
  return out;
}

Result<std::vector<PartMark>> DecodePartMarks(std::string_view bytes, uint64_t part_bytes,
                                              uint64_t part_rows) {
  auto bad = [](const std::string& what) { return Corruption("part marks: " + what); };
  if (bytes.substr(0, kMagic.size()) != kMagic) return bad("no header");
  bytes.remove_prefix(kMagic.size());
  uint64_t count = 0;
  if (!GetVarint(&bytes, &count)) return bad("no count");
  // Each mark takes at least 5 bytes: a count beyond that is a lie, not a reason to allocate.
  if (count > bytes.size() / 5 || count > part_rows) return bad("more marks than bytes or rows");
  std::vector<PartMark> marks(count);
  uint64_t offset = 0;
  uint64_t row = 0;
  for (uint64_t i = 0; i < count; ++i) {
    PartMark& m = marks[i];
    uint64_t offset_step = 0, row_step = 0, key_size = 0, shared = 0, suffix_size = 0;
    std::string_view key, suffix;
    if (!GetVarint(&bytes, &offset_step) || !GetVarint(&bytes, &row_step) ||
        !GetVarint(&bytes, &key_size) || !GetBytes(&bytes, key_size, &key) ||
        !GetVarint(&bytes, &shared) || !GetVarint(&bytes, &suffix_size) ||
        !GetBytes(&bytes, suffix_size, &suffix)) {
      return bad("mark " + std::to_string(i) + " is cut off");
    }
    // The first mark is the first row (after the header); then both go up.
    const bool first = i == 0;
    if ((first && (offset_step == 0 || row_step != 0)) ||
        (!first && (offset_step == 0 || row_step == 0)) || offset_step >= part_bytes - offset ||
        row_step >= part_rows - row || shared > key.size()) {
      return bad("mark " + std::to_string(i) + " lies outside the part");
    }
    offset += offset_step;
    row += row_step;
    m.offset = offset;
    m.row = row;
    m.key.assign(key);
    m.previous_key.assign(key.substr(0, shared));
    m.previous_key.append(suffix);
    // previous_key < key: equal keys (a table without a primary key) never straddle a mark.
    if ((first && !m.previous_key.empty()) || (!first && m.previous_key >= m.key) ||
        (!first && m.previous_key < marks[i - 1].key)) {
      return bad("mark " + std::to_string(i) + " has keys out of order");
    }
  }
  if (!bytes.empty()) return bad("bytes after the last mark");
  return marks;
}

Status PutPartMarks(ObjectStore& output, std::string_view part,
                    const std::vector<PartMark>& marks) {
  const std::string key = PartMarksKey(part);
  PutOptions put;
  put.content_type = "application/octet-stream";
  return output.Put(key, EncodePartMarks(marks), put)
      .WithContext("writing " + output.Describe() + "/" + key);
}

}  // namespace binlake
