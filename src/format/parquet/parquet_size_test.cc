// File size against DuckDB's own writer: the same sysbench-like rows written by binlake and by
// DuckDB's COPY ... (FORMAT parquet) with the same codec and row group size must be within 10%
// (issue 5). Sizes are deterministic, so this is an honest unit assertion.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "format/parquet/parquet_test_util.h"
#include "format/parquet/parquet_writer.h"
#include "format/parquet/sysbench_rows.h"

namespace binlake::parquet {
namespace {

TEST(ParquetSize, WithinTenPercentOfDuckDb) {
  constexpr size_t kRows = 50000;
  testing::SysbenchRows data = testing::MakeSysbenchRows(kRows);
  testing::TempDir dir;
  std::string csv_path = dir.path() + "/rows.csv";
  {
    std::ofstream csv(csv_path);
    for (size_t i = 0; i < kRows; ++i) {
      csv << data.id[i] << ',' << data.k[i] << ',' << data.c[i] << ',' << data.pad[i] << '\n';
    }
  }
  const std::pair<Codec, const char*> codecs[] = {{Codec::kUncompressed, "uncompressed"},
                                                  {Codec::kSnappy, "snappy"},
                                                  {Codec::kGzip, "gzip"},
                                                  {Codec::kZstd, "zstd"}};
  for (const auto& [codec, name] : codecs) {
    std::string ours = dir.path() + "/binlake_" + name + ".parquet";
    std::string theirs = dir.path() + "/duckdb_" + name + ".parquet";
    ParquetWriterOptions o;
    o.codec = codec;
    auto w = NewParquetFileWriter(data.schema, OutputColumns{}, o, testing::NewFileSink(ours));
    ASSERT_TRUE(w.ok());
    for (size_t i = 0; i < kRows; ++i) ASSERT_TRUE((*w)->Append(RowMeta{}, data.Row(i)).ok());
    ASSERT_TRUE((*w)->Finish().ok());
    auto copy = testing::DuckDbQuery(
        {"SET threads=1",
         "COPY (SELECT * FROM read_csv(" + testing::SqlQuote(csv_path) +
             ", header=false, columns={'id':'INTEGER','k':'INTEGER','c':'VARCHAR',"
             "'pad':'VARCHAR'})) TO " +
             testing::SqlQuote(theirs) +
             " (FORMAT parquet, "
             "COMPRESSION " +
             name + ", ROW_GROUP_SIZE " + std::to_string(o.row_group_length) + ")",
         "SELECT count(*) AS n FROM read_parquet(" + testing::SqlQuote(ours) + ")"});
    ASSERT_TRUE(copy.ok()) << copy.status().ToString();
    EXPECT_EQ((*copy)[0]["n"], std::to_string(kRows));
    double ratio = static_cast<double>(std::filesystem::file_size(ours)) /
                   static_cast<double>(std::filesystem::file_size(theirs));
    std::printf("%-12s binlake/duckdb size ratio %.3f\n", name, ratio);
    EXPECT_LT(ratio, 1.10) << name;
  }
}

}  // namespace
}  // namespace binlake::parquet
