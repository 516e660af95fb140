// BinlogFileReader: the one piece of file I/O in src/binlog. Splits a binlog file (plain or
// gzip-compressed) into event byte spans by the header's event_size; the events themselves are
// decoded by DecodeEvent. Files are read as a stream (gzip'd ones inflated on the fly), with
// memory bounded by the largest event plus one 1 MiB read buffer. (Measured: read(2) into a
// reused buffer beats mmap here.) In-memory input is read in place.
//
// File layout: 4 magic bytes 0xfe 'b' 'i' 'n', then events back to back (the first at offset 4
// is the FORMAT_DESCRIPTION event). MySQL encrypted binlogs (magic 0xfd 'b' 'i' 'n') are refused.
//
// Thread-safety: none.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "binlog/byte_reader.h"
#include "common/status.h"

namespace binlake::binlog {

struct FileEvent {
  uint64_t offset = 0;  // position of the event in the (uncompressed) binlog
  ByteView bytes;       // the whole event; valid until the next Next()/SeekTo()
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes; 0 at end of input.
  virtual Result<size_t> Read(uint8_t* buf, size_t n) = 0;
};

class BinlogFileReader {
 public:
  // Opens `path` (gzip detected by its magic) and checks the binlog magic. Errors: kNotFound,
  // kIoError, kCorruption ("not a binlog"), kUnsupported (encrypted).
  static Result<std::unique_ptr<BinlogFileReader>> Open(const std::string& path);
  // Reads a binlog from memory (tests, fuzzing). `data` must outlive the reader.
  static Result<std::unique_ptr<BinlogFileReader>> FromMemory(ByteView data);
  ~BinlogFileReader();
  BinlogFileReader(const BinlogFileReader&) = delete;
  BinlogFileReader& operator=(const BinlogFileReader&) = delete;

  // The next event, or nullopt at the end of the file. A file that ends inside an event is a
  // kCorruption error naming the event's offset.
  Result<std::optional<FileEvent>> Next();

  // Continues reading at `offset` (>= the current position; an event boundary).
  Status SkipTo(uint64_t offset);

  uint64_t position() const { return offset_; }
  bool gzip() const { return gzip_; }

 private:
  BinlogFileReader(std::unique_ptr<ByteSource> src, bool gzip)
      : src_(std::move(src)), gzip_(gzip) {}
  // Reads `data` in place.
  explicit BinlogFileReader(ByteView data) : whole_(data), in_place_(true) {}
  Status CheckMagic();
  // Ensures at least `n` bytes are buffered unless the input ends; returns how many are.
  Result<size_t> Fill(size_t n);
  const uint8_t* Current() const {
    return in_place_ ? whole_.data() + offset_ : buf_.data() + begin_;
  }

  std::unique_ptr<ByteSource> src_;
  bool gzip_ = false;
  ByteView whole_;  // in-place mode: the whole input
  bool in_place_ = false;
  std::vector<uint8_t> buf_;
  size_t begin_ = 0, end_ = 0;  // buffered bytes are buf_[begin_, end_)
  bool eof_ = false;
  uint64_t offset_ = 0;  // file offset of buf_[begin_]
};

}  // namespace binlake::binlog
