// Fuzzes the reply packets of a binlog dump as the replication stream reads them from the
// network (source/dump_packet.h): event framing with the cursor update, ERR and EOF recognition
// and the CRC32 check. Seeds: fixture events, each behind the 0x00 status byte.
#include <cstddef>
#include <cstdint>
#include <span>

#include "source/dump_packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> packet(data, size);
  binlake::binlog::BinlogPosition cursor;
  cursor.file = "binlog.000001";
  cursor.position = 4;
  auto event = binlake::FrameDumpPacket(packet, &cursor);
  if (event.ok()) {
    // The framed event lies inside the packet.
    if (event->bytes.data() < data || event->bytes.data() + event->bytes.size() > data + size) {
      __builtin_trap();
    }
    (void)event->IsFakeRotate();
    (void)event->IsHeartbeat();
  }
  if (auto err = binlake::ParseDumpErrPacket(packet)) {
    if (!err->message.empty() &&
        (reinterpret_cast<const uint8_t*>(err->message.data()) < data ||
         reinterpret_cast<const uint8_t*>(err->message.data()) + err->message.size() >
             data + size)) {
      __builtin_trap();
    }
  }
  (void)binlake::IsDumpEofPacket(packet);
  (void)binlake::DumpPacketCrc32Matches(packet);
  return 0;
}
