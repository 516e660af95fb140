// The reply packets of a binlog dump (COM_BINLOG_DUMP / COM_BINLOG_DUMP_GTID), as the stream reads
// them: framing one event out of a packet and recognising the packets that are not events.
//
// After the dump request every reply packet is one of
//   event  0x00 status byte, then exactly one event: the 19-byte v4 header (timestamp 4, type 1,
//          server_id 4, event_size 4, log_pos 4, flags 2), the body and, when the binlog has
//          checksums, a CRC32 of the rest (https://mariadb.com/kb/en/com_binlog_dump/,
//          https://mariadb.com/kb/en/2-binlog-event-header/);
//   ERR    0xFF, error number (2 bytes), '#' and a 5-character SQL state, the message
//          (https://mariadb.com/kb/en/err_packet/);
//   EOF    0xFE in a packet shorter than 9 bytes: the source ended the dump
//          (https://mariadb.com/kb/en/eof_packet/).
// These are network bytes: every function checks lengths and never asserts on them.
//
// Pure functions over bytes; no threading concerns. Results point into the packet they were
// given (no copies).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "binlog/binlog_position.h"
#include "common/status.h"

namespace binlake {

// One event, exactly as the source sent it (no status byte, no file magic).
struct StreamEvent {
  std::span<const uint8_t> bytes;  // valid until the next Next() or the stream's destruction
  uint8_t type = 0;                // header type code
  uint16_t flags = 0;              // header flags
  // Not part of the binlog file: the fake ROTATE and a FORMAT_DESCRIPTION re-sent before a start
  // position past it (both log_pos 0), HEARTBEATs, MariaDB's skip-ahead GTID_LIST
  // (LOG_EVENT_ARTIFICIAL_F).
  bool artificial = false;
  // Offset of the event in the current file: its end (header log_pos, widened to 64 bits across
  // 4 GiB files) minus its size. An event with log_pos 0 (MariaDB 11 writes it inside event
  // groups) follows the previous one. For the log_pos-0 artificial events it is the stream
  // position; EventPump then advances its next position by their size until the next real event
  // corrects it (its last_commit is not affected).
  uint64_t position = 0;
  // The stream negotiated CRC32 checksums and the last 4 bytes are the CRC32 of the rest,
  // checked on the prefetching thread: EventPump::Feed need not compute it again.
  bool crc32_verified = false;

  bool IsFakeRotate() const;
  bool IsHeartbeat() const;
};

// Frames one reply packet of COM_BINLOG_DUMP (status byte 0x00, then exactly one event) and
// advances `cursor` (where the dump stream is: the file it reads and the offset of the next
// event; its gtid_set is neither read nor changed): a ROTATE (real or fake) moves it to the file
// and position it names, another event with a log_pos to its end. Pure; a packet that is not one
// whole event is kCorruption (never an assertion: these are network bytes) and leaves `cursor` as
// it was. `bytes` of the result point into `packet`.
Result<StreamEvent> FrameDumpPacket(std::span<const uint8_t> packet,
                                    binlog::BinlogPosition* cursor);

// An ERR packet's error number and message (`message` points into the packet).
struct DumpErrPacket {
  unsigned int number = 0;  // 0 when the packet is too short to hold one
  std::string_view message;
};

// The ERR packet in `packet` (first byte 0xFF), or nullopt for any other packet. A short ERR
// packet yields what it holds (number 0, an empty message) rather than an error.
std::optional<DumpErrPacket> ParseDumpErrPacket(std::span<const uint8_t> packet);

// True for an EOF packet: the source ended the dump (it is shut down, or was asked to stop).
bool IsDumpEofPacket(std::span<const uint8_t> packet);

// True when `packet` (status byte, event) ends in the CRC32 of its event without those 4 bytes.
// Meaningful only when the stream negotiated CRC32 checksums; false for a packet too short to
// hold a header and a checksum.
bool DumpPacketCrc32Matches(std::span<const uint8_t> packet);

}  // namespace binlake
