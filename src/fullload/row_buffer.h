// RowBuffer: raw text-protocol rows held in memory while a chunk reader waits for its turn to
// write (see chunk_sequencer.h). Fields are copied into one contiguous byte string; replaying
// hands back the same field views the stream gave.
//
// Memory: bytes() is the payload; overhead is 16 bytes per field. Clear and Reset keep the memory
// (a full-load worker reuses one buffer for all its chunks).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "common/raw_bytes.h"

namespace binlake {

class RowBuffer {
 public:
  explicit RowBuffer(size_t fields_per_row) : fields_per_row_(fields_per_row) {}

  // `fields[i]` is ignored when `nulls[i]`.
  template <typename Stream>
  void AddFromStream(const Stream& stream) {
    for (size_t i = 0; i < fields_per_row_; ++i) {
      if (stream.is_null(i)) {
        AddSpan(Span{0, kNull});
      } else {
        std::string_view f = stream.field(i);
        AddSpan(Span{data_size_, static_cast<uint32_t>(f.size())});
        data_.Reserve(data_size_ + f.size(), data_size_);
        if (!f.empty()) std::memcpy(data_.data() + data_size_, f.data(), f.size());
        data_size_ += f.size();
      }
    }
    ++rows_;
  }

  size_t rows() const { return rows_; }
  size_t bytes() const { return data_size_ + span_count_ * sizeof(Span); }
  bool is_null(size_t row, size_t field) const {
    return SpanAt(row * fields_per_row_ + field).length == kNull;
  }
  std::string_view field(size_t row, size_t field) const {
    const Span& s = SpanAt(row * fields_per_row_ + field);
    if (s.length == 0) return {};  // (data_ may hold no memory at all)
    return {reinterpret_cast<const char*>(data_.data()) + s.offset, s.length};
  }
  // Empties the buffer, keeping its memory.
  void Clear() {
    data_size_ = 0;
    span_count_ = 0;
    rows_ = 0;
  }
  // Empties it for rows of `fields_per_row` fields (another table), keeping its memory.
  void Reset(size_t fields_per_row) {
    Clear();
    fields_per_row_ = fields_per_row;
  }

 private:
  static constexpr uint32_t kNull = UINT32_MAX;
  struct Span {
    size_t offset;
    uint32_t length;
  };
  void AddSpan(Span span) {
    spans_.Reserve((span_count_ + 1) * sizeof(Span), span_count_ * sizeof(Span));
    std::memcpy(spans_.data() + span_count_ * sizeof(Span), &span, sizeof(Span));
    ++span_count_;
  }
  const Span& SpanAt(size_t i) const {
    return reinterpret_cast<const Span*>(spans_.data())[i];  // malloc alignment suits Span
  }

  size_t fields_per_row_;
  size_t rows_ = 0;
  // Huge-page buffers (RawBytes): tens of MiB fill while a chunk waits, and a fault per 4 KiB
  // page of them was a fifth of a full load's CPU in a VM.
  RawBytes data_;  // the fields' bytes, back to back
  size_t data_size_ = 0;
  RawBytes spans_;  // span_count_ Spans
  size_t span_count_ = 0;
};

}  // namespace binlake
