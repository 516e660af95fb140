// RowBuffer: raw text-protocol rows held in memory while a chunk reader waits for its turn to
// write (see chunk_sequencer.h). Fields are copied into one contiguous byte string; replaying
// hands back the same field views the stream gave.
//
// Memory: bytes() is the payload; overhead is 8 bytes per field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace binlake {

class RowBuffer {
 public:
  explicit RowBuffer(size_t fields_per_row) : fields_per_row_(fields_per_row) {}

  // `fields[i]` is ignored when `nulls[i]`.
  template <typename Stream>
  void AddFromStream(const Stream& stream) {
    for (size_t i = 0; i < fields_per_row_; ++i) {
      if (stream.is_null(i)) {
        spans_.push_back(Span{0, kNull});
      } else {
        std::string_view f = stream.field(i);
        spans_.push_back(Span{data_.size(), static_cast<uint32_t>(f.size())});
        data_.append(f);
      }
    }
    ++rows_;
  }

  size_t rows() const { return rows_; }
  size_t bytes() const { return data_.size() + spans_.size() * sizeof(Span); }
  bool is_null(size_t row, size_t field) const {
    return spans_[row * fields_per_row_ + field].length == kNull;
  }
  std::string_view field(size_t row, size_t field) const {
    const Span& s = spans_[row * fields_per_row_ + field];
    return {data_.data() + s.offset, s.length};
  }
  void Clear() {
    data_.clear();
    spans_.clear();
    rows_ = 0;
  }

 private:
  static constexpr uint32_t kNull = UINT32_MAX;
  struct Span {
    size_t offset;
    uint32_t length;
  };
  size_t fields_per_row_;
  size_t rows_ = 0;
  std::string data_;
  std::vector<Span> spans_;
};

}  // namespace binlake
