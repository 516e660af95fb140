// Encode throughput of the Parquet writer against CSV rendering of the same sysbench-like rows
// (rows/s; both into a sink that only counts bytes, so this is CPU cost, not I/O).
// BM_Csv is render_text plus the RFC 4180 quoting scan and delimiters, i.e. the work of a CSV
// writer; its GZIP variant compresses the text with zlib level 1, the default GZIP level of both
// formats (CompressionLevel 0). BM_CsvFileWriter is binlake's CSV writer itself, with the Op
// column as CDC writes it (the CPU a CDC catch-up spends per row on CSV).
//
// Run: build/bench/parquet/parquet_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <zlib.h>

#include "common/render_text.h"
#include "format/csv/csv_writer.h"
#include "format/parquet/parquet_test_util.h"
#include "format/parquet/parquet_writer.h"
#include "format/parquet/sysbench_rows.h"

namespace binlake::bench {

using parquet::testing::MakeSysbenchRows;
using parquet::testing::SysbenchRows;
namespace {

constexpr size_t kRows = 100000;

const SysbenchRows& Rows() {
  static const SysbenchRows rows = MakeSysbenchRows(kRows);
  return rows;
}

void BM_Csv(benchmark::State& state) {
  const bool gzip = state.range(0) != 0;
  const SysbenchRows& data = Rows();
  RenderOptions render;
  std::string buf, compressed;
  for (auto _ : state) {
    parquet::testing::CountingSink sink;
    z_stream z{};
    if (gzip) deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    auto flush = [&](bool finish) {
      if (!gzip) {
        (void)sink.Write(buf);
      } else {
        compressed.resize(deflateBound(&z, buf.size()) + 64);
        z.next_in = reinterpret_cast<Bytef*>(buf.data());
        z.avail_in = static_cast<uInt>(buf.size());
        z.next_out = reinterpret_cast<Bytef*>(compressed.data());
        z.avail_out = static_cast<uInt>(compressed.size());
        deflate(&z, finish ? Z_FINISH : Z_NO_FLUSH);
        (void)sink.Write(std::string_view(compressed.data(), compressed.size() - z.avail_out));
      }
      buf.clear();
    };
    std::string field;
    for (size_t i = 0; i < kRows; ++i) {
      auto row = data.Row(i);
      for (size_t c = 0; c < row.size(); ++c) {
        if (c) buf.push_back(',');
        field.clear();
        AppendValueText(row[c], data.schema.columns[c].type, render, &field);
        if (field.find_first_of(",\"\n\r") != std::string::npos) {
          buf.push_back('"');
          for (char ch : field) {
            if (ch == '"') buf.push_back('"');
            buf.push_back(ch);
          }
          buf.push_back('"');
        } else {
          buf.append(field);
        }
      }
      buf.push_back('\n');
      if (buf.size() >= (1 << 20)) flush(false);
    }
    flush(true);
    if (gzip) deflateEnd(&z);
    benchmark::DoNotOptimize(sink.bytes_written());
    state.counters["bytes"] = static_cast<double>(sink.bytes_written());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
}
BENCHMARK(BM_Csv)->ArgNames({"gzip"})->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_CsvFileWriter(benchmark::State& state) {
  const SysbenchRows& data = Rows();
  std::vector<std::vector<Value>> rows;
  for (size_t i = 0; i < kRows; ++i) rows.push_back(data.Row(i));
  OutputColumns columns;
  columns.include_op = true;
  for (auto _ : state) {
    auto sink = std::make_unique<parquet::testing::CountingSink>();
    auto* counting = sink.get();
    auto w = NewCsvFileWriter(data.schema, columns, CsvOptions{}, std::move(sink));
    if (!w.ok()) {
      state.SkipWithError(w.status().ToString().c_str());
      return;
    }
    for (const std::vector<Value>& row : rows) {
      if (!(*w)->Append(RowMeta{'I', {}, {}}, row).ok()) {
        state.SkipWithError("append failed");
        return;
      }
    }
    if (!(*w)->Finish().ok()) state.SkipWithError("finish failed");
    state.counters["bytes"] = static_cast<double>(counting->bytes_written());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
}
BENCHMARK(BM_CsvFileWriter)->Unit(benchmark::kMillisecond);

void BM_Parquet(benchmark::State& state) {
  const SysbenchRows& data = Rows();
  ParquetWriterOptions o;
  o.codec = static_cast<parquet::Codec>(state.range(0));
  o.version = state.range(1) == 2 ? ParquetVersion::k2_0 : ParquetVersion::k1_0;
  for (auto _ : state) {
    auto sink = std::make_unique<parquet::testing::CountingSink>();
    auto* counting = sink.get();
    auto w = NewParquetFileWriter(data.schema, OutputColumns{}, o, std::move(sink));
    if (!w.ok()) {
      state.SkipWithError(w.status().ToString().c_str());
      return;
    }
    for (size_t i = 0; i < kRows; ++i) {
      auto row = data.Row(i);
      if (!(*w)->Append(RowMeta{}, row).ok()) {
        state.SkipWithError("append failed");
        return;
      }
    }
    if (!(*w)->Finish().ok()) state.SkipWithError("finish failed");
    state.counters["bytes"] = static_cast<double>(counting->bytes_written());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
}
// codec: 0 UNCOMPRESSED, 1 SNAPPY, 2 GZIP, 6 ZSTD (parquet.thrift numbers); version 1 or 2.
BENCHMARK(BM_Parquet)
    ->ArgNames({"codec", "version"})
    ->Args({0, 1})
    ->Args({0, 2})
    ->Args({1, 1})
    ->Args({2, 1})
    ->Args({6, 1})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace binlake::bench

BENCHMARK_MAIN();
