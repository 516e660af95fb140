#include "source/dump_packet.h"

#include <algorithm>
#include <string>

#include "binlog/byte_reader.h"
#include "binlog/event_header.h"

namespace binlake {
namespace {

// v4 event header (https://mariadb.com/kb/en/2-binlog-event-header/): timestamp 4, type 1,
// server_id 4, event_size 4, log_pos 4, flags 2.
constexpr size_t kHeaderSize = 19;
constexpr uint8_t kRotateEvent = 4;
constexpr uint8_t kFormatDescriptionEvent = 15;
constexpr uint8_t kHeartbeatEvent = 27;
constexpr uint8_t kHeartbeatV2Event = 41;
constexpr uint16_t kArtificialFlag = 0x20;  // LOG_EVENT_ARTIFICIAL_F

}  // namespace

bool StreamEvent::IsFakeRotate() const { return type == kRotateEvent && artificial; }

bool StreamEvent::IsHeartbeat() const {
  return type == kHeartbeatEvent || type == kHeartbeatV2Event;
}

Result<StreamEvent> FrameDumpPacket(std::span<const uint8_t> packet,
                                    binlog::BinlogPosition* cursor) {
  auto at = [&] { return cursor->ToString(); };
  if (packet.size() < 1 + kHeaderSize || packet[0] != 0x00) {
    return Corruption("at " + at() + ": a packet of " + std::to_string(packet.size()) +
                      " bytes (status byte " + std::to_string(packet.empty() ? 0 : packet[0]) +
                      ") is not an event");
  }
  const uint8_t* ev = packet.data() + 1;
  const size_t ev_size = packet.size() - 1;
  uint32_t event_size = binlog::LoadLe32(ev + 9);
  if (event_size != ev_size) {
    return Corruption("at " + at() + ": event header says " + std::to_string(event_size) +
                      " bytes, the packet holds " + std::to_string(ev_size));
  }
  StreamEvent out;
  out.bytes = packet.subspan(1);
  out.type = ev[4];
  uint32_t log_pos = binlog::LoadLe32(ev + 13);
  out.flags = static_cast<uint16_t>(ev[17] | ev[18] << 8);
  // log_pos 0 marks events that occupy no place in the file: the fake ROTATE, a
  // FORMAT_DESCRIPTION re-sent before a start past it, a HEARTBEAT_V2 (its position is in its
  // body). MariaDB 11 also writes 0 for the events inside an event group (only the group's last
  // event carries its end): those are real and follow the previous event directly.
  const bool unplaced =
      log_pos == 0 && (out.type == kRotateEvent || out.type == kFormatDescriptionEvent ||
                       out.IsHeartbeat() || (out.flags & kArtificialFlag) != 0);
  out.artificial = unplaced || (out.flags & kArtificialFlag) != 0 || out.IsHeartbeat();
  uint64_t next = cursor->position;
  if (unplaced) {
    out.position = cursor->position;
  } else if (log_pos == 0) {
    out.position = cursor->position;
    next = cursor->position + ev_size;
  } else {
    // log_pos is the event's end, 32 bits wide: widen it against the current position.
    // Only a drop of more than 2 GiB is a wrap; a smaller one is taken as sent.
    uint64_t end = (cursor->position & ~uint64_t{0xffffffff}) | log_pos;
    if (end < cursor->position && cursor->position - end > (uint64_t{1} << 31)) {
      end += uint64_t{1} << 32;
    }
    out.position = end >= ev_size ? end - ev_size : 0;
    next = end;
  }
  if (out.type == kRotateEvent) {
    // ROTATE body: uint64 position of the first event in the next file, then its name; a
    // CRC32 follows when the stream has checksums (recognised by matching it, since the fake
    // ROTATE arrives before any FORMAT_DESCRIPTION could say so).
    size_t name_end = ev_size;
    if (ev_size >= kHeaderSize + 8 + 1 + 4 &&
        binlog::Crc32(binlog::ByteView(ev, ev_size - 4)) == binlog::LoadLe32(ev + ev_size - 4)) {
      name_end -= 4;
    }
    std::string_view name;
    if (name_end > kHeaderSize + 8) {
      name = std::string_view(reinterpret_cast<const char*>(ev) + kHeaderSize + 8,
                              name_end - kHeaderSize - 8);
      name = name.substr(0, name.find('\0'));
    }
    if (name.empty()) {
      return Corruption("at " + at() + ": ROTATE event of " + std::to_string(ev_size) +
                        " bytes without a file name");
    }
    cursor->file = std::string(name);
    next = binlog::LoadLe64(ev + kHeaderSize);
  }
  cursor->position = next;
  return out;
}

std::optional<DumpErrPacket> ParseDumpErrPacket(std::span<const uint8_t> data) {
  if (data.empty() || data[0] != 0xff) return std::nullopt;
  // 0xFF, error number (2 bytes), '#' and a 5-character SQL state, message.
  DumpErrPacket err;
  err.number = data.size() >= 3 ? data[1] | data[2] << 8 : 0;
  size_t text_at = data.size() >= 9 && data[3] == '#' ? 9 : std::min<size_t>(3, data.size());
  err.message =
      std::string_view(reinterpret_cast<const char*>(data.data()) + text_at, data.size() - text_at);
  return err;
}

bool IsDumpEofPacket(std::span<const uint8_t> data) {
  return data.size() < 9 && !data.empty() && data[0] == 0xfe;
}

bool DumpPacketCrc32Matches(std::span<const uint8_t> packet) {
  // packet = status byte, event (header, body, CRC32).
  if (packet.size() < 1 + kHeaderSize + 4) return false;
  const size_t crc_at = packet.size() - 4;
  return binlog::Crc32(packet.subspan(1, crc_at - 1)) == binlog::LoadLe32(packet.data() + crc_at);
}

}  // namespace binlake
