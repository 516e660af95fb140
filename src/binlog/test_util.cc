#include "binlog/test_util.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "binlog/row_render.h"

namespace binlake::binlog::testing {

std::string FixturePath(const std::string& relative) {
  const char* dir = std::getenv("BINLAKE_FIXTURES");
  std::string base = dir && *dir ? dir : "testdata/fixtures";
  return base + "/" + relative;
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<uint8_t> FromHex(std::string_view hex) {
  std::vector<uint8_t> out;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::runtime_error("bad hex");
  };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  }
  return out;
}

Status CollectSink::OnEvent(const Event& ev, bool inner) {
  events.push_back(EventInfo{inner ? 0 : current_offset, ev.header, inner});
  if (on_event) on_event(ev, inner);
  return Status::Ok();
}

Status CollectSink::OnRowChange(const RowChangeEvent& row) {
  RowInfo r;
  r.schema = row.table->schema.schema;
  r.table = row.table->schema.table;
  r.op = row.change->op;
  r.event_offset = row.position->event_start();
  r.gtid = row.position->gtid();
  RenderOptions options;
  AppendRowChangeJson(row, options, &r.json);
  for (size_t i = 0; i < row.table->column_count(); ++i) {
    r.names.push_back(row.table->ColumnLabel(i));
    r.types.push_back(row.table->schema.columns[i].type);
  }
  if (row.change->before) {
    RenderRowCells(*row.table, *row.change->before, options, &r.before);
    for (const Value& v : row.change->before->values) r.before_kinds.push_back(v.kind());
  }
  if (row.change->after) {
    RenderRowCells(*row.table, *row.change->after, options, &r.after);
    for (const Value& v : row.change->after->values) r.after_kinds.push_back(v.kind());
    for (ByteView d : row.change->after->pending_json_diff) {
      r.pending_json_diff.emplace_back(AsStringView(d));
    }
  }
  rows.push_back(std::move(r));
  return Status::Ok();
}

DecodeResult DecodeFile(const std::string& path, CollectSink* sink, bool decode_rows) {
  DecodeResult result;
  PumpOptions options;
  options.decode_rows = decode_rows;
  EventPump pump(options, sink);
  auto reader = BinlogFileReader::Open(path);
  if (!reader.ok()) {
    result.status = reader.status();
    return result;
  }
  size_t slash = path.find_last_of('/');
  pump.StartFile(slash == std::string::npos ? path : path.substr(slash + 1));
  while (true) {
    auto next = (*reader)->Next();
    if (!next.ok()) {
      result.status = next.status();
      break;
    }
    if (!next.value()) break;
    sink->current_offset = next.value()->offset;
    Status st = pump.Feed(next.value()->bytes, next.value()->offset);
    if (!st.ok()) {
      result.status = st;
      break;
    }
  }
  result.stats = pump.stats();
  return result;
}

CollectSink DecodeFixture(const std::string& relative) {
  CollectSink sink;
  DecodeResult r = DecodeFile(FixturePath(relative), &sink);
  EXPECT_TRUE(r.status.ok()) << relative << ": " << r.status.ToString();
  return sink;
}

}  // namespace binlake::binlog::testing
