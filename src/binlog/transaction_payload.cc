#include "binlog/transaction_payload.h"

#include <zstd.h>

#include <cstring>
#include <string>

namespace binlake::binlog {
namespace {

constexpr uint64_t kCompressionZstd = 0;
constexpr uint64_t kCompressionNone = 255;
constexpr size_t kChunk = 256 << 10;
constexpr uint64_t kMaxUncompressed = 1ULL << 32;  // guards against decompression bombs
constexpr uint32_t kMaxInnerEvent = (1u << 30) + (1u << 16);

}  // namespace

DecodeContext InnerContext(const DecodeContext& outer) {
  DecodeContext inner = outer;
  inner.checksum = ChecksumAlg::kOff;
  return inner;
}

Result<std::unique_ptr<PayloadReader>> PayloadReader::Open(const TransactionPayloadEvent& ev) {
  std::unique_ptr<PayloadReader> r(new PayloadReader());
  r->input_ = ev.payload;
  if (ev.compression == kCompressionNone) {
    r->compressed_ = false;
    return r;
  }
  if (ev.compression != kCompressionZstd) {
    return Unsupported("TRANSACTION_PAYLOAD compression type " + std::to_string(ev.compression));
  }
  r->dctx_ = ZSTD_createDCtx();
  if (r->dctx_ == nullptr) return Internal("ZSTD_createDCtx failed");
  r->limit_ = ev.uncompressed_size != 0 ? ev.uncompressed_size : kMaxUncompressed;
  if (r->limit_ > kMaxUncompressed) r->limit_ = kMaxUncompressed;
  return r;
}

PayloadReader::~PayloadReader() {
  if (dctx_ != nullptr) ZSTD_freeDCtx(dctx_);
}

Result<size_t> PayloadReader::Fill(size_t n) {
  if (end_ - begin_ >= n || stream_done_) return end_ - begin_;
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buf_.size() < std::max(n, kChunk)) buf_.resize(std::max(n, kChunk));
  while (end_ < n && !stream_done_) {
    ZSTD_inBuffer in{input_.data(), input_.size(), in_pos_};
    ZSTD_outBuffer out{buf_.data() + end_, buf_.size() - end_, 0};
    size_t rc = ZSTD_decompressStream(dctx_, &out, &in);
    if (ZSTD_isError(rc)) {
      return Corruption(std::string("TRANSACTION_PAYLOAD zstd: ") + ZSTD_getErrorName(rc));
    }
    in_pos_ = in.pos;
    end_ += out.pos;
    produced_ += out.pos;
    if (produced_ > limit_) {
      return Corruption("TRANSACTION_PAYLOAD inflates beyond its uncompressed size " +
                        std::to_string(limit_));
    }
    if (rc == 0 && in_pos_ == input_.size()) {
      stream_done_ = true;
    } else if (out.pos == 0 && in_pos_ == input_.size()) {
      return Corruption("TRANSACTION_PAYLOAD zstd stream is truncated");
    }
  }
  return end_ - begin_;
}

Result<std::optional<ByteView>> PayloadReader::Next() {
  if (!compressed_) {
    if (in_pos_ >= input_.size()) return std::optional<ByteView>();
    if (input_.size() - in_pos_ < kEventHeaderSize) {
      return Corruption("truncated event header inside TRANSACTION_PAYLOAD");
    }
    uint32_t size = LoadLe32(input_.data() + in_pos_ + 9);
    if (size < kEventHeaderSize || size > input_.size() - in_pos_) {
      return Corruption("invalid event size inside TRANSACTION_PAYLOAD");
    }
    ByteView ev = input_.subspan(in_pos_, size);
    in_pos_ += size;
    return std::optional<ByteView>(ev);
  }
  ASSIGN_OR_RETURN(size_t have, Fill(kEventHeaderSize));
  if (have == 0) return std::optional<ByteView>();
  if (have < kEventHeaderSize) {
    return Corruption("truncated event header inside TRANSACTION_PAYLOAD at byte " +
                      std::to_string(produced_ - have));
  }
  uint32_t size = LoadLe32(buf_.data() + begin_ + 9);
  if (size < kEventHeaderSize || size > kMaxInnerEvent) {
    return Corruption("invalid event size " + std::to_string(size) + " inside TRANSACTION_PAYLOAD");
  }
  ASSIGN_OR_RETURN(have, Fill(size));
  if (have < size) return Corruption("truncated event inside TRANSACTION_PAYLOAD");
  ByteView ev(buf_.data() + begin_, size);
  begin_ += size;
  return std::optional<ByteView>(ev);
}

}  // namespace binlake::binlog
