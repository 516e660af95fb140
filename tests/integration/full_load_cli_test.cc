// End-to-end tests of `binlake full-load` against a real MariaDB, with DuckDB as the independent
// reader of what was written. The expected values come from the server itself (SQL casts), never
// from binlake's own rendering code.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "integration/all_types_fixture.h"
#include "support/readers.h"
#include "support/test_servers.h"

namespace binlake {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::DuckDbQuery;
using testing::DuckQuote;
using testing::MariaDbServer;
using testing::RunBinlake;
using testing::ShellQuote;

// All files under `dir` whose name starts with LOAD, sorted by name.
std::vector<fs::path> LoadFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::exists(dir)) return files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("LOAD", 0) == 0) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string Concatenate(const std::vector<fs::path>& files) {
  std::string all;
  for (const auto& f : files) all += testing::ReadFileBytes(f);
  return all;
}

class FullLoadCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // A non-UTC server time zone: binlake must still write TIMESTAMP values in UTC.
    auto s = MariaDbServer::Start({"default-time-zone='+05:30'"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value().release();
    ASSERT_TRUE(server_->Execute(kSchema).ok());
    ASSERT_TRUE(server_->Execute(testing::kAllTypesCreate).ok());
    ASSERT_TRUE(server_->Execute(kRows).ok());
    ASSERT_TRUE(server_
                    ->Execute(std::string("SET SESSION sql_mode = ''; SET SESSION time_zone = "
                                          "'+00:00';") +
                              testing::kAllTypesRows)
                    .ok());
    std::string orders = "INSERT INTO shop.orders VALUES ";
    for (int i = 1; i <= 60000; ++i) {
      // Ids with gaps; a few NULL notes; amounts with cents.
      orders += (i > 1 ? "," : "") + std::string("(") + std::to_string(i * 3) + "," +
                std::to_string(i % 97) + "," + std::to_string(i) + "." + std::to_string(i % 100) +
                "," + (i % 13 ? "'note " + std::to_string(i) + "'" : "NULL") + ")";
    }
    ASSERT_TRUE(server_->Execute(orders).ok());
  }
  static void TearDownTestSuite() { delete server_; }

  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("binlake-fl-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Source() const { return "--source " + server_->RootUrl() + " --tls-mode disabled"; }
  std::string Target(const std::string& sub) const {
    return "--target " + ShellQuote("file://" + (dir_ / sub).string());
  }
  CommandResult Load(const std::string& sub, const std::string& extra) {
    return RunBinlake("full-load " + Source() + " " + Target(sub) + " --progress off " + extra);
  }

  static constexpr const char* kSchema = R"sql(
    SET SESSION sql_mode = '';
    CREATE DATABASE types;
    CREATE DATABASE shop;
    CREATE TABLE shop.orders (id BIGINT PRIMARY KEY, customer INT, amount DECIMAL(12,2),
                              note VARCHAR(50));
    CREATE TABLE shop.nopk (x INT, y VARCHAR(10));
    INSERT INTO shop.nopk VALUES (1, 'a'), (1, 'a'), (NULL, NULL);
    CREATE TABLE shop.empty_table (id INT PRIMARY KEY);
  )sql";

  static constexpr const char* kRows = R"sql(
    SET SESSION sql_mode = ''; SET SESSION time_zone = '+00:00';
)sql";

  static MariaDbServer* server_;
  fs::path dir_;
};
MariaDbServer* FullLoadCliTest::server_ = nullptr;

// The text each column must have, computed by the server (UTC session), or "float"/"double"
// markers for numeric comparison.
struct ExpectedColumn {
  std::string name;
  std::string expression;
  enum Compare { kText, kFloat, kDouble } compare = kText;
};

std::vector<ExpectedColumn> AllTypesExpectations() {
  std::vector<ExpectedColumn> cols;
  auto text = [&](const std::string& n) { cols.push_back({n, "CAST(`" + n + "` AS CHAR)"}); };
  auto hex = [&](const std::string& n) { cols.push_back({n, "LOWER(HEX(`" + n + "`))"}); };
  text("id");
  for (auto n : {"ti", "tiu", "si", "mi", "i", "bi", "biu", "dec0", "dec65", "dsm"}) text(n);
  cols.push_back({"f", "CAST(`f` + 0e0 AS CHAR)", ExpectedColumn::kFloat});
  cols.push_back({"d", "CAST(`d` AS CHAR)", ExpectedColumn::kDouble});
  cols.push_back({"b1", "CAST(`b1` + 0 AS CHAR)"});
  cols.push_back({"b64", "CAST(`b64` + 0 AS CHAR)"});
  for (auto n : {"y", "dt", "t0", "t6", "dt0", "dt3", "dt6", "ts0", "ts6", "c", "vc", "tx", "l1"}) {
    text(n);
  }
  for (auto n : {"bn", "vb", "bl"}) hex(n);
  text("e");
  text("s");
  cols.push_back({"j", "JSON_COMPACT(`j`)"});
  hex("g");
  return cols;
}

TEST_F(FullLoadCliTest, EveryTypeReadsBackThroughDuckDbAsTheServerHasIt) {
  CommandResult r = Load("out", "--threads 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  fs::path file = dir_ / "out/types/all_types/LOAD00000001.csv";
  ASSERT_TRUE(fs::exists(file)) << r.out << r.err;

  std::vector<ExpectedColumn> cols = AllTypesExpectations();
  std::string names, select;
  for (size_t i = 0; i < cols.size(); ++i) {
    names += (i ? "," : "") + DuckQuote(cols[i].name);
    select += (i ? ", " : "") + cols[i].expression;
  }
  auto expected = server_->Query("SELECT " + select + " FROM types.all_types ORDER BY id",
                                 "SET time_zone = '+00:00'");
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  auto actual = DuckDbQuery({"SELECT * FROM read_csv(" + DuckQuote(file.string()) +
                             ", header=false, all_varchar=true, allow_quoted_nulls=false, "
                             "quote='\"', escape='\"', delim=',', names=[" +
                             names + "]) ORDER BY CAST(id AS INTEGER)"});
  ASSERT_TRUE(actual.ok()) << actual.status().ToString();
  ASSERT_EQ(actual->size(), expected->size());
  for (size_t r = 0; r < expected->size(); ++r) {
    for (size_t c = 0; c < cols.size(); ++c) {
      const auto& want = (*expected)[r][c];
      const auto& got = (*actual)[r].at(cols[c].name);
      SCOPED_TRACE("row id " + (*expected)[r][0].value_or("?") + " column " + cols[c].name);
      ASSERT_EQ(want.has_value(), got.has_value())
          << "want " << want.value_or("NULL") << " got " << got.value_or("NULL");
      if (!want) continue;
      if (cols[c].compare == ExpectedColumn::kFloat) {
        // strtod/strtof, not stod: they accept subnormals.
        float w = static_cast<float>(std::strtod(want->c_str(), nullptr));
        float g = std::strtof(got->c_str(), nullptr);
        EXPECT_EQ(w, g) << *want << " vs " << *got;
        EXPECT_EQ(std::signbit(w), std::signbit(g));
      } else if (cols[c].compare == ExpectedColumn::kDouble) {
        double w = std::strtod(want->c_str(), nullptr);
        double g = std::strtod(got->c_str(), nullptr);
        EXPECT_EQ(w, g) << *want << " vs " << *got;
        EXPECT_EQ(std::signbit(w), std::signbit(g));
      } else {
        EXPECT_EQ(*want, *got);
      }
    }
  }
  // The snapshot's position is in the task state, for CDC.
  std::string state = testing::ReadFileBytes(dir_ / "out/_binlake/full_load.json");
  EXPECT_NE(state.find("\"status\": \"complete\""), std::string::npos);
  EXPECT_NE(state.find("\"binlog_file\": \"binlog."), std::string::npos);
  // A table without rows has no folder (as DMS), one without a primary key is still loaded.
  EXPECT_FALSE(fs::exists(dir_ / "out/shop/empty_table"));
  EXPECT_EQ(testing::ReadFileBytes(dir_ / "out/shop/nopk/LOAD00000001.csv"), "1,a\n1,a\n,\n");
}

TEST_F(FullLoadCliTest, ParallelChunksAndSmallFilesGiveTheSameBytesAsOneReader) {
  CommandResult one = Load("one", "--threads 1");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  CommandResult many = Load("many", "--threads 4 --chunk-rows 5000 --set MaxFileSize=64");
  ASSERT_EQ(many.exit_code, 0) << many.err;
  auto one_files = LoadFiles(dir_ / "one/shop/orders");
  auto many_files = LoadFiles(dir_ / "many/shop/orders");
  ASSERT_EQ(one_files.size(), 1u);
  EXPECT_GT(many_files.size(), 10u);
  for (const auto& f : many_files) EXPECT_LE(fs::file_size(f), 64u * 1024 + 100);
  EXPECT_EQ(Concatenate(many_files), Concatenate(one_files));
  auto counts =
      DuckDbQuery({"SELECT count(*) AS n, sum(column0) AS s, count(column3) AS notes "
                   "FROM read_csv(" +
                   DuckQuote((dir_ / "many/shop/orders").string() + "/LOAD*.csv") +
                   ", header=false, allow_quoted_nulls=false)"});
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  auto server = server_->Query("SELECT count(*), sum(id), count(note) FROM shop.orders");
  ASSERT_TRUE(server.ok());
  EXPECT_EQ((*counts)[0].at("n"), (*server)[0][0]);
  EXPECT_EQ((*counts)[0].at("s"), (*server)[0][1]);
  EXPECT_EQ((*counts)[0].at("notes"), (*server)[0][2]);
}

TEST_F(FullLoadCliTest, RunningAgainReplacesTheFilesWithIdenticalOnes) {
  ASSERT_EQ(Load("out", "--threads 3 --chunk-rows 7000 --set MaxFileSize=32").exit_code, 0);
  auto first = LoadFiles(dir_ / "out/shop/orders");
  std::string first_bytes = Concatenate(first);
  ASSERT_EQ(Load("out", "--threads 2 --chunk-rows 9000 --set MaxFileSize=128").exit_code, 0);
  auto second = LoadFiles(dir_ / "out/shop/orders");
  EXPECT_LT(second.size(), first.size());  // the earlier run's extra files are gone
  EXPECT_EQ(Concatenate(second), first_bytes);
  ASSERT_EQ(Load("out", "--threads 3 --chunk-rows 7000 --set MaxFileSize=32").exit_code, 0);
  auto third = LoadFiles(dir_ / "out/shop/orders");
  ASSERT_EQ(third.size(), first.size());
  for (size_t i = 0; i < third.size(); ++i)
    EXPECT_EQ(testing::ReadFileBytes(third[i]), testing::ReadFileBytes(first[i]));
}

TEST_F(FullLoadCliTest, GzipHeaderOpTimestampAndDelimiter) {
  CommandResult r = Load("out",
                         "--set CompressionType=GZIP --set AddColumnName=true "
                         "--set IncludeOpForFullLoad=true --set TimestampColumnName=loaded_at "
                         "--set CsvDelimiter=';'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  fs::path file = dir_ / "out/shop/orders/LOAD00000001.csv.gz";
  ASSERT_TRUE(fs::exists(file));
  auto rows = DuckDbQuery(
      {"SELECT count(*) AS n, min(Op) AS op_min, max(Op) AS op_max, "
       "count(TRY_CAST(loaded_at AS TIMESTAMP)) AS ts, sum(id) AS s FROM "
       "read_csv(" +
       DuckQuote(file.string()) + ", header=true, delim=';', allow_quoted_nulls=false)"});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)[0].at("n"), "60000");
  EXPECT_EQ((*rows)[0].at("op_min"), "I");
  EXPECT_EQ((*rows)[0].at("op_max"), "I");
  EXPECT_EQ((*rows)[0].at("ts"), "60000");
  auto sum = server_->Query("SELECT sum(id) FROM shop.orders");
  EXPECT_EQ((*rows)[0].at("s"), (*sum)[0][0]);
}

TEST_F(FullLoadCliTest, TableMappingsSelectExcludeAndFilter) {
  std::string mappings = (dir_ / "mappings.json").string();
  std::ofstream(mappings) << R"({"rules":[
    {"rule-type":"selection","rule-id":"1","rule-name":"shop","rule-action":"include",
     "object-locator":{"schema-name":"sho_","table-name":"%"}},
    {"rule-type":"selection","rule-id":"2","rule-name":"no-nopk","rule-action":"exclude",
     "object-locator":{"schema-name":"shop","table-name":"[n]opk"}},
    {"rule-type":"selection","rule-id":"3","rule-name":"orders","rule-action":"include",
     "object-locator":{"schema-name":"shop","table-name":"orders"},
     "filters":[{"filter-type":"source","column-name":"customer","filter-conditions":[
        {"filter-operator":"eq","value":"5"},{"filter-operator":"eq","value":"7"}]}]}]})";
  CommandResult r = Load("out", "--table-mappings " + mappings);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out/types"));
  EXPECT_FALSE(fs::exists(dir_ / "out/shop/nopk"));
  // Rule 1 selects orders unfiltered as well, so every row is loaded (OR across rules).
  auto n = DuckDbQuery({"SELECT count(*) AS n FROM read_csv(" +
                        DuckQuote((dir_ / "out/shop/orders/LOAD00000001.csv").string()) + ")"});
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ((*n)[0].at("n"), "60000");

  std::ofstream(mappings) << R"({"rules":[
    {"rule-type":"selection","rule-id":"3","rule-name":"orders","rule-action":"include",
     "object-locator":{"schema-name":"shop","table-name":"orders"},
     "filters":[{"filter-type":"source","column-name":"customer","filter-conditions":[
        {"filter-operator":"eq","value":"5"},{"filter-operator":"eq","value":"7"}]}]}]})";
  r = Load("filtered", "--table-mappings " + mappings);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto filtered = DuckDbQuery(
      {"SELECT count(*) AS n, min(column1) AS lo, max(column1) AS hi "
       "FROM read_csv(" +
       DuckQuote((dir_ / "filtered/shop/orders/LOAD00000001.csv").string()) + ", header=false)"});
  ASSERT_TRUE(filtered.ok()) << filtered.status().ToString();
  auto want = server_->Query("SELECT count(*) FROM shop.orders WHERE customer IN (5, 7)");
  EXPECT_EQ((*filtered)[0].at("n"), (*want)[0][0]);
  EXPECT_EQ((*filtered)[0].at("lo"), "5");
  EXPECT_EQ((*filtered)[0].at("hi"), "7");
}

// A table-settings rule's parallel-load "ranges": the full load reads the table in those
// segments (here of a column that is not the key: the LOAD file holds every row of customer < 30
// first, then 30..59, then the rest; binlake's own key ranges would mix them); "none" reads it
// in one piece. A column the table lacks, or boundaries out of order: one line, nothing written.
TEST_F(FullLoadCliTest, ParallelLoadRangesAreTheChunks) {
  auto mappings = [&](const std::string& parallel_load) {
    const std::string path = (dir_ / "mappings.json").string();
    std::ofstream(path) << R"({"rules":[
      {"rule-type":"selection","rule-id":"1","rule-action":"include",
       "object-locator":{"schema-name":"shop","table-name":"orders"}},
      {"rule-type":"table-settings","rule-id":"2",
       "object-locator":{"schema-name":"shop","table-name":"orders"},
       "parallel-load":)" + parallel_load +
                               "}]}";
    return "--table-mappings " + path + " --threads 3";
  };
  // The segment (0, 1, 2) of each row of the LOAD file, in file order: how often it goes back.
  auto segment_steps_back = [&](const std::string& sub, int* rows) {
    std::ifstream in(dir_ / sub / "shop/orders/LOAD00000001.csv");
    int back = 0, previous = 0;
    *rows = 0;
    for (std::string line; std::getline(in, line); ++*rows) {
      const size_t comma = line.find(',');
      const int customer = std::stoi(line.substr(comma + 1));
      const int segment = customer < 30 ? 0 : customer < 60 ? 1 : 2;
      back += segment < previous;
      previous = segment;
    }
    return back;
  };
  CommandResult r = Load(
      "ranges", mappings(R"({"type":"ranges","columns":["customer"],"boundaries":[["30"],[60]]})"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int rows = 0;
  EXPECT_EQ(segment_steps_back("ranges", &rows), 0);
  EXPECT_EQ(rows, 60000);
  r = Load("none", mappings(R"({"type":"none"})") + " --chunk-rows 5000");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(segment_steps_back("none", &rows), 0);  // key order: the segments mix
  EXPECT_EQ(rows, 60000);

  r = Load("bad1", mappings(R"({"type":"ranges","columns":["nope"],"boundaries":[["1"]]})"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.err,
            "binlake: error: table-mappings rule 2: parallel-load of shop.orders: no column "
            "'nope'\n");
  EXPECT_FALSE(fs::exists(dir_ / "bad1" / "shop"));
  r = Load("bad2",
           mappings(R"({"type":"ranges","columns":["customer"],"boundaries":[["60"],["30"]]})"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("the boundaries are not in ascending order"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "bad2" / "shop"));
}

// Bad input: one clear line on stderr, a non-zero exit, nothing written.
TEST_F(FullLoadCliTest, BadInputGivesOneLineAndNonZeroExit) {
  auto expect_one_line_error = [&](const CommandResult& r, const std::string& needle) {
    EXPECT_NE(r.exit_code, 0);
    std::string err = r.err;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    EXPECT_EQ(err.find('\n'), std::string::npos) << err;
    EXPECT_NE(err.find("binlake: error: "), std::string::npos) << err;
    EXPECT_NE(err.find(needle), std::string::npos) << err;
  };
  ASSERT_TRUE(server_
                  ->Execute("CREATE USER IF NOT EXISTS 'reader'@'%' IDENTIFIED BY 'pw-secret-9';"
                            "GRANT SELECT ON shop.orders TO 'reader'@'%';")
                  .ok());
  std::string port = std::to_string(server_->port());
  std::string reader = "--source mysql://reader@127.0.0.1:" + port + " --tls-mode disabled ";

  CommandResult r = RunBinlake("full-load " + reader + Target("x") + " --progress off",
                               "BINLAKE_SOURCE_PASSWORD=wrong-pw-77");
  expect_one_line_error(r, "Access denied");
  EXPECT_EQ(r.err.find("wrong-pw-77"), std::string::npos);

  // Missing grant: the mappings name a table the user may not read.
  std::string mappings = (dir_ / "m.json").string();
  std::ofstream(mappings) << R"({"rules":[{"rule-type":"selection","rule-id":"1",
    "rule-name":"1","rule-action":"include",
    "object-locator":{"schema-name":"types","table-name":"all_types"}}]})";
  r = RunBinlake("full-load " + reader + Target("x") + " --table-mappings " + mappings,
                 "BINLAKE_SOURCE_PASSWORD=pw-secret-9");
  expect_one_line_error(r, "SELECT grant");
  EXPECT_EQ(r.err.find("pw-secret-9"), std::string::npos);

  // With the grant the user has, the same user loads what it may read.
  r = RunBinlake("full-load " + reader + Target("ok") + " --progress off",
                 "BINLAKE_SOURCE_PASSWORD=pw-secret-9");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir_ / "ok/shop/orders/LOAD00000001.csv"));

  // Unknown table in the mappings.
  std::ofstream(mappings) << R"({"rules":[{"rule-type":"selection","rule-id":"7",
    "rule-name":"1","rule-action":"explicit",
    "object-locator":{"schema-name":"shop","table-name":"orderz"}}]})";
  r = Load("x", "--table-mappings " + mappings);
  expect_one_line_error(r, "orderz");

  // Malformed settings.
  std::string settings = (dir_ / "s.json").string();
  std::ofstream(settings) << R"({"CsvDelimiter": ",", "MaxFileSize": "big"})";
  r = Load("x", "--settings " + settings);
  expect_one_line_error(r, "MaxFileSize");
  std::ofstream(settings) << R"({"CsvDelimiterr": ","})";
  r = Load("x", "--settings " + settings);
  expect_one_line_error(r, "CsvDelimiter");

  // Unreachable source and unreachable S3 endpoint.
  r = RunBinlake("full-load --source mysql://root@127.0.0.1:1 " + Target("x"));
  expect_one_line_error(r, "127.0.0.1:1");
  r = RunBinlake("full-load " + Source() +
                     " --target s3://bucket/p --endpoint-url http://127.0.0.1:1 --path-style",
                 "AWS_ACCESS_KEY_ID=k AWS_SECRET_ACCESS_KEY=s");
  expect_one_line_error(r, "127.0.0.1:1");

  EXPECT_FALSE(fs::exists(dir_ / "x/shop"));
}

// MySQL allows any character but NUL in names: (`a/b`, `c`) and (`a`, `b/c`) would share a
// folder, `..` would climb out of its schema's folder and `.tmp-x` would look like a temporary
// file. Each gets its own folder, percent-encoded as README.md ("What is written") says.
TEST_F(FullLoadCliTest, NamesThatWouldAliasGetTheirOwnFolders) {
  ASSERT_TRUE(server_
                  ->Execute("CREATE DATABASE `a/b`; CREATE DATABASE `a`; CREATE DATABASE `odd`;"
                            "CREATE TABLE `a/b`.`c` (id INT PRIMARY KEY, v VARCHAR(20));"
                            "CREATE TABLE `a`.`b/c` (id INT PRIMARY KEY, v VARCHAR(20));"
                            "CREATE TABLE `odd`.`..` (id INT PRIMARY KEY, v VARCHAR(20));"
                            "CREATE TABLE `odd`.`.tmp-x` (id INT PRIMARY KEY, v VARCHAR(20));"
                            "CREATE TABLE `odd`.`100%` (id INT PRIMARY KEY, v VARCHAR(20));"
                            "INSERT INTO `a/b`.`c` VALUES (1, 'a/b.c');"
                            "INSERT INTO `a`.`b/c` VALUES (2, 'a.b/c');"
                            "INSERT INTO `odd`.`..` VALUES (3, 'odd...');"
                            "INSERT INTO `odd`.`.tmp-x` VALUES (4, 'odd..tmp-x');"
                            "INSERT INTO `odd`.`100%` VALUES (5, 'odd.100%');")
                  .ok());
  std::string mappings = (dir_ / "names.json").string();
  std::ofstream(mappings) << R"({"rules":[
    {"rule-type":"selection","rule-id":"1","rule-name":"a","rule-action":"include",
     "object-locator":{"schema-name":"a%","table-name":"%"}},
    {"rule-type":"selection","rule-id":"2","rule-name":"odd","rule-action":"include",
     "object-locator":{"schema-name":"odd","table-name":"%"}}]})";
  CommandResult r = Load("out", "--table-mappings " + mappings);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::pair<std::string, std::string>> want = {
      {"a%2Fb/c", "1,a/b.c\n"},       {"a/b%2Fc", "2,a.b/c\n"},
      {"odd/%2E.", "3,odd...\n"},     {"odd/%2Etmp-x", "4,odd..tmp-x\n"},
      {"odd/100%25", "5,odd.100%\n"},
  };
  for (const auto& [folder, rows] : want) {
    EXPECT_EQ(testing::ReadFileBytes(dir_ / "out" / folder / "LOAD00000001.csv"), rows) << folder;
  }
  EXPECT_FALSE(fs::exists(dir_ / "out/a/b/c"));
  ASSERT_TRUE(server_->Execute("DROP DATABASE `a/b`; DROP DATABASE `a`; DROP DATABASE `odd`").ok());
}

// A full load over a target whose CDC has committed checkpoints is refused before anything is
// written (it would replace the LOAD files under the change log that follows the old snapshot).
TEST_F(FullLoadCliTest, RefusesATargetWhereCdcHasCommitted) {
  ASSERT_EQ(Load("out", "").exit_code, 0);
  const std::string before = testing::ReadFileBytes(dir_ / "out/shop/orders/LOAD00000001.csv");
  fs::create_directories(dir_ / "out/_binlake/cdc");
  std::ofstream(dir_ / "out/_binlake/cdc/checkpoint-00000000000000000001.json") << "{}";
  CommandResult r = Load("out", "");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("holds 1 CDC checkpoint(s)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("binlake cdc"), std::string::npos) << r.err;
  std::string err = r.err;
  while (!err.empty() && err.back() == '\n') err.pop_back();
  EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  EXPECT_EQ(testing::ReadFileBytes(dir_ / "out/shop/orders/LOAD00000001.csv"), before);
}

// DataFormat=parquet: the same rows as the CSV load, read by DuckDB from both.
TEST_F(FullLoadCliTest, ParquetHoldsTheSameRowsAsCsv) {
  ASSERT_EQ(Load("csv", "--threads 2").exit_code, 0);
  for (const char* codec : {"NONE", "SNAPPY", "ZSTD", "GZIP"}) {
    SCOPED_TRACE(codec);
    std::string sub = std::string("pq-") + codec;
    CommandResult r = Load(sub, std::string("--threads 2 --set DataFormat=parquet "
                                            "--set CompressionType=") +
                                    codec + " --set RowGroupLength=5000");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(fs::exists(dir_ / sub / "shop/orders/LOAD00000001.parquet"));
    std::string aggregate =
        "count(*) AS n, sum(id) AS ids, sum(amount) AS amount, count(note) AS notes, "
        "md5(string_agg(coalesce(note, '<null>'), '|' ORDER BY id)) AS note_digest";
    auto pq =
        DuckDbQuery({"SELECT " + aggregate + " FROM read_parquet(" +
                     DuckQuote((dir_ / sub / "shop/orders/LOAD00000001.parquet").string()) + ")"});
    ASSERT_TRUE(pq.ok()) << pq.status().ToString();
    auto csv = DuckDbQuery({"SELECT " + aggregate + " FROM read_csv(" +
                            DuckQuote((dir_ / "csv/shop/orders/LOAD00000001.csv").string()) +
                            ", header=false, allow_quoted_nulls=false, names=['id','customer',"
                            "'amount','note'], types={'amount':'DECIMAL(12,2)'})"});
    ASSERT_TRUE(csv.ok()) << csv.status().ToString();
    EXPECT_EQ(*pq, *csv);
    // Every type: DuckDB reads the Parquet file of the all-types table, row for row.
    auto types = DuckDbQuery(
        {"SELECT count(*) AS n, count(dec65) AS dec65, max(biu) AS biu, "
         "min(bi) AS bi, max(vc) AS vc FROM read_parquet(" +
         DuckQuote((dir_ / sub / "types/all_types/LOAD00000001.parquet").string()) + ")"});
    ASSERT_TRUE(types.ok()) << types.status().ToString();
    EXPECT_EQ((*types)[0].at("n"), "7");
    EXPECT_EQ((*types)[0].at("dec65"), "6");
    EXPECT_EQ((*types)[0].at("biu"), "18446744073709551615");
    EXPECT_EQ((*types)[0].at("bi"), "-9223372036854775808");
  }
}

TEST_F(FullLoadCliTest, DryRunWritesNothing) {
  CommandResult r = Load("out", "--dry-run");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("shop.orders"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("shop/orders/LOAD00000001.csv"), std::string::npos) << r.out;
  EXPECT_TRUE(LoadFiles(dir_ / "out/shop/orders").empty());
  EXPECT_FALSE(fs::exists(dir_ / "out/_binlake/full_load.json"));
}

// A full load killed with SIGKILL leaves only complete files and a "running" state; running it
// again completes with exactly the files of an uninterrupted run.
TEST_F(FullLoadCliTest, KilledLoadLeavesNoPartialFileAndRerunCompletes) {
  ASSERT_EQ(Load("reference", "--threads 1 --set MaxFileSize=16").exit_code, 0);
  std::string reference = Concatenate(LoadFiles(dir_ / "reference/shop/orders"));

  // Throttle the load by making every row go through a slow target: many tiny files.
  std::string cmd = ShellQuote(testing::BinlakeProgram()) + " full-load " + Source() + " " +
                    Target("out") + " --progress off --threads 1 --set MaxFileSize=1 " +
                    ">/dev/null 2>&1 & echo $!";
  CommandResult started = testing::RunShell(cmd);
  int pid = std::atoi(started.out.c_str());
  ASSERT_GT(pid, 0);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (LoadFiles(dir_ / "out/shop/orders").size() < 20 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(::kill(pid, SIGKILL), 0) << "the load finished before it could be killed";
  testing::RunShell("while kill -0 " + std::to_string(pid) + " 2>/dev/null; do sleep 0.05; done");

  std::string state = testing::ReadFileBytes(dir_ / "out/_binlake/full_load.json");
  EXPECT_NE(state.find("\"status\": \"running\""), std::string::npos);
  // Every visible file is a complete prefix piece of the reference output, row-aligned.
  auto partial = LoadFiles(dir_ / "out/shop/orders");
  ASSERT_GE(partial.size(), 20u);
  std::string visible = Concatenate(partial);
  EXPECT_EQ(reference.compare(0, visible.size(), visible), 0);
  EXPECT_EQ(visible.back(), '\n');

  CommandResult again = Load("out", "--threads 1 --set MaxFileSize=16");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Concatenate(LoadFiles(dir_ / "out/shop/orders")), reference);
  state = testing::ReadFileBytes(dir_ / "out/_binlake/full_load.json");
  EXPECT_NE(state.find("\"status\": \"complete\""), std::string::npos);
}

}  // namespace
}  // namespace binlake
