// `binlake validate` end to end against a real MariaDB: a full load and CDC of tables with a key,
// a composite key (text: sorted locally) and none (a multiset); the lake equals the source, and
// each defect made to a copy of the target (a LOAD row removed, a row added, one byte of a value
// changed, a CDC file hidden, a TEXT value truncated) is reported with exactly its keys and
// columns and exit code 4. Bad input gives one line and exit 1.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/testing/temp_dir.h"
#include "integration/all_types_fixture.h"
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

void WriteAll(const fs::path& p, const std::string& data) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << data;
}
// Replaces the first occurrence of `from` in the file; false if it is not there.
bool Replace(const fs::path& p, const std::string& from, const std::string& to) {
  std::string data = testing::ReadFileBytes(p);
  const size_t at = data.find(from);
  if (at == std::string::npos) return false;
  data.replace(at, from.size(), to);
  WriteAll(p, data);
  return true;
}
// The CDC files of a table, oldest first.
std::vector<fs::path> CdcFiles(const fs::path& table_dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(table_dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("LOAD", 0) != 0 && e.path().extension() == ".csv") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class ValidateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = MariaDbServer::Start({"binlog_row_metadata=FULL"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
    ASSERT_TRUE(
        server_
            ->Execute("CREATE DATABASE app;"
                      "CREATE TABLE app.items (id INT PRIMARY KEY, name VARCHAR(20), qty INT, "
                      "note TEXT);"
                      "CREATE TABLE app.pairs (a INT, b VARCHAR(10), v INT, PRIMARY KEY (a, b));"
                      "CREATE TABLE app.heap (v INT, w VARCHAR(10));"
                      "INSERT INTO app.items VALUES (1,'one',1,'first note'),(2,'two',NULL,NULL),"
                      "(3,'',3,'a longer note that will be cut'),(7,'seven',7,'x');"
                      "INSERT INTO app.pairs VALUES (1,'x',10),(1,'Y',11),(1,'z',12),(2,'x',20);"
                      "INSERT INTO app.heap VALUES (1,'p'),(1,'p'),(2,NULL)")
            .ok());
  }
  std::string Target(const std::string& name = "target") const {
    return "file://" + dir_.path() + "/" + name;
  }
  std::string Source() const { return "--source " + server_->RootUrl() + " --tls-mode disabled"; }
  CommandResult Validate(const std::string& target, const std::string& extra = "") {
    return testing::RunBinlake("validate " + Source() + " --target " + ShellQuote(target) +
                               " --wait 60 " + extra);
  }
  // Full load, then CDC of a few changes, stopped once it has committed them. `settings`: more
  // flags for both (e.g. the data format).
  void LoadAndReplicate(const std::string& settings = "") {
    ASSERT_EQ(testing::RunBinlake("full-load --progress off " + Source() + " --target " +
                                  ShellQuote(Target()) + " " + settings)
                  .exit_code,
              0);
    BinlakeProcess cdc("cdc " + Source() + " --target " + ShellQuote(Target()) +
                       " --set CdcMaxBatchInterval=1 " + settings);
    ASSERT_TRUE(server_
                    ->Execute("INSERT INTO app.items VALUES (4,'four',4,'fourth note'),"
                              "(5,'five',5,NULL);"
                              "UPDATE app.items SET name = 'TWO', qty = 2 WHERE id = 2;"
                              "UPDATE app.items SET id = 30 WHERE id = 3;"
                              "DELETE FROM app.items WHERE id = 1;"
                              "UPDATE app.pairs SET v = 13 WHERE a = 1 AND b = 'z';"
                              "UPDATE app.heap SET w = 'q' WHERE v = 1 LIMIT 1")
                    .ok());
    ASSERT_TRUE(testing::WaitForCheckpoint("--target " + ShellQuote(Target()),
                                           server_->MasterPosition(), std::chrono::seconds(120)))
        << cdc.Log();
    ASSERT_TRUE(cdc.Kill(SIGTERM)) << cdc.Log();
  }
  // A copy of the target to damage.
  fs::path Copy(const std::string& name) {
    const fs::path to = fs::path(dir_.path()) / name;
    fs::copy(fs::path(dir_.path()) / "target", to, fs::copy_options::recursive);
    return to;
  }
  // The report the run stored in the target.
  nlohmann::json StoredReport(const fs::path& target) {
    const fs::path dir = target / "_binlake/validation";
    if (!fs::exists(dir)) return nullptr;
    std::vector<fs::path> reports;
    for (const auto& e : fs::directory_iterator(dir)) reports.push_back(e.path());
    std::sort(reports.begin(), reports.end());
    if (reports.empty()) return nullptr;
    return nlohmann::json::parse(testing::ReadFileBytes(reports.back()), nullptr, false);
  }
  static const nlohmann::json* TableOf(const nlohmann::json& report, const std::string& table) {
    for (const auto& t : report["tables"]) {
      if (t["table"] == table) return &t;
    }
    return nullptr;
  }

  TempDir dir_{"binlake-validate"};
  std::unique_ptr<MariaDbServer> server_;
};

TEST_F(ValidateTest, EqualLakeAndEachDefectWithItsKeysAndColumns) {
  LoadAndReplicate();
  const fs::path target = fs::path(dir_.path()) / "target";
  {
    const std::string report = dir_.path() + "/report.json";
    const std::string metrics = dir_.path() + "/validate.prom";
    CommandResult r =
        Validate(Target(), "--report " + ShellQuote(report) + " --metrics-file " + metrics);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    // The metrics file (Prometheus text format, checked by promtool) counts the same.
    const std::string text = testing::ReadFileBytes(metrics);
    EXPECT_NE(text.find("binlake_validate_tables_done_total{result=\"equal\"} 3\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("binlake_validate_rows_compared_total{table=\"app.items\"} 5\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("binlake_validate_differences{kind=\"different\",table=\"app.items\"} 0\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(std::system(("promtool check metrics < " + ShellQuote(metrics)).c_str()), 0);
    EXPECT_NE(r.out.find("the lake equals the source"), std::string::npos) << r.out;
    auto j = nlohmann::json::parse(testing::ReadFileBytes(report), nullptr, false);
    ASSERT_FALSE(j.is_discarded());
    EXPECT_TRUE(j["equal"].get<bool>());
    ASSERT_EQ(j["tables"].size(), 3u) << j.dump();
    const auto* items = TableOf(j, "items");
    ASSERT_NE(items, nullptr);
    EXPECT_EQ((*items)["source_rows"], 5) << items->dump();  // 2, 4, 5, 7, 30
    EXPECT_EQ(StoredReport(target), j) << "the report is stored in the target too";
    CommandResult status = testing::RunBinlake("status --target " + ShellQuote(Target()));
    EXPECT_NE(status.out.find("validation: "), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("the lake equals the source (3 table(s))"), std::string::npos)
        << status.out;
  }

  struct Defect {
    std::string name;
    std::function<bool(const fs::path&)> make;  // damages a copy of the target
    std::string table;
    int missing, extra, different;
    std::string key;     // the sample's key
    std::string column;  // for `different`: the column reported
  };
  const std::vector<Defect> defects = {
      {"row-removed",
       [](const fs::path& t) {
         return Replace(t / "app/items/LOAD00000001.csv", "7,seven,7,x\n", "");
       },
       "items", 1, 0, 0, "id=7", ""},
      {"row-added",
       [](const fs::path& t) {
         return Replace(t / "app/items/LOAD00000001.csv", "7,seven,7,x\n",
                        "7,seven,7,x\n8,eight,8,\n");
       },
       "items", 0, 1, 0, "id=8", ""},
      {"byte-changed",
       [](const fs::path& t) {
         return Replace(t / "app/pairs/LOAD00000001.csv", "2,x,20", "2,x,21");
       },
       "pairs", 0, 0, 1, "a=2, b=x", "v"},
      {"text-truncated",
       [](const fs::path& t) {
         auto files = CdcFiles(t / "app/items");
         return !files.empty() && Replace(files.front(), "fourth note", "fourth");
       },
       "items", 0, 0, 1, "id=4", "note"},
      {"column-dropped",  // the last column of one LOAD record: its key, that column
       [](const fs::path& t) {
         return Replace(t / "app/items/LOAD00000001.csv", "7,seven,7,x\n", "7,seven,7\n");
       },
       "items", 0, 0, 1, "id=7", "note"},
      {"cdc-file-hidden",
       [](const fs::path& t) {
         auto files = CdcFiles(t / "app/heap");
         if (files.size() != 1) return false;
         fs::remove(files.front());
         return true;
       },
       // The update of one of two equal rows (1,'p') -> (1,'q'): without it the lake has
       // (1,'p') twice, the source (1,'p') and (1,'q').
       "heap", 1, 1, 0, "", ""},
  };
  for (const Defect& d : defects) {
    SCOPED_TRACE(d.name);
    const fs::path copy = Copy(d.name);
    ASSERT_TRUE(d.make(copy)) << "the defect could not be made";
    const std::string metrics = dir_.path() + "/" + d.name + ".prom";
    CommandResult r = Validate("file://" + copy.string(), "--metrics-file " + metrics);
    EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
    const std::string text = testing::ReadFileBytes(metrics);
    EXPECT_NE(text.find("binlake_validate_tables_done_total{result=\"different\"} 1\n"),
              std::string::npos)
        << text;
    for (const auto& [kind, n] : {std::pair<std::string, int>{"missing_in_lake", d.missing},
                                  {"extra_in_lake", d.extra},
                                  {"different", d.different}}) {
      EXPECT_NE(text.find("binlake_validate_differences{kind=\"" + kind + "\",table=\"app." +
                          d.table + "\"} " + std::to_string(n) + "\n"),
                std::string::npos)
          << kind << "\n"
          << text;
    }
    nlohmann::json j = StoredReport(copy);
    ASSERT_FALSE(j.is_null());
    EXPECT_FALSE(j["equal"].get<bool>());
    CommandResult status =
        testing::RunBinlake("status --target " + ShellQuote("file://" + copy.string()));
    EXPECT_NE(status.out.find("1 of 3 table(s) differ: app." + d.table), std::string::npos)
        << status.out;
    for (const auto& t : j["tables"]) {
      const bool damaged = t["table"] == d.table;
      EXPECT_EQ(t["equal"].get<bool>(), !damaged) << t.dump();
      if (!damaged) continue;
      EXPECT_EQ(t["missing_in_lake"], d.missing) << t.dump();
      EXPECT_EQ(t["extra_in_lake"], d.extra) << t.dump();
      EXPECT_EQ(t["different"], d.different) << t.dump();
      if (!d.key.empty()) {
        ASSERT_EQ(t["samples"].size(), 1u) << t.dump();
        EXPECT_EQ(t["samples"][0]["key"], d.key) << t.dump();
      }
      if (!d.column.empty()) {
        EXPECT_EQ(t["different_columns"], nlohmann::json({{d.column, 1}})) << t.dump();
        EXPECT_EQ(t["samples"][0]["columns"], nlohmann::json::array({d.column})) << t.dump();
      }
    }
  }
}

// A Parquet target: its values read back by their MySQL types compare equal to the source's.
// A lake written through transformation rules (a schema prefix, a table and a column renamed, a
// column removed, a column added by an expression) is compared through the same rules: equal,
// the computed column listed as not compared; a damaged value of the renamed column is found
// under its target name.
TEST_F(ValidateTest, ALakeWrittenThroughTransformationRulesIsComparedThroughThem) {
  const std::string mappings = dir_.path() + "/mappings.json";
  WriteAll(mappings, R"({"rules": [
    {"rule-type": "selection", "rule-id": "1", "rule-action": "include",
     "object-locator": {"schema-name": "app", "table-name": "%"}},
    {"rule-type": "transformation", "rule-id": "2", "rule-target": "schema",
     "rule-action": "add-prefix", "value": "lake_", "object-locator": {"schema-name": "app"}},
    {"rule-type": "transformation", "rule-id": "3", "rule-target": "table", "rule-action": "rename",
     "value": "goods", "object-locator": {"schema-name": "app", "table-name": "items"}},
    {"rule-type": "transformation", "rule-id": "4", "rule-target": "column",
     "rule-action": "rename", "value": "title",
     "object-locator": {"schema-name": "app", "table-name": "items", "column-name": "name"}},
    {"rule-type": "transformation", "rule-id": "5", "rule-target": "column",
     "rule-action": "remove-column",
     "object-locator": {"schema-name": "app", "table-name": "items", "column-name": "note"}},
    {"rule-type": "transformation", "rule-id": "6", "rule-target": "column",
     "rule-action": "add-column", "value": "label", "expression": "$b || '-' || $v",
     "data-type": {"type": "string", "length": 20},
     "object-locator": {"schema-name": "app", "table-name": "pairs"}}]})");
  const std::string rules = "--table-mappings " + ShellQuote(mappings);
  LoadAndReplicate(rules);
  const fs::path target = fs::path(dir_.path()) / "target";
  ASSERT_TRUE(fs::exists(target / "lake_app/goods/LOAD00000001.csv"));
  {
    CommandResult r = Validate(Target(), rules);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("lake_app.pairs: equal"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("not compared (computed or masked by transformation rules): label"),
              std::string::npos)
        << r.out;
    nlohmann::json j = StoredReport(target);
    ASSERT_EQ(j["tables"].size(), 3u) << j.dump();
    const auto* goods = TableOf(j, "goods");
    ASSERT_NE(goods, nullptr) << j.dump();
    EXPECT_EQ((*goods)["schema"], "lake_app");
    EXPECT_EQ((*goods)["source_rows"], 5) << goods->dump();
    EXPECT_EQ((*goods)["equal_rows"], 5) << goods->dump();
    const auto* pairs = TableOf(j, "pairs");
    ASSERT_NE(pairs, nullptr);
    EXPECT_EQ((*pairs)["not_compared"], nlohmann::json::array({"label"})) << pairs->dump();
  }
  {  // --tables names the lake's tables
    CommandResult r = Validate(Target(), rules + " --tables 'lake_app.goods'");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("validated 1 table(s)"), std::string::npos) << r.out;
  }
  const fs::path copy = Copy("renamed-column-damaged");
  ASSERT_TRUE(Replace(copy / "lake_app/goods/LOAD00000001.csv", "7,seven,7\n", "7,sevem,7\n"));
  CommandResult r = Validate("file://" + copy.string(), rules);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  nlohmann::json j = StoredReport(copy);
  const auto* goods = TableOf(j, "goods");
  ASSERT_NE(goods, nullptr) << j.dump();
  EXPECT_EQ((*goods)["different"], 1) << goods->dump();
  EXPECT_EQ((*goods)["different_columns"], nlohmann::json({{"title", 1}})) << goods->dump();
}

TEST_F(ValidateTest, AParquetTargetIsComparedToo) {
  LoadAndReplicate("--set DataFormat=parquet --set CompressionType=ZSTD");
  CommandResult r = Validate(Target());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("validated 3 table(s)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the lake equals the source"), std::string::npos) << r.out;
}

// --recheck compares only what the newest report found not equal: a defect that is fixed since
// goes, one that stays is found again; keys the report did not name are not compared.
TEST_F(ValidateTest, RecheckComparesOnlyTheKeysThatDiffered) {
  LoadAndReplicate();
  const fs::path copy = Copy("recheck");
  const std::string url = "file://" + copy.string();
  CommandResult none = Validate(url, "--recheck");
  EXPECT_EQ(none.exit_code, 1) << "no report yet: " << none.err;
  EXPECT_NE(none.err.find("no validation report yet"), std::string::npos) << none.err;

  const fs::path load = copy / "app/items/LOAD00000001.csv";
  const fs::path pairs = copy / "app/pairs/LOAD00000001.csv";
  const std::string original_load = testing::ReadFileBytes(load);
  ASSERT_TRUE(Replace(load, "7,seven,7,x\n", ""));  // id=7 missing in the lake
  ASSERT_TRUE(Replace(pairs, "2,x,20", "2,x,21"));  // (2,x) different
  CommandResult first = Validate(url);
  ASSERT_EQ(first.exit_code, 4) << first.out << first.err;

  // (2,x) is fixed; id=7 stays missing; a new defect at (1,x) is not among the keys rechecked.
  ASSERT_TRUE(Replace(pairs, "2,x,21", "2,x,20"));
  ASSERT_TRUE(Replace(pairs, "1,x,10", "1,x,11"));
  CommandResult again = Validate(url, "--recheck");
  EXPECT_EQ(again.exit_code, 4) << again.out << again.err;
  EXPECT_NE(again.out.find("rechecked 2 table(s)"), std::string::npos) << again.out;
  nlohmann::json j = StoredReport(copy);
  ASSERT_FALSE(j.is_null());
  EXPECT_TRUE(j["recheck"].get<bool>());
  const auto* items = TableOf(j, "items");
  const auto* p = TableOf(j, "pairs");
  ASSERT_TRUE(items && p) << j.dump();
  EXPECT_EQ((*items)["source_rows"], 1) << items->dump();
  EXPECT_EQ((*items)["missing_in_lake"], 1) << items->dump();
  EXPECT_EQ((*items)["differing_keys"], nlohmann::json::parse(R"([["7"]])")) << items->dump();
  EXPECT_TRUE((*p)["equal"].get<bool>()) << "(1,x) was not among the keys: " << p->dump();
  EXPECT_EQ((*p)["source_rows"], 1) << p->dump();

  // Once id=7 is back, a recheck finds the lake equal; the next one has nothing to do.
  WriteAll(load, original_load);
  CommandResult fixed = Validate(url, "--recheck");
  EXPECT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
  CommandResult nothing = Validate(url, "--recheck");
  EXPECT_EQ(nothing.exit_code, 0) << nothing.out << nothing.err;
  EXPECT_NE(nothing.out.find("nothing to recheck"), std::string::npos) << nothing.out;
}

TEST_F(ValidateTest, BadInputGivesOneLineAndExitOneOrTwo) {
  LoadAndReplicate();
  auto one_line = [](const CommandResult& r) {
    return r.err.find("binlake: error: ") == 0 && r.err.find('\n') == r.err.size() - 1;
  };
  CommandResult unknown = Validate(Target(), "--tables 'nope.*'");
  EXPECT_EQ(unknown.exit_code, 1) << unknown.err;
  EXPECT_TRUE(one_line(unknown)) << unknown.err;
  EXPECT_NE(unknown.err.find("nope.*"), std::string::npos) << unknown.err;

  fs::create_directories(fs::path(dir_.path()) / "empty");
  CommandResult empty = Validate(Target("empty"));
  EXPECT_EQ(empty.exit_code, 1) << empty.err;
  EXPECT_TRUE(one_line(empty)) << empty.err;

  CommandResult unreachable = testing::RunBinlake(
      "validate --source mysql://root@127.0.0.1:1/ --tls-mode disabled --target " +
      ShellQuote(Target()));
  EXPECT_EQ(unreachable.exit_code, 1) << unreachable.err;
  EXPECT_TRUE(one_line(unreachable)) << unreachable.err;

  // Bad usage: exit 2 (no source; a source that is not a URL; an unknown flag).
  for (const std::string& args :
       {"--target " + ShellQuote(Target()),
        "--source not-a-url --tls-mode disabled --target " + ShellQuote(Target()),
        Source() + " --target " + ShellQuote(Target()) + " --no-such-flag"}) {
    CommandResult usage = testing::RunBinlake("validate " + args);
    EXPECT_EQ(usage.exit_code, 2) << args << ": " << usage.err;
    EXPECT_FALSE(usage.err.empty()) << args;
  }
}

// Every column type, written by CDC (the binlog's encoding) and compared with the source's values
// (the text protocol's), with columns added, dropped and renamed during CDC; then one value of
// the all-types table changed in the lake is found.
TEST_F(ValidateTest, EveryTypeAndSchemaChangesDuringCdc) {
  ASSERT_TRUE(server_->Execute("CREATE DATABASE types").ok());
  ASSERT_TRUE(server_->Execute(testing::kAllTypesCreate).ok());
  ASSERT_EQ(testing::RunBinlake("full-load --progress off " + Source() + " --target " +
                                ShellQuote(Target()))
                .exit_code,
            0);
  ASSERT_TRUE(server_
                  ->Execute(std::string("SET SESSION sql_mode = ''; SET SESSION time_zone = "
                                        "'+00:00';") +
                            testing::kAllTypesRows +
                            "UPDATE types.all_types SET vc = CONCAT(vc, '!') WHERE id = 1;"
                            "ALTER TABLE app.items ADD COLUMN extra VARCHAR(10);"
                            "INSERT INTO app.items (id, name, qty, note, extra) VALUES "
                            "(40,'forty',40,NULL,'y');"
                            "ALTER TABLE app.items DROP COLUMN qty;"
                            "UPDATE app.items SET name = 'SEVEN' WHERE id = 7;"
                            "ALTER TABLE app.pairs CHANGE COLUMN v w INT;"
                            "UPDATE app.pairs SET w = 99 WHERE a = 2")
                  .ok())
      << "the writes";
  CommandResult cdc = testing::RunBinlake("cdc " + Source() + " --target " + ShellQuote(Target()) +
                                          " --stop-at " + server_->MasterPosition());
  ASSERT_EQ(cdc.exit_code, 0) << cdc.err;
  CommandResult r = Validate(Target());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("validated 4 table(s)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("types.all_types: equal"), std::string::npos) << r.out;

  // A long TEXT value of all_types cut to half in the lake's CDC file (DMS's LOB truncation):
  // found, with its key and column.
  const fs::path copy = Copy("types-damaged");
  auto files = CdcFiles(copy / "types/all_types");
  ASSERT_FALSE(files.empty());
  std::string long_text;
  for (int i = 0; i < 2000; ++i) long_text += "long ";
  ASSERT_TRUE(Replace(files.front(), long_text, long_text.substr(0, 5000)));
  CommandResult damaged = Validate("file://" + copy.string());
  EXPECT_EQ(damaged.exit_code, 4) << damaged.out << damaged.err;
  nlohmann::json j = StoredReport(copy);
  const nlohmann::json* t = TableOf(j, "all_types");
  ASSERT_NE(t, nullptr) << j.dump();
  EXPECT_EQ((*t)["different"], 1) << t->dump();
  ASSERT_EQ((*t)["samples"].size(), 1u) << t->dump();
  EXPECT_EQ((*t)["samples"][0]["key"], "id=4") << t->dump();
  EXPECT_EQ((*t)["samples"][0]["columns"], nlohmann::json::array({"tx"})) << t->dump();
  EXPECT_EQ((*t)["samples"][0]["source"]["tx"], long_text.substr(0, 256) + "...")
      << "values are shortened in the report";
}

// sysbench keeps writing while validate runs: the snapshot's position falls inside CDC's
// batches, and the comparison must still be exact (no false difference).
TEST_F(ValidateTest, EqualWhileSysbenchKeepsWriting) {
  ASSERT_TRUE(server_->Execute("CREATE DATABASE sbtest").ok());
  CommandResult prepare = testing::Sysbench(*server_, "prepare", "");
  ASSERT_EQ(prepare.exit_code, 0) << prepare.err;
  // Split points every 64 KiB: each sbtest table (half of the LOAD bytes) is compared in 2 of the
  // 4 threads' key ranges in parallel.
  ASSERT_EQ(testing::RunBinlake("full-load --progress off --split-kb 64 " + Source() +
                                " --target " + ShellQuote(Target()))
                .exit_code,
            0);
  BinlakeProcess cdc("cdc " + Source() + " --target " + ShellQuote(Target()) +
                     " --set CdcMaxBatchInterval=1");
  const std::string start = server_->MasterPosition();
  std::thread load([&] { testing::Sysbench(*server_, "run", "--time=20 --threads=2 --rate=100"); });
  // Writes are running before validate starts, and still running when it ends.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (server_->MasterPosition() == start && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::string before = server_->MasterPosition();
  const std::string report = dir_.path() + "/report.json";
  CommandResult r = Validate(Target(), "--threads 4 --range-kb 64 --report " + ShellQuote(report));
  const std::string after = server_->MasterPosition();
  load.join();
  ASSERT_TRUE(cdc.Kill(SIGTERM)) << cdc.Log();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("the lake equals the source"), std::string::npos) << r.out;
  EXPECT_NE(before, start) << "sysbench wrote before validate started";
  EXPECT_NE(after, before) << "sysbench kept writing while validate ran";
  auto j = nlohmann::json::parse(testing::ReadFileBytes(report), nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  ASSERT_FALSE(j["tables"].empty());
  int sbtest = 0;
  for (const auto& t : j["tables"]) {
    if (t["schema"] != "sbtest") continue;  // app's tables are too small to split
    ++sbtest;
    EXPECT_EQ(t["ranges"], 2) << t.dump();
  }
  EXPECT_EQ(sbtest, 2);
}

// A table of a few hundred KiB, loaded with a split point every 4 KiB, is compared in key ranges
// on 4 threads: equal, and each defect reported with its key as when compared whole. A LOAD file
// that changed size since the load is compared whole; one whose rows left key order (same size)
// breaks a range, and the table is compared whole again: equal, as its rows are the source's.
TEST_F(ValidateTest, ABigTableIsComparedInKeyRangesInParallel) {
  Status created = server_->Execute(
      "CREATE TABLE app.big (id INT PRIMARY KEY, v VARCHAR(40));"
      "SET SESSION max_recursive_iterations = 100000;"
      "INSERT INTO app.big WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s "
      "WHERE n < 20000) SELECT n, CONCAT('value-', n) FROM s");
  ASSERT_TRUE(created.ok()) << created.ToString();
  ASSERT_EQ(testing::RunBinlake("full-load --progress off --split-kb 4 " + Source() + " --target " +
                                ShellQuote(Target()))
                .exit_code,
            0);
  {
    BinlakeProcess cdc("cdc " + Source() + " --target " + ShellQuote(Target()) +
                       " --set CdcMaxBatchInterval=1");
    // Changes before the first key, in every range, at range edges and past the last key.
    ASSERT_TRUE(server_
                    ->Execute("UPDATE app.big SET v = 'updated' WHERE id % 997 = 0;"
                              "DELETE FROM app.big WHERE id % 1499 = 1;"
                              "INSERT INTO app.big VALUES (-5,'before'),(0,'zero'),(30000,'after');"
                              "UPDATE app.big SET id = id + 100000 WHERE id = 12345")
                    .ok());
    ASSERT_TRUE(testing::WaitForCheckpoint("--target " + ShellQuote(Target()),
                                           server_->MasterPosition(), std::chrono::seconds(120)))
        << cdc.Log();
    ASSERT_TRUE(cdc.Kill(SIGTERM)) << cdc.Log();
  }
  auto big = [&](const std::string& target, int expect_exit) {
    CommandResult r = Validate(target, "--tables app.big --threads 4 --range-kb 32");
    EXPECT_EQ(r.exit_code, expect_exit) << r.out << r.err;
    nlohmann::json j = StoredReport(target.substr(7));
    return j.is_null() ? nlohmann::json() : j["tables"][0];
  };
  const nlohmann::json equal = big(Target(), 0);
  EXPECT_EQ(equal["ranges"], 4) << equal.dump();
  EXPECT_EQ(equal["source_rows"], 20000 - 14 + 3) << equal.dump();
  EXPECT_EQ(equal["equal_rows"], equal["source_rows"]) << equal.dump();

  // One value changed in the middle of the file (the same size): still in ranges.
  const fs::path changed = Copy("big-changed");
  ASSERT_TRUE(
      Replace(changed / "app/big/LOAD00000001.csv", "10001,value-10001\n", "10001,value-1000X\n"));
  const nlohmann::json one = big("file://" + changed.string(), 4);
  EXPECT_EQ(one["ranges"], 4) << one.dump();
  EXPECT_EQ(one["different"], 1) << one.dump();
  ASSERT_EQ(one["samples"].size(), 1u) << one.dump();
  EXPECT_EQ(one["samples"][0]["key"], "id=10001") << one.dump();

  // A row removed: the file's size is not the recorded one, its split points do not hold.
  const fs::path removed = Copy("big-removed");
  ASSERT_TRUE(Replace(removed / "app/big/LOAD00000001.csv", "\n10002,value-10002\n", "\n"));
  const nlohmann::json whole = big("file://" + removed.string(), 4);
  EXPECT_EQ(whole["ranges"], 1) << whole.dump();
  EXPECT_EQ(whole["missing_in_lake"], 1) << whole.dump();
  ASSERT_EQ(whole["samples"].size(), 1u) << whole.dump();
  EXPECT_EQ(whole["samples"][0]["key"], "id=10002") << whole.dump();

  // Two rows of the same length swapped across ranges: a range meets a key outside it.
  const fs::path swapped = Copy("big-swapped");
  const fs::path load = swapped / "app/big/LOAD00000001.csv";
  ASSERT_TRUE(Replace(load, "\n2222,value-2222\n", "\nSWAP\n"));
  ASSERT_TRUE(Replace(load, "\n7777,value-7777\n", "\n2222,value-2222\n"));
  ASSERT_TRUE(Replace(load, "\nSWAP\n", "\n7777,value-7777\n"));
  const nlohmann::json again = big("file://" + swapped.string(), 0);
  EXPECT_EQ(again["ranges"], 1) << again.dump();
  EXPECT_EQ(again["equal_rows"], equal["source_rows"]) << again.dump();
}

}  // namespace
}  // namespace binlake
