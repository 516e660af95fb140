#include "source/raw_packet_reader.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstring>
#include <string>

namespace binlake {
namespace {

constexpr size_t kReadBytes = RawBytes::kHugePage;  // one huge page (RawBytes)
constexpr size_t kHeaderBytes = 4;
constexpr size_t kMaxPiece = 0xFFFFFF;  // a payload this long continues in the next packet

}  // namespace

RawPacketReader::RawPacketReader(int fd, int read_timeout_ms)
    : fd_(fd), read_timeout_ms_(read_timeout_ms), buf_(kReadBytes) {}

Status RawPacketReader::Fill() {
  if (end_ == buf_.size()) {
    if (begin_ > 0) {
      // Move the partial packet to the front. The payload returned last lay before begin_; it
      // is no longer valid (this is the next call).
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == buf_.size()) buf_.Grow(buf_.size() * 2, end_);  // a packet larger than buf_
  }
  while (true) {
    ssize_t n = recv(fd_, buf_.data() + end_, buf_.size() - end_, MSG_DONTWAIT);
    if (n > 0) {
      end_ += static_cast<size_t>(n);
      return Status::Ok();
    }
    if (n == 0) return NetworkError("the source closed the connection");
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return NetworkError(std::string("reading from the source: ") + std::strerror(errno));
    }
    pollfd p{fd_, POLLIN, 0};
    int rc = poll(&p, 1, read_timeout_ms_ > 0 ? read_timeout_ms_ : -1);
    if (rc == 0) {
      timed_out_ = true;
      return NetworkError("no data from the source for " + std::to_string(read_timeout_ms_) +
                          " ms");
    }
    if (rc < 0 && errno != EINTR) {
      return NetworkError(std::string("waiting for the source: ") + std::strerror(errno));
    }
  }
}

Result<std::span<const uint8_t>> RawPacketReader::Next() {
  joined_.clear();
  bool joining = false;
  while (true) {
    const size_t have = end_ - begin_;
    if (have >= kHeaderBytes) {
      const uint8_t* h = buf_.data() + begin_;
      const size_t len = h[0] | h[1] << 8 | static_cast<size_t>(h[2]) << 16;
      if (have >= kHeaderBytes + len) {
        std::span<const uint8_t> piece(h + kHeaderBytes, len);
        begin_ += kHeaderBytes + len;
        if (begin_ == end_) begin_ = end_ = 0;  // empty: the next read starts at the front
        if (len == kMaxPiece) {
          joined_.insert(joined_.end(), piece.begin(), piece.end());
          joining = true;
          continue;
        }
        if (!joining) return piece;
        joined_.insert(joined_.end(), piece.begin(), piece.end());
        return std::span<const uint8_t>(joined_);
      }
      if (kHeaderBytes + len > buf_.size() - begin_ && begin_ > 0) {
        // The packet does not fit behind begin_: move it to the front first.
        std::memmove(buf_.data(), buf_.data() + begin_, have);
        end_ = have;
        begin_ = 0;
      }
      if (kHeaderBytes + len > buf_.size()) buf_.Grow(kHeaderBytes + len, end_);
    }
    RETURN_IF_ERROR(Fill());
  }
}

}  // namespace binlake
