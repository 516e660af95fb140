// `binlake materialize --layout training` end to end: a real MariaDB table, full load and CDC
// (an update, a primary-key change, a delete, an insert), then the table materialized as
// RecordIO-protobuf and as training CSV. The objects are read back independently by
// tests/integration/training_reader.py (RecordIO framing per its spec; the Record schema
// compiled by Debian's protoc for Python; Python's csv module) and compared with the source's
// rows, queried from MariaDB, in key order.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/testing/temp_dir.h"
#include "support/cdc_oracle.h"
#include "support/readers.h"
#include "support/test_servers.h"

namespace binlake {
namespace {

namespace fs = std::filesystem;
using testing::BinlakeProcess;
using testing::CommandResult;
using testing::MariaDbServer;
using testing::ShellQuote;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

class TrainingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = MariaDbServer::Start({"binlog_row_metadata=FULL"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
    Status created = server_->Execute(
        "CREATE DATABASE app;"
        "CREATE TABLE app.houses (id INT PRIMARY KEY, rooms SMALLINT, area DECIMAL(8,2), "
        "price DOUBLE, built YEAR, city VARCHAR(20), sold TINYINT NOT NULL);"
        "INSERT INTO app.houses SELECT seq, IF(seq = 17, NULL, seq % 9), seq * 1.37, "
        "seq * 1000.25 - 7, 1950 + seq % 70, CONCAT('c, \"', seq % 7, '\"'), seq % 2 "
        "FROM app.seq_1_to_3000");
    ASSERT_TRUE(created.ok()) << created.ToString();
    const std::string source = "--source " + server_->RootUrl() + " --tls-mode disabled";
    ASSERT_EQ(testing::RunBinlake("full-load --progress off " + source + " --target " + Target())
                  .exit_code,
              0);
    BinlakeProcess cdc("cdc " + source + " --target " + Target() + " --set CdcMaxBatchInterval=1");
    ASSERT_TRUE(server_
                    ->Execute("UPDATE app.houses SET sold = 1 - sold, price = -0.5 WHERE id = 5;"
                              "UPDATE app.houses SET id = 5000 WHERE id = 6;"
                              "DELETE FROM app.houses WHERE id = 7;"
                              "INSERT INTO app.houses VALUES (4000, 3, 99.99, 1e15, 2024, "
                              "'new', 1)")
                    .ok());
    ASSERT_TRUE(testing::WaitForCheckpoint("--target " + Target(), server_->MasterPosition(),
                                           std::chrono::seconds(120)))
        << cdc.Log();
    ASSERT_TRUE(cdc.Kill(SIGTERM)) << cdc.Log();
  }
  std::string Target() const { return ShellQuote("file://" + dir_.path() + "/target"); }
  CommandResult Materialize(const std::string& output, const std::string& flags) {
    return testing::RunBinlake("materialize --target " + Target() + " --output " +
                               ShellQuote("file://" + dir_.path() + "/" + output) + " " + flags);
  }
  // The objects of app.houses in an output, in name order.
  std::vector<std::string> Objects(const std::string& output, const std::string& extension) {
    std::vector<std::string> files;
    const fs::path dir = fs::path(dir_.path()) / output / "app" / "houses";
    if (!fs::exists(dir)) return files;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() == extension) files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
  }
  // training_reader.py's lines for `files`.
  std::vector<std::string> Read(const std::string& kind, const std::vector<std::string>& files) {
    const std::string source = std::getenv("BINLAKE_SOURCE_DIR");
    const std::string modules = dir_.path() + "/pb";
    fs::create_directories(modules);
    CommandResult protoc =
        testing::RunShell("protoc --proto_path=" + ShellQuote(source + "/src/format/recordio") +
                          " --python_out=" + ShellQuote(modules) + " sagemaker_record.proto");
    EXPECT_EQ(protoc.exit_code, 0) << protoc.err;
    std::string command = "/usr/bin/python3 " +
                          ShellQuote(source + "/tests/integration/training_reader.py") + " " +
                          kind + " " + ShellQuote(modules);
    for (const std::string& f : files) command += " " + ShellQuote(f);
    CommandResult r = testing::RunShell(command);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Lines(r.out);
  }
  std::vector<testing::SqlRow> Source(const std::string& columns) {
    auto rows = server_->Query("SELECT " + columns + " FROM app.houses ORDER BY id");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : std::vector<testing::SqlRow>{};
  }

  TempDir dir_{"binlake-training"};
  std::unique_ptr<MariaDbServer> server_;
};

TEST_F(TrainingTest, RecordIoProtobufObjectsHoldTheTablesRowsAsFloat32InKeyOrder) {
  // A NULL without --null-as: one line naming the column and the row, nothing written.
  CommandResult null = Materialize("rec",
                                   "--layout training --label sold --drop city "
                                   "--training-format recordio-protobuf --objects-min 4");
  EXPECT_EQ(null.exit_code, 1);
  EXPECT_EQ(null.err,
            "binlake: error: materializing app.houses: table app.houses: column 'rooms' is NULL "
            "in the row with id=17: give --null-as VALUE, or leave the column out\n");
  EXPECT_TRUE(Objects("rec", ".recordio").empty());
  EXPECT_FALSE(fs::exists(dir_.path() + "/rec/_binlake/materialization.json"));
  // A text column: refused before anything is read.
  CommandResult text = Materialize("rec",
                                   "--layout training --label sold "
                                   "--training-format recordio-protobuf");
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.err.find("column 'city' is varchar: recordio-protobuf holds numbers only"),
            std::string::npos)
      << text.err;

  CommandResult r = Materialize("rec",
                                "--layout training --label sold --drop city "
                                "--training-format recordio-protobuf --objects-min 4 "
                                "--null-as -1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> objects = Objects("rec", ".recordio");
  EXPECT_EQ(objects.size(), 4u);
  const std::vector<std::string> lines = Read("recordio-protobuf", objects);
  const auto rows = Source("sold, id, rooms, area, price, built");
  ASSERT_EQ(lines.size(), rows.size());
  ASSERT_EQ(rows.size(), 3000u);  // 3000 - 1 deleted + 1 inserted
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::vector<std::string> got = Words(lines[i]);
    ASSERT_EQ(got.size(), rows[i].size()) << lines[i];
    for (size_t c = 0; c < got.size(); ++c) {
      const std::string want = rows[i][c].value_or("-1");
      // Python's repr of the float32 value, read as a double, equals the source's text rounded
      // to float32.
      EXPECT_EQ(std::strtod(got[c].c_str(), nullptr),
                static_cast<double>(std::strtof(want.c_str(), nullptr)))
          << "row " << i << " column " << c << ": " << lines[i] << " vs " << want;
    }
  }
  // Each object is whole (the reader read each to its end) and the manifest says what they are.
  std::ifstream manifest(dir_.path() + "/rec/_binlake/materialization.json");
  nlohmann::json m = nlohmann::json::parse(manifest);
  EXPECT_EQ(m["file_format"], "training-recordio-protobuf");
  EXPECT_EQ(m["tables"][0]["training"]["label"], "sold");
  EXPECT_EQ(m["tables"][0]["training"]["features"],
            nlohmann::json({"id", "rooms", "area", "price", "built"}));
  EXPECT_EQ(m["tables"][0]["rows"], 3000);
}

TEST_F(TrainingTest, CsvObjectsHaveNoHeaderTheLabelFirstAndTheFeaturesInTheirOrder) {
  CommandResult usage = Materialize("csv", "--label price");
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_EQ(usage.err, "binlake: error: --label needs --layout training\n");

  CommandResult r = Materialize("csv",
                                "--layout training --label price --features "
                                "city,area,rooms --null-as NA --objects-min 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> objects = Objects("csv", ".csv");
  EXPECT_EQ(objects.size(), 3u);
  const std::vector<std::string> lines = Read("csv", objects);
  const auto rows = Source("price, city, area, rooms");
  ASSERT_EQ(lines.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    // JSON strings separated by spaces (the city holds one too): the label, then the rest.
    const double price = std::strtod(rows[i][0]->c_str(), nullptr);
    const std::string line = lines[i];
    ASSERT_EQ(line.front(), '"') << line;
    const size_t end = line.find('"', 1);
    EXPECT_EQ(std::strtod(line.substr(1, end - 1).c_str(), nullptr), price) << line;
    const std::string rest = line.substr(end + 1);
    const std::string want = " " + nlohmann::json(*rows[i][1]).dump() + " " +
                             nlohmann::json(*rows[i][2]).dump() + " " +
                             nlohmann::json(rows[i][3].value_or("NA")).dump();
    EXPECT_EQ(rest, want) << "row " << i;
  }
}

}  // namespace
}  // namespace binlake
