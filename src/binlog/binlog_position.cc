#include "binlog/binlog_position.h"

#include <charconv>
#include <string>

namespace binlake::binlog {

Result<BinlogPosition> ParseFilePosition(std::string_view text) {
  size_t colon = text.rfind(':');
  uint64_t pos = 0;
  if (colon == std::string_view::npos || colon == 0 ||
      std::from_chars(text.data() + colon + 1, text.data() + text.size(), pos).ptr !=
          text.data() + text.size() ||
      pos < kFirstEventPosition) {
    return InvalidArgument("'" + std::string(text) +
                           "' is not a binlog position (expected FILE:POSITION, e.g. "
                           "binlog.000003:4)");
  }
  BinlogPosition p;
  p.file = std::string(text.substr(0, colon));
  p.position = pos;
  return p;
}

uint64_t BinlogFileNumber(std::string_view file) {
  size_t dot = file.rfind('.');
  uint64_t n = 0;
  if (dot != std::string_view::npos) {
    std::from_chars(file.data() + dot + 1, file.data() + file.size(), n);
  }
  return n;
}

bool AtOrAfter(const BinlogPosition& a, const BinlogPosition& b) {
  if (a.file == b.file) return a.position >= b.position;  // (per transaction: the usual case)
  uint64_t fa = BinlogFileNumber(a.file), fb = BinlogFileNumber(b.file);
  if (fa != fb) return fa > fb;
  return a.position >= b.position;
}

}  // namespace binlake::binlog
