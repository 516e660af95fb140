#include "binlog/binlog_file_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>

#include "binlog/binlog_format.h"

namespace binlake::binlog {
namespace {

constexpr size_t kReadChunk = 1 << 20;
// Largest event accepted: max_allowed_packet is at most 1 GiB.
constexpr uint32_t kMaxEventSize = (1u << 30) + (1u << 16);

class FdSource : public ByteSource {
 public:
  explicit FdSource(int fd) : fd_(fd) {}
  ~FdSource() override { close(fd_); }
  Result<size_t> Read(uint8_t* buf, size_t n) override {
    while (true) {
      ssize_t r = read(fd_, buf, n);
      if (r >= 0) return static_cast<size_t>(r);
      if (errno != EINTR) return IoError(std::string("read: ") + std::strerror(errno));
    }
  }

 private:
  int fd_;
};

// Streaming gunzip with zlib (gzip header, multiple members).
class GzipSource : public ByteSource {
 public:
  explicit GzipSource(std::unique_ptr<ByteSource> in) : in_(std::move(in)) {
    std::memset(&z_, 0, sizeof z_);
    ok_ = inflateInit2(&z_, 15 + 32) == Z_OK;  // 32: detect gzip/zlib headers
    buf_.resize(1 << 20);
  }
  ~GzipSource() override {
    if (ok_) inflateEnd(&z_);
  }
  Result<size_t> Read(uint8_t* out, size_t n) override {
    if (!ok_) return Internal("zlib init failed");
    z_.next_out = out;
    z_.avail_out = static_cast<uInt>(n > (1u << 30) ? (1u << 30) : n);
    while (z_.avail_out > 0 && !done_) {
      if (z_.avail_in == 0) {
        ASSIGN_OR_RETURN(size_t got, in_->Read(buf_.data(), buf_.size()));
        if (got == 0) {
          if (!finished_member_) return Corruption("gzip stream ends early (truncated file)");
          done_ = true;
          break;
        }
        z_.next_in = buf_.data();
        z_.avail_in = static_cast<uInt>(got);
      }
      finished_member_ = false;
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        finished_member_ = true;
        inflateReset(&z_);  // a further gzip member may follow
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Corruption(std::string("gzip: ") + (z_.msg ? z_.msg : "inflate failed"));
      }
    }
    return n - z_.avail_out;
  }

 private:
  std::unique_ptr<ByteSource> in_;
  z_stream z_;
  bool ok_ = false;
  bool done_ = false;
  bool finished_member_ = false;
  std::vector<uint8_t> buf_;
};

class MemorySource : public ByteSource {
 public:
  explicit MemorySource(ByteView data) : data_(data) {}
  Result<size_t> Read(uint8_t* buf, size_t n) override {
    size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  ByteView data_;
  size_t pos_ = 0;
};

// Peeks the first bytes to tell gzip from plain, then returns a source positioned at 0.
class PeekSource : public ByteSource {
 public:
  PeekSource(std::unique_ptr<ByteSource> in, std::vector<uint8_t> head)
      : in_(std::move(in)), head_(std::move(head)) {}
  Result<size_t> Read(uint8_t* buf, size_t n) override {
    if (pos_ < head_.size()) {
      size_t k = std::min(n, head_.size() - pos_);
      std::memcpy(buf, head_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    return in_->Read(buf, n);
  }

 private:
  std::unique_ptr<ByteSource> in_;
  std::vector<uint8_t> head_;
  size_t pos_ = 0;
};

Result<std::unique_ptr<BinlogFileReader>> Wrap(
    std::unique_ptr<ByteSource> src,
    std::unique_ptr<BinlogFileReader> (*make)(std::unique_ptr<ByteSource>, bool)) {
  std::vector<uint8_t> head(2);
  size_t got = 0;
  while (got < 2) {
    ASSIGN_OR_RETURN(size_t n, src->Read(head.data() + got, 2 - got));
    if (n == 0) break;
    got += n;
  }
  head.resize(got);
  bool gzip = got == 2 && head[0] == 0x1f && head[1] == 0x8b;
  std::unique_ptr<ByteSource> s = std::make_unique<PeekSource>(std::move(src), std::move(head));
  if (gzip) s = std::make_unique<GzipSource>(std::move(s));
  return make(std::move(s), gzip);
}

}  // namespace

Result<std::unique_ptr<BinlogFileReader>> BinlogFileReader::Open(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    std::string msg = path + ": " + std::strerror(e);
    return e == ENOENT ? NotFound(msg) : IoError(msg);
  }
  auto make = [](std::unique_ptr<ByteSource> s, bool gz) {
    return std::unique_ptr<BinlogFileReader>(new BinlogFileReader(std::move(s), gz));
  };
  ASSIGN_OR_RETURN(auto reader, Wrap(std::make_unique<FdSource>(fd), make));
  Status check = reader->CheckMagic();
  if (!check.ok()) return check.WithContext(path);
  return reader;
}

Result<std::unique_ptr<BinlogFileReader>> BinlogFileReader::FromMemory(ByteView data) {
  if (data.size() >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
    auto make = [](std::unique_ptr<ByteSource> s, bool gz) {
      return std::unique_ptr<BinlogFileReader>(new BinlogFileReader(std::move(s), gz));
    };
    ASSIGN_OR_RETURN(auto reader, Wrap(std::make_unique<MemorySource>(data), make));
    RETURN_IF_ERROR(reader->CheckMagic());
    return reader;
  }
  std::unique_ptr<BinlogFileReader> reader(new BinlogFileReader(data));
  RETURN_IF_ERROR(reader->CheckMagic());
  return reader;
}

BinlogFileReader::~BinlogFileReader() = default;

Result<size_t> BinlogFileReader::Fill(size_t n) {
  if (in_place_) return static_cast<size_t>(whole_.size() - offset_);
  if (end_ - begin_ >= n || eof_) return end_ - begin_;
  if (begin_ > 0) {  // compact
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  size_t want = std::max(n, kReadChunk);
  if (buf_.size() < want) buf_.resize(want);
  while (end_ < n && !eof_) {
    ASSIGN_OR_RETURN(size_t got, src_->Read(buf_.data() + end_, buf_.size() - end_));
    if (got == 0) eof_ = true;
    end_ += got;
  }
  return end_ - begin_;
}

Status BinlogFileReader::CheckMagic() {
  ASSIGN_OR_RETURN(size_t have, Fill(kMagicSize));
  const uint8_t* p = Current();
  if (have >= kMagicSize && std::memcmp(p, kEncryptedBinlogMagic, kMagicSize) == 0) {
    return Unsupported(
        "the binlog is encrypted (MySQL binlog_encryption=ON); binlake cannot read encrypted "
        "binlog files: stream them from the server, which decrypts them");
  }
  if (have < kMagicSize || std::memcmp(p, kBinlogMagic, kMagicSize) != 0) {
    char hex[16] = "";
    for (size_t i = 0; i < std::min<size_t>(have, 4); ++i) {
      std::snprintf(hex + 2 * i, 3, "%02x", p[i]);
    }
    return Corruption(std::string("not a binlog file (bad magic ") + hex + ", expected fe62696e)");
  }
  if (!in_place_) begin_ += kMagicSize;
  offset_ = kMagicSize;
  return Status::Ok();
}

Result<std::optional<FileEvent>> BinlogFileReader::Next() {
  ASSIGN_OR_RETURN(size_t have, Fill(kEventHeaderSize));
  if (have == 0) return std::optional<FileEvent>();
  if (have < kEventHeaderSize) {
    return Corruption("truncated event header at offset " + std::to_string(offset_) + ": " +
                      std::to_string(have) + " of 19 bytes");
  }
  uint32_t size = LoadLe32(Current() + 9);
  if (size < kEventHeaderSize || size > kMaxEventSize) {
    return Corruption("invalid event size " + std::to_string(size) + " at offset " +
                      std::to_string(offset_));
  }
  ASSIGN_OR_RETURN(have, Fill(size));
  if (have < size) {
    return Corruption("truncated event at offset " + std::to_string(offset_) + ": header says " +
                      std::to_string(size) + " bytes, file has " + std::to_string(have));
  }
  FileEvent ev{offset_, ByteView(Current(), size)};
  if (!in_place_) begin_ += size;
  offset_ += size;
  return std::optional<FileEvent>(ev);
}

Status BinlogFileReader::SkipTo(uint64_t offset) {
  if (offset < offset_) {
    return InvalidArgument("cannot seek back to " + std::to_string(offset) + " from " +
                           std::to_string(offset_));
  }
  while (offset_ < offset) {
    ASSIGN_OR_RETURN(size_t have, Fill(1));
    if (have == 0)
      return InvalidArgument("position " + std::to_string(offset) + " is past the end");
    size_t k = static_cast<size_t>(std::min<uint64_t>(have, offset - offset_));
    if (!in_place_) begin_ += k;
    offset_ += k;
  }
  return Status::Ok();
}

}  // namespace binlake::binlog
