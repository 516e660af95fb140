// Writes the same sysbench-like rows through binlake's Parquet writer and through DuckDB's
// COPY ... (FORMAT parquet) with the same codec, row group size and Parquet version, and prints
// both file sizes and their ratio (binlake / DuckDB) per codec.
//
// Usage: parquet_size_compare [rows=200000] [row_group=10000] [codec=all|none|snappy|gzip|zstd]
//                             [binlake compression level, 0 = default]
// Needs node and tests/js/node_modules (scripts/setup.sh). Exit 1 on any failure.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "format/parquet/parquet_test_util.h"
#include "format/parquet/parquet_writer.h"
#include "format/parquet/sysbench_rows.h"

namespace binlake::bench {

using parquet::testing::MakeSysbenchRows;
using parquet::testing::SysbenchRows;
namespace {

using parquet::Codec;

int Run(size_t rows, uint64_t row_group, const std::string& only, int level) {
  SysbenchRows data = MakeSysbenchRows(rows);
  parquet::testing::TempDir temp;
  const char* keep = std::getenv("BINLAKE_KEEP_DIR");  // keep the files there if set
  std::string dir_path = keep != nullptr ? keep : temp.path();
  // The rows as CSV for DuckDB to load (no quoting needed: digits and dashes only).
  std::string csv_path = dir_path + "/rows.csv";
  {
    std::ofstream csv(csv_path);
    for (size_t i = 0; i < rows; ++i) {
      csv << data.id[i] << ',' << data.k[i] << ',' << data.c[i] << ',' << data.pad[i] << '\n';
    }
  }
  std::printf("rows=%zu row_group=%llu version=1.0 encoding=rle-dictionary\n", rows,
              static_cast<unsigned long long>(row_group));
  std::printf("%-8s %14s %14s %8s\n", "codec", "binlake_bytes", "duckdb_bytes", "ratio");
  const std::pair<Codec, const char*> codecs[] = {{Codec::kUncompressed, "uncompressed"},
                                                  {Codec::kSnappy, "snappy"},
                                                  {Codec::kGzip, "gzip"},
                                                  {Codec::kZstd, "zstd"}};
  for (const auto& [codec, duck_name] : codecs) {
    std::string name(duck_name);
    if (only != "all" && only != name && !(only == "none" && codec == Codec::kUncompressed)) {
      continue;
    }
    std::string ours = dir_path + "/binlake_" + name + ".parquet";
    std::string theirs = dir_path + "/duckdb_" + name + ".parquet";
    ParquetWriterOptions o;
    o.codec = codec;
    o.compression_level = level;
    o.row_group_length = row_group;
    auto w =
        NewParquetFileWriter(data.schema, OutputColumns{}, o, parquet::testing::NewFileSink(ours));
    if (!w.ok()) {
      std::fprintf(stderr, "%s\n", w.status().ToString().c_str());
      return 1;
    }
    for (size_t i = 0; i < rows; ++i) {
      auto row = data.Row(i);
      Status s = (*w)->Append(RowMeta{}, row);
      if (!s.ok()) {
        std::fprintf(stderr, "%s\n", s.ToString().c_str());
        return 1;
      }
    }
    Status s = (*w)->Finish();
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    auto copy = parquet::testing::DuckDbQuery(
        {"SET threads=1",
         "COPY (SELECT * FROM read_csv(" + parquet::testing::SqlQuote(csv_path) +
             ", header=false, columns={'id':'INTEGER','k':'INTEGER','c':'VARCHAR',"
             "'pad':'VARCHAR'})) TO " +
             parquet::testing::SqlQuote(theirs) + " (FORMAT parquet, COMPRESSION " + name +
             ", ROW_GROUP_SIZE " + std::to_string(row_group) + ")",
         "SELECT 1 AS ok"});
    if (!copy.ok()) {
      std::fprintf(stderr, "duckdb: %s\n", copy.status().ToString().c_str());
      return 1;
    }
    uint64_t a = std::filesystem::file_size(ours);
    uint64_t b = std::filesystem::file_size(theirs);
    std::printf("%-8s %14llu %14llu %8.3f\n", name.c_str(), static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b), static_cast<double>(a) / b);
  }
  return 0;
}

}  // namespace
}  // namespace binlake::bench

int main(int argc, char** argv) {
  size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
  uint64_t row_group = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10000;
  std::string codec = argc > 3 ? argv[3] : "all";
  int level = argc > 4 ? std::atoi(argv[4]) : 0;
  if (std::getenv("BINLAKE_SOURCE_DIR") == nullptr)
    setenv("BINLAKE_SOURCE_DIR", BINLAKE_SOURCE_DIR_DEFAULT, 0);
  return binlake::bench::Run(rows, row_group, codec, level);
}
