// Fuzzes DecodeEvent on single events (as a replication connection hands them over), under a
// MySQL 8 and a MariaDB context, with and without CRC32, and the TABLE_MAP decoder on every
// TABLE_MAP. The first input byte picks the context. Seeds: fixture events split one per file.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "binlog/event_decoder.h"
#include "binlog/table_map.h"
#include "binlog/transaction_payload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace binlake::binlog;  // NOLINT(build/namespaces)
  if (size < 1) return 0;
  uint8_t mode = data[0];
  // Keep the header's event_size consistent with the input so mutations reach the body decoders.
  std::vector<uint8_t> event(data + 1, data + size);
  if (event.size() >= kEventHeaderSize) {
    uint32_t n = static_cast<uint32_t>(event.size());
    std::memcpy(event.data() + 9, &n, 4);
  }
  ByteView bytes(event.data(), event.size());
  DecodeContext ctx = DecodeContext::Default();
  ctx.flavor = (mode & 1) ? Flavor::kMariaDb : Flavor::kMySql;
  ctx.checksum = (mode & 2) ? ChecksumAlg::kCrc32 : ChecksumAlg::kOff;
  ctx.verify_checksum = false;
  if (mode & 4) ctx.post_header_len[static_cast<uint8_t>(EventType::kTableMap)] = 6;
  auto ev = DecodeEvent(bytes, ctx);
  if (!ev.ok()) return 0;
  if (const auto* tm = std::get_if<TableMapEvent>(&ev->data)) {
    (void)DecodeTableMap(*tm, ctx);
  } else if (const auto* p = std::get_if<TransactionPayloadEvent>(&ev->data)) {
    auto reader = PayloadReader::Open(*p);
    if (!reader.ok()) return 0;
    for (int i = 0; i < 1000; ++i) {
      auto next = (*reader)->Next();
      if (!next.ok() || !next.value()) break;
      (void)DecodeEvent(*next.value(), InnerContext(ctx));
    }
  }
  return 0;
}
