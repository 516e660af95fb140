#include "source/binlog_backlog.h"

#include <charconv>

namespace binlake {

Result<uint64_t> BinlogBytesAfter(const std::vector<TextRow>& binary_logs, const std::string& file,
                                  uint64_t position) {
  bool found = false;
  uint64_t bytes = 0;
  for (const TextRow& row : binary_logs) {
    if (row.size() < 2 || !row[0] || !row[1]) {
      return Corruption("SHOW BINARY LOGS returned a row without a name and a size");
    }
    const std::string& size_text = *row[1];
    uint64_t size = 0;
    auto [end, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size);
    if (ec != std::errc() || end != size_text.data() + size_text.size()) {
      return Corruption("SHOW BINARY LOGS returned the size '" + size_text + "' for " + *row[0]);
    }
    if (*row[0] == file) {
      found = true;
      bytes += size > position ? size - position : 0;
    } else if (found) {
      bytes += size;  // the files are listed oldest first
    }
  }
  if (!found) return NotFound("the source no longer lists binlog " + file);
  return bytes;
}

Result<uint64_t> QueryBinlogBytesAfter(MysqlConnection& connection, const std::string& file,
                                       uint64_t position) {
  ASSIGN_OR_RETURN(std::vector<TextRow> rows, connection.QueryRows("SHOW BINARY LOGS"));
  return BinlogBytesAfter(rows, file, position);
}

}  // namespace binlake
