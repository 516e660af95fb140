// MariaDB compressed binlog events (log_bin_compress=ON): QUERY_COMPRESSED and the
// *_ROWS_COMPRESSED events hold their statement / row data as one compressed block:
//   uint8  header: 0x80 | algorithm << 4 (0 = zlib) | n (bytes of the length, 1..4)
//   uint<n> uncompressed length, big-endian ("MyISAM format")
//   zlib stream
// Spec: https://mariadb.com/kb/en/compressed-binary-log/ and
//       https://mariadb.com/kb/en/rows_event_v1v2-rows_compressed_event_v1/
#include <zlib.h>

#include <string>

#include "binlog/event_decoders_internal.h"

namespace binlake::binlog::internal {

// Refuses blocks claiming more than this: a corrupt length must not make us allocate gigabytes.
// MariaDB compresses single events, bounded by max_allowed_packet (at most 1 GiB).
constexpr uint64_t kMaxUncompressed = 1ULL << 30;

Result<std::shared_ptr<const std::string>> MariaUncompress(ByteView block) {
  if (block.empty()) return Corruption("empty compressed block");
  uint8_t head = block[0];
  size_t lenlen = head & 0x07;
  uint8_t alg = (head & 0x70) >> 4;
  if ((head & 0x80) == 0 || lenlen == 0 || lenlen > 4) {
    return Corruption("invalid compressed-event header byte " + std::to_string(head));
  }
  if (alg != 0) return Unsupported("compressed event with algorithm " + std::to_string(alg));
  if (block.size() < 1 + lenlen) return Corruption("truncated compressed-event length");
  uint64_t len = LoadBe(block.data() + 1, lenlen);
  if (len > kMaxUncompressed)
    return Corruption("compressed event claims " + std::to_string(len) + " bytes");
  auto out = std::make_shared<std::string>();
  out->resize(len);
  uLongf dest_len = static_cast<uLongf>(len);
  ByteView src = block.subspan(1 + lenlen);
  int rc = uncompress(reinterpret_cast<Bytef*>(out->data()), &dest_len, src.data(),
                      static_cast<uLong>(src.size()));
  if (rc != Z_OK) {
    return Corruption("zlib cannot inflate compressed event (" + std::to_string(rc) + ")");
  }
  if (dest_len != len) {
    return Corruption("compressed event inflated to " + std::to_string(dest_len) +
                      " bytes, header says " + std::to_string(len));
  }
  return std::shared_ptr<const std::string>(std::move(out));
}

}  // namespace binlake::binlog::internal
