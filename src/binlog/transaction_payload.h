// PayloadReader: the events inside a MySQL TRANSACTION_PAYLOAD_EVENT (binlog_transaction_
// compression=ON), decompressed as a zstd stream so memory stays bounded by the largest inner
// event plus a fixed window, whatever the transaction's size.
//
// Spec: https://dev.mysql.com/doc/refman/8.0/en/binary-log-transaction-compression.html and
//       libs/mysql/binlog/event/compression (zstd_dec). Inner events are ordinary v4 events
//       without checksums (the outer event carries one) and with log_pos 0; decode them with the
//       stream's DecodeContext minus the checksum (InnerContext).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "binlog/event_header.h"
#include "binlog/events.h"
#include "common/status.h"

struct ZSTD_DCtx_s;

namespace binlake::binlog {

// The context for events inside a payload: the stream's, without checksums.
DecodeContext InnerContext(const DecodeContext& outer);

class PayloadReader {
 public:
  // REQUIRES: `event.payload` outlives the reader.
  static Result<std::unique_ptr<PayloadReader>> Open(const TransactionPayloadEvent& event);
  ~PayloadReader();
  PayloadReader(const PayloadReader&) = delete;
  PayloadReader& operator=(const PayloadReader&) = delete;

  // The next inner event's bytes (valid until the next call), or nullopt at the end.
  Result<std::optional<ByteView>> Next();

 private:
  PayloadReader() = default;
  Result<size_t> Fill(size_t n);  // buffers >= n bytes unless the stream ends

  ByteView input_;
  size_t in_pos_ = 0;
  bool compressed_ = true;
  ZSTD_DCtx_s* dctx_ = nullptr;
  bool stream_done_ = false;
  uint64_t limit_ = 0;     // uncompressed bytes allowed
  uint64_t produced_ = 0;  // uncompressed bytes produced
  std::vector<uint8_t> buf_;
  size_t begin_ = 0, end_ = 0;
};

}  // namespace binlake::binlog
