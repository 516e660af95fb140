// Reads CSV written by the CSV writer back with DuckDB (tests/js/duckdb_query.mjs), an
// independent parser, and checks every value, NULL and empty string comes back as written.
// The read_csv options used here are the ones README.md recommends to users.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "format/csv/csv_writer.h"
#include "format/csv/testing_memory_writer.h"
#include "support/test_servers.h"

namespace binlake {
namespace {

using ::binlake::testing::MemoryObject;
using ::binlake::testing::MemoryObjectWriter;
using json = nlohmann::json;

ColumnType Type(SqlType t) {
  ColumnType c;
  c.type = t;
  return c;
}

class CsvDuckDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/binlake_csv_duckdb_test";
    std::filesystem::create_directories(dir_);
    schema_.schema = "shop";
    schema_.table = "t";
    schema_.columns = {{"id", Type(SqlType::kInt), false},
                       {"s", Type(SqlType::kVarChar), true},
                       {"b", Type(SqlType::kBlob), true},
                       {"j", Type(SqlType::kJson), true}};
    // Each pair: the string written to column s, and DuckDB's expected value (null = NULL).
    strings_ = {"plain",
                "a,b",
                "say \"hi\"",
                "line1\nline2",
                "cr\r\nlf",
                "tab\there",
                "semi;colon",
                "",
                "NULL",
                " spaced ",
                "naïve ✓",
                "\"",
                std::string("n\0ul", 4)};
  }

  // Writes rows (Op, timestamp, id, s, b, j) with `options` and returns the file's path.
  std::string Write(const std::string& name, const CsvOptions& options) {
    OutputColumns cols;
    cols.include_op = true;
    cols.timestamp_column_name = "ts";
    auto object = std::make_shared<MemoryObject>();
    auto w = NewCsvFileWriter(schema_, cols, options, std::make_unique<MemoryObjectWriter>(object));
    EXPECT_TRUE(w.ok()) << w.status().message();
    const std::string blob("\x00\x01\xfe", 3);
    for (size_t i = 0; i < strings_.size(); ++i) {
      RowMeta meta{"IUD"[i % 3], "2024-05-01 10:00:00.000001", ""};
      std::vector<Value> row = {Value::Int(static_cast<int64_t>(i)), Value::String(strings_[i]),
                                Value::Bytes(blob), Value::Json(R"({"a": [1, "x,y"]})")};
      EXPECT_TRUE((*w)->Append(meta, row).ok());
    }
    // A row of NULLs.
    std::vector<Value> nulls = {Value::Int(99), Value::Null(), Value::Null(), Value::Null()};
    EXPECT_TRUE((*w)->Append(RowMeta{'D', "2024-05-01 10:00:00.000002", ""}, nulls).ok());
    EXPECT_TRUE((*w)->Finish().ok());
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << object->data;
    return path;
  }

  json Expected() const {
    json rows = json::array();
    for (size_t i = 0; i < strings_.size(); ++i) {
      rows.push_back({{"Op", std::string(1, "IUD"[i % 3])},
                      {"ts", "2024-05-01 10:00:00.000001"},
                      {"id", std::to_string(i)},
                      {"s", strings_[i]},
                      {"b", "0001fe"},
                      {"j", R"({"a":[1,"x,y"]})"}});
    }
    rows.push_back({{"Op", "D"},
                    {"ts", "2024-05-01 10:00:00.000002"},
                    {"id", "99"},
                    {"s", nullptr},
                    {"b", nullptr},
                    {"j", nullptr}});
    return rows;
  }

  json Query(const std::string& sql) {
    using binlake::testing::RunShell;
    using binlake::testing::ShellQuote;
    const std::string script = binlake::testing::SourceDir() + "/tests/js/duckdb_query.mjs";
    auto r = RunShell("node " + ShellQuote(script) + " " + ShellQuote(sql));
    EXPECT_EQ(r.exit_code, 0) << "duckdb_query.mjs failed (run scripts/setup.sh?): " << r.err;
    if (r.exit_code != 0) return json();
    return json::parse(r.out);
  }

  std::string dir_;
  TableSchema schema_;
  std::vector<std::string> strings_;
};

TEST_F(CsvDuckDbTest, DefaultsKeepEmptyStringAndNullApart) {
  CsvOptions o;  // ',' '\n', NULL = empty unquoted field, empty string = ""
  o.header = true;
  std::string path = Write("default.csv", o);
  json got = Query("select * from read_csv('" + path +
                   "', delim=',', quote='\"', escape='\"', new_line='\\n', header=true, "
                   "all_varchar=true, allow_quoted_nulls=false)");
  EXPECT_EQ(got, Expected());
}

TEST_F(CsvDuckDbTest, SemicolonCrLfAndNullMarker) {
  CsvOptions o;
  o.header = true;
  o.delimiter = ";";
  o.row_delimiter = "\r\n";
  o.null_value = "NULL";  // then the string "NULL" is written quoted and "" as an empty field
  std::string path = Write("semi.csv", o);
  json got = Query("select * from read_csv('" + path +
                   "', delim=';', quote='\"', escape='\"', new_line='\\r\\n', header=true, "
                   "all_varchar=true, nullstr='NULL', allow_quoted_nulls=false)");
  EXPECT_EQ(got, Expected());
}

TEST_F(CsvDuckDbTest, TabDelimitedGzip) {
  CsvOptions o;
  o.header = true;
  o.delimiter = "\t";
  o.gzip = true;
  std::string path = Write("tab.csv.gz", o);
  json got = Query("select * from read_csv('" + path +
                   "', delim='\\t', quote='\"', escape='\"', new_line='\\n', header=true, "
                   "all_varchar=true, allow_quoted_nulls=false)");
  EXPECT_EQ(got, Expected());
}

}  // namespace
}  // namespace binlake
