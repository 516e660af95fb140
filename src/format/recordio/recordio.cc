#include "format/recordio/recordio.h"

#include <cstring>

namespace binlake {
namespace {

void AppendWord(uint32_t v, std::string* out) {
  const char bytes[4] = {static_cast<char>(v), static_cast<char>(v >> 8),
                         static_cast<char>(v >> 16), static_cast<char>(v >> 24)};
  out->append(bytes, 4);
}

void AppendPart(uint32_t cflag, std::string_view data, std::string* out) {
  AppendWord(kRecordIoMagic, out);
  AppendWord((cflag << 29) | static_cast<uint32_t>(data.size()), out);
  out->append(data);
  out->append((4 - data.size() % 4) % 4, '\0');
}

bool MagicAt(std::string_view record, size_t i) {
  return static_cast<uint8_t>(record[i]) == (kRecordIoMagic & 0xff) &&
         static_cast<uint8_t>(record[i + 1]) == ((kRecordIoMagic >> 8) & 0xff) &&
         static_cast<uint8_t>(record[i + 2]) == ((kRecordIoMagic >> 16) & 0xff) &&
         static_cast<uint8_t>(record[i + 3]) == (kRecordIoMagic >> 24);
}

}  // namespace

Status AppendRecordIo(std::string_view record, std::string* out) {
  if (record.size() > kRecordIoMaxRecord) {
    return InvalidArgument("a RecordIO record holds at most " + std::to_string(kRecordIoMaxRecord) +
                           " bytes, this one " + std::to_string(record.size()));
  }
  out->reserve(out->size() + RecordIoFramedSize(record));
  size_t start = 0;  // of the current part
  const size_t aligned_end = record.size() / 4 * 4;
  for (size_t i = 0; i < aligned_end; i += 4) {
    if (!MagicAt(record, i)) continue;
    AppendPart(start == 0 ? 1 : 2, record.substr(start, i - start), out);
    start = i + 4;
  }
  AppendPart(start == 0 ? 0 : 3, record.substr(start), out);
  return Status::Ok();
}

uint64_t RecordIoFramedSize(std::string_view record) {
  uint64_t parts = 1;
  const size_t aligned_end = record.size() / 4 * 4;
  for (size_t i = 0; i < aligned_end; i += 4) parts += MagicAt(record, i) ? 1 : 0;
  // Each split drops a 4-byte magic word from the data and adds an 8-byte header; the parts
  // before the last are 4-byte aligned.
  return record.size() + 8 * parts - 4 * (parts - 1) + (4 - record.size() % 4) % 4;
}

}  // namespace binlake
