// RawPacketReader: MySQL client/server protocol packets read straight from a connection's
// socket, in reads of up to 2 MiB, for the binlog dump stream. Connector/C reads at most 16 KiB
// per system call (and the kernel sends a TCP window update per read); on a busy stream that is
// a large share of the receiving thread's time, and on a small machine that time is taken from
// the source's dump thread and the decoder.
//
// Framing (MySQL protocol, "Protocol Basics: MySQL Packets"): 3-byte little-endian payload
// length, 1-byte sequence id, payload. A payload of 0xFFFFFF bytes continues in the next
// packet; the pieces are joined and returned as one payload.
//
// Use only where Connector/C holds no bytes of the connection in its read-ahead buffer (right
// after a command was sent, before any of its reply was read) and the connection uses neither
// TLS nor protocol compression. After that, nothing else may read the socket.
//
// Threading: one thread at a time. Another thread may shut the socket down (mariadb_cancel) to
// make a blocked Next() return.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/raw_bytes.h"
#include "common/status.h"

namespace binlake {

class RawPacketReader {
 public:
  // `fd`: the connected socket, not owned. `read_timeout_ms` > 0: Next() fails with
  // kNetworkError (and timed_out() true) when no byte arrives for that long; 0 waits forever.
  RawPacketReader(int fd, int read_timeout_ms);

  // The next payload; valid until the next call. kNetworkError when the peer closed the
  // connection, a read fails or the timeout passed.
  Result<std::span<const uint8_t>> Next();

  bool timed_out() const { return timed_out_; }

 private:
  Status Fill();  // reads at least one more byte into buf_[end_..]

  int fd_;
  int read_timeout_ms_;
  bool timed_out_ = false;
  RawBytes buf_;  // bytes [begin_, end_) received and not yet returned
  size_t begin_ = 0, end_ = 0;
  std::vector<uint8_t> joined_;  // a payload of 16 MiB or more, joined from its pieces
};

}  // namespace binlake
