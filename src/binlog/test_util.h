// Helpers shared by the binlog tests: fixture paths, hex, and a sink that records what a file
// decodes to (event headers, rendered row changes).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_pump.h"
#include "common/status.h"

namespace binlake::binlog::testing {

// $BINLAKE_FIXTURES/<relative> (testdata/fixtures when run outside ctest).
std::string FixturePath(const std::string& relative);
std::string ReadFileOrDie(const std::string& path);
std::vector<uint8_t> FromHex(std::string_view hex);

struct EventInfo {
  uint64_t offset = 0;
  EventHeader header;
  bool inner = false;
};

struct RowInfo {
  std::string schema, table;
  RowOp op = RowOp::kInsert;
  uint64_t event_offset = 0;
  std::string gtid;
  std::string json;  // AppendRowChangeJson
  std::vector<std::string> names;
  std::vector<ColumnType> types;
  // Rendered cells (AppendValueText); nullopt = NULL or absent.
  std::vector<std::optional<std::string>> before, after;
  std::vector<Value::Kind> before_kinds, after_kinds;
  std::vector<std::string> pending_json_diff;  // after-image, per column ("" if none)
};

class CollectSink : public EventSink {
 public:
  Status OnEvent(const Event& ev, bool inner) override;
  Status OnRowChange(const RowChangeEvent& row) override;

  std::vector<EventInfo> events;
  std::vector<RowInfo> rows;
  std::function<void(const Event&, bool)> on_event;  // optional extra hook
  uint64_t current_offset = 0;
};

struct DecodeResult {
  Status status;
  PumpStats stats;
};

// Decodes a whole file through an EventPump into `sink`.
DecodeResult DecodeFile(const std::string& path, CollectSink* sink, bool decode_rows = true);

// The rust_mysql_common binlogs among the fixtures.
inline const std::string kRustBinlogs = "rust_mysql_common/test-data/binlogs/";

// What the fixture file `relative` (FixturePath) decodes to; a decoding error fails the test.
CollectSink DecodeFixture(const std::string& relative);

}  // namespace binlake::binlog::testing
