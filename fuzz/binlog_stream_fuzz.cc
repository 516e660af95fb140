// Fuzzes a whole binlog file through BinlogFileReader and EventPump: FORMAT_DESCRIPTION sets the
// context, TABLE_MAPs feed the cache, rows events are decoded into Values and rendered, payloads
// are decompressed. Checksums are not verified so mutations reach the decoders.
// Seeds: the binlogs in testdata/fixtures (scripts/fuzz.sh).
#include <cstddef>
#include <cstdint>
#include <string>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_pump.h"
#include "binlog/row_render.h"

namespace {

class RenderSink : public binlake::binlog::EventSink {
 public:
  binlake::Status OnRowChange(const binlake::binlog::RowChangeEvent& row) override {
    out_.clear();
    binlake::binlog::AppendRowChangeJson(row, options_, &out_);
    binlake::binlog::AppendRowChangeText(row, options_, &out_);
    return binlake::Status::Ok();
  }

 private:
  binlake::RenderOptions options_;
  std::string out_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace binlake::binlog;  // NOLINT(build/namespaces)
  auto reader = BinlogFileReader::FromMemory(ByteView(data, size));
  if (!reader.ok()) return 0;
  RenderSink sink;
  PumpOptions options;
  options.verify_checksum = false;
  EventPump pump(options, &sink);
  pump.StartFile("fuzz");
  for (int i = 0; i < 10000; ++i) {
    auto next = (*reader)->Next();
    if (!next.ok() || !next.value()) break;
    if (!pump.Feed(next.value()->bytes, next.value()->offset).ok()) break;
  }
  return 0;
}
