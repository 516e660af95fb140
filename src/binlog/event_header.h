// The v4 event header, the decode context a FORMAT_DESCRIPTION event establishes, and framing:
// splitting one event's bytes into header and body and checking its CRC32.
//
// Spec:
// https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_replication_binlog_event.html
//       https://mariadb.com/kb/en/2-binlog-event-header/
#pragma once

#include <array>
#include <cstdint>

#include "binlog/binlog_format.h"
#include "binlog/byte_reader.h"
#include "common/status.h"

namespace binlake::binlog {

enum class Flavor : uint8_t { kMySql, kMariaDb };

struct EventHeader {
  uint32_t timestamp = 0;
  uint8_t type = 0;
  uint32_t server_id = 0;
  uint32_t event_size = 0;
  uint32_t log_pos = 0;  // end of this event in the source's binlog; 0 for artificial events
  uint16_t flags = 0;
};

// What decoding needs to know about the stream an event came from. Built from the stream's
// FORMAT_DESCRIPTION event (ApplyFormatDescription) and otherwise independent of the source:
// file, relay log or replication connection.
struct DecodeContext {
  Flavor flavor = Flavor::kMySql;
  ChecksumAlg checksum = ChecksumAlg::kOff;
  bool verify_checksum = true;  // false skips the CRC32 comparison (the bytes are still trimmed)
  uint16_t binlog_version = 4;
  uint32_t server_version = 0;  // major*10000 + minor*100 + patch, e.g. 100611 or 80032
  // Post-header length by type code (FORMAT_DESCRIPTION's table, index = type code).
  std::array<uint8_t, 256> post_header_len{};
  // Type codes of the few old development trees that numbered events differently (see
  // FormatDescriptionEvent::permuted_event_types): wire code -> standard code.
  bool permuted_types = false;
  std::array<uint8_t, 23> type_map{};

  uint8_t PostHeaderLen(uint8_t type) const { return post_header_len[type]; }
  bool has_checksum() const { return checksum == ChecksumAlg::kCrc32; }

  // A context for a v4 stream before its FORMAT_DESCRIPTION event was seen: MySQL 5.6+ default
  // post-header lengths, no checksum.
  static DecodeContext Default();
};

// Parses the 19-byte header at the start of `bytes`.
Status DecodeEventHeader(ByteView bytes, EventHeader* out);

// One event split into its parts. Views point into the bytes given to FrameEvent.
struct FramedEvent {
  EventHeader header;
  ByteView body;  // after the header, without the trailing checksum
};

// Checks that `bytes` is exactly one event (header.event_size == bytes.size()), verifies the
// CRC32 when the context says the stream has checksums, and returns the body without it.
// FORMAT_DESCRIPTION events decide their own checksum (see DecodeFormatDescription), so for them
// only the size is checked here.
Result<FramedEvent> FrameEvent(ByteView bytes, const DecodeContext& ctx);

// CRC32 (ISO-HDLC, as zlib's crc32) of `bytes`; Crc32Update continues a running CRC.
uint32_t Crc32(ByteView bytes);
uint32_t Crc32Update(uint32_t crc, ByteView bytes);

// Parses "10.11.6-MariaDB-log" / "8.0.32" into 100611 / 80032 (0 if it has no leading digits).
uint32_t ParseServerVersion(std::string_view text);

}  // namespace binlake::binlog
