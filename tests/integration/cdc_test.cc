// End-to-end CDC tests: `binlake run` / `binlake cdc` against a real MariaDB under sysbench load,
// with crashes (SIGKILL), a source restart and DDL. The oracle: the full-load files plus the
// CDC files, applied in change order with DuckDB SQL, equal the source tables (compared by an
// MD5 over the rows computed on both sides).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "integration/all_types_fixture.h"
#include "support/cdc_oracle.h"
#include "support/readers.h"
#include "support/test_servers.h"

namespace binlake {
namespace {

namespace fs = std::filesystem;
using testing::BinlakeProcess;
using testing::CommandResult;
using testing::DuckDbQuery;
using testing::DuckQuote;
using testing::MariaDbServer;
using testing::RunShell;
using testing::ShellQuote;

class CdcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = MariaDbServer::Start(ServerCnf());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
    // A parameterized test's name has a '/' ("Name/0"): one folder, so TearDown removes it all.
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '-');
    dir_ = fs::temp_directory_path() / ("binlake-cdc-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The server's extra [mariadbd] lines (they hold across Restart, unlike SET GLOBAL).
  virtual std::vector<std::string> ServerCnf() const { return {"binlog_row_metadata=FULL"}; }
  std::string Target() const { return "file://" + (dir_ / "out").string(); }

  // The all-types table: full load into Target(), its rows inserted, CDC up to now, then a
  // second full load of the same rows into dir_/fresh. `flags` go to every binlake command.
  void LoadChangeAndReloadAllTypes(const std::string& flags) {
    ASSERT_TRUE(server_->Execute("CREATE DATABASE types").ok());
    ASSERT_TRUE(server_->Execute(testing::kAllTypesCreate).ok());
    std::string common = "--source " + server_->RootUrl() + " --tls-mode disabled " + flags;
    std::string program = ShellQuote(testing::BinlakeProgram());
    ASSERT_EQ(RunShell(program + " full-load --progress off " + common + " --target " +
                       ShellQuote(Target()))
                  .exit_code,
              0);
    ASSERT_TRUE(server_
                    ->Execute(std::string("SET SESSION sql_mode = ''; SET SESSION time_zone = "
                                          "'+00:00';") +
                              testing::kAllTypesRows)
                    .ok());
    CommandResult cdc = RunShell(program + " cdc " + common + " --target " + ShellQuote(Target()) +
                                 " --stop-at " + server_->MasterPosition());
    ASSERT_EQ(cdc.exit_code, 0) << cdc.err;
    std::string fresh = "file://" + (dir_ / "fresh").string();
    ASSERT_EQ(
        RunShell(program + " full-load --progress off " + common + " --target " + ShellQuote(fresh))
            .exit_code,
        0);
  }
  std::string Common() const {
    return "--source " + server_->RootUrl() + " --tls-mode disabled --target " +
           ShellQuote(Target()) +
           " --set CdcMaxBatchInterval=1 --sequence-column seq --progress off";
  }

  std::string TargetArgs() const { return "--target " + ShellQuote(Target()); }

  void Sysbench(const std::string& command, const std::string& extra) {
    CommandResult r = testing::Sysbench(*server_, command, extra);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  // Waits until the newest checkpoint covers `position` (file:pos).
  bool WaitForCheckpoint(const std::string& position, std::chrono::seconds timeout) {
    return testing::WaitForCheckpoint(TargetArgs(), position, timeout);
  }
  std::string SourceDigest(const std::string& table) {
    return testing::SourceDigest(*server_, table);
  }
  std::string TargetDigest(const std::string& table) {
    return testing::TargetDigest(dir_ / "out", table);
  }
  uint64_t SourceRowChangesAfter(const std::string& position) {
    return testing::SourceRowChangesAfter(*server_, position);
  }
  uint64_t TargetCdcRows() { return testing::TargetCdcRows(dir_ / "out"); }
  std::string SnapshotPosition() { return testing::SnapshotPosition(dir_ / "out"); }

  std::unique_ptr<MariaDbServer> server_;
  fs::path dir_;
};

// 1. sysbench runs while `binlake run` replicates; afterwards full load + CDC = source.
TEST_F(CdcTest, RunReplicatesSysbenchExactly) {
  ASSERT_TRUE(server_->Execute("CREATE DATABASE sbtest").ok());
  Sysbench("prepare", "");
  BinlakeProcess binlake("run " + Common());
  Sysbench("run", "--time=8 --threads=2");
  ASSERT_TRUE(WaitForCheckpoint(server_->MasterPosition(), std::chrono::seconds(120)))
      << binlake.Log();
  ASSERT_TRUE(binlake.Kill(SIGTERM)) << binlake.Log();
  EXPECT_EQ(binlake.exit_code(), 0) << binlake.Log();
  EXPECT_NE(binlake.Log().find("cdc stopped (interrupted)"), std::string::npos) << binlake.Log();
  for (const char* t : {"sbtest1", "sbtest2"})
    EXPECT_EQ(TargetDigest(t), SourceDigest(t))
        << testing::DigestDifferences(*server_, dir_ / "out", t);
  EXPECT_EQ(TargetCdcRows(), SourceRowChangesAfter(SnapshotPosition()));
}

// 2. The same with binlake killed by SIGKILL at random moments and restarted.
TEST_F(CdcTest, SurvivesRepeatedSigkill) {
  ASSERT_TRUE(server_->Execute("CREATE DATABASE sbtest").ok());
  Sysbench("prepare", "");
  std::thread load([&] { Sysbench("run", "--time=20 --threads=2 --rate=150"); });
  std::mt19937 rng(7);
  int kills = 0;
  // Checkpoints are folded into the commit log after nearly every commit, under the SIGKILLs.
  const std::string args =
      "run " + Common() + " --set CdcCheckpointsToKeep=2 --set CdcCommitLogGroup=2";
  for (int i = 0; i < 6; ++i) {
    BinlakeProcess binlake(args);
    std::this_thread::sleep_for(std::chrono::milliseconds(800 + rng() % 1700));
    if (binlake.Running()) {
      binlake.Kill(SIGKILL);
      ++kills;
    }
    EXPECT_FALSE(binlake.Crashed()) << binlake.DescribeExit() << "\n" << binlake.Log();
  }
  load.join();
  EXPECT_GE(kills, 5);
  BinlakeProcess last(args);
  ASSERT_TRUE(WaitForCheckpoint(server_->MasterPosition(), std::chrono::seconds(120)))
      << last.Log();
  last.Kill(SIGTERM);
  for (const char* t : {"sbtest1", "sbtest2"})
    EXPECT_EQ(TargetDigest(t), SourceDigest(t))
        << testing::DigestDifferences(*server_, dir_ / "out", t);
  EXPECT_EQ(TargetCdcRows(), SourceRowChangesAfter(SnapshotPosition()));
  // Every committed batch since the full load is in the commit log, which names exactly the
  // visible CDC files; status shows the history.
  EXPECT_EQ(testing::CommitLogMismatch(dir_ / "out"), "");
  EXPECT_FALSE(fs::is_empty(dir_ / "out" / "_binlake" / "cdc" / "log"));
  CommandResult status =
      RunShell(ShellQuote(testing::BinlakeProgram()) + " status --json " + TargetArgs());
  EXPECT_NE(status.out.find("\"complete_since_full_load\": true"), std::string::npos) << status.out;
}

// 3. The source restarts while binlake streams: it reconnects without gap or duplicate.
TEST_F(CdcTest, SourceRestartMidStream) {
  ASSERT_TRUE(server_->Execute("CREATE DATABASE sbtest").ok());
  Sysbench("prepare", "");
  BinlakeProcess binlake("run " + Common());
  Sysbench("run", "--time=3 --threads=2");
  ASSERT_TRUE(server_->Restart().ok());
  Sysbench("run", "--time=3 --threads=2");
  ASSERT_TRUE(WaitForCheckpoint(server_->MasterPosition(), std::chrono::seconds(180)))
      << binlake.Log();
  binlake.Kill(SIGTERM);
  EXPECT_NE(binlake.Log().find("reconnect"), std::string::npos) << binlake.Log();
  for (const char* t : {"sbtest1", "sbtest2"})
    EXPECT_EQ(TargetDigest(t), SourceDigest(t))
        << testing::DigestDifferences(*server_, dir_ / "out", t);
  EXPECT_EQ(TargetCdcRows(), SourceRowChangesAfter(SnapshotPosition()));
}

// 3b. A DDL after the source restarted, with binlog_row_metadata=MINIMAL (the column names come
//     from the catalog, re-read after each DDL): the file after the DDL has the new columns'
//     names. The catalog connection binlake opened at start died with the restart; it used to be
//     re-read on that dead connection (a warning), so the file said "Op,@1,@2,@3".
class CdcMinimalMetadataTest : public CdcTest {
 protected:
  std::vector<std::string> ServerCnf() const override { return {"binlog_row_metadata=MINIMAL"}; }
};

TEST_F(CdcMinimalMetadataTest, DdlAfterSourceRestartKeepsColumnNames) {
  ASSERT_TRUE(server_
                  ->Execute("CREATE DATABASE app; CREATE TABLE app.items (id INT PRIMARY KEY, "
                            "name VARCHAR(20)); INSERT INTO app.items VALUES (1,'a')")
                  .ok());
  std::string common = "--source " + server_->RootUrl() + " --tls-mode disabled " + TargetArgs() +
                       " --set AddColumnName=true --set CdcMaxBatchInterval=1";
  ASSERT_EQ(testing::RunBinlake("full-load --progress off " + common).exit_code, 0);
  BinlakeProcess binlake("cdc " + common);
  ASSERT_TRUE(server_->Execute("INSERT INTO app.items VALUES (2,'b')").ok());
  ASSERT_TRUE(WaitForCheckpoint(server_->MasterPosition(), std::chrono::seconds(120)))
      << binlake.Log();
  ASSERT_TRUE(server_->Restart().ok());
  ASSERT_TRUE(server_->Execute("INSERT INTO app.items VALUES (3,'c')").ok());
  ASSERT_TRUE(WaitForCheckpoint(server_->MasterPosition(), std::chrono::seconds(120)))
      << binlake.Log();
  ASSERT_TRUE(server_
                  ->Execute("ALTER TABLE app.items ADD COLUMN price INT; "
                            "INSERT INTO app.items VALUES (4,'d',7)")
                  .ok());
  ASSERT_TRUE(WaitForCheckpoint(server_->MasterPosition(), std::chrono::seconds(120)))
      << binlake.Log();
  ASSERT_TRUE(binlake.Kill(SIGTERM)) << binlake.Log();
  EXPECT_EQ(binlake.exit_code(), 0) << binlake.Log();
  EXPECT_EQ(binlake.Log().find("could not re-read the catalog"), std::string::npos)
      << binlake.Log();
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir_ / "out/app/items")) {
    std::string name = e.path().filename().string();
    if (name[0] != '2') continue;
    std::ifstream in(e.path());
    std::string header, row;
    std::getline(in, header);
    while (std::getline(in, row)) files.push_back(name + " " + header + " " + row);
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> lines;
  for (const auto& f : files) lines.push_back(f.substr(f.find(' ') + 1));
  EXPECT_EQ(lines, (std::vector<std::string>{"Op,id,name I,2,b", "Op,id,name I,3,c",
                                             "Op,id,name,price I,4,d,7"}))
      << ::testing::PrintToString(files);
}

// 3c. Updates that move a row to another primary key, and updates of a table without a key, are
//     written as a delete of the old row and an insert of the new: the state built from the
//     files (LOAD + changes by key, in seq order) equals the source, with no ghost of an old key.
TEST_F(CdcTest, KeyChangingUpdatesLeaveNoGhost) {
  ASSERT_TRUE(server_
                  ->Execute("CREATE DATABASE app; CREATE TABLE app.items (a INT, b VARCHAR(10), "
                            "name VARCHAR(20), PRIMARY KEY (a, b)); INSERT INTO app.items VALUES "
                            "(1,'x','one'),(2,'x','two'),(3,'y','three'); CREATE TABLE app.heap "
                            "(v INT, w VARCHAR(10)); INSERT INTO app.heap VALUES (1,'p'),(1,'p')")
                  .ok());
  std::string common = "--source " + server_->RootUrl() + " --tls-mode disabled " + TargetArgs();
  ASSERT_EQ(testing::RunBinlake("full-load --progress off " + common).exit_code, 0);
  ASSERT_TRUE(server_
                  ->Execute("UPDATE app.items SET a = a + 10 WHERE a <= 2; "
                            "UPDATE app.items SET name = 'THREE' WHERE a = 3; "
                            "UPDATE app.items SET b = 'z' WHERE a = 11; "
                            "UPDATE app.heap SET w = 'q' LIMIT 1")
                  .ok());
  CommandResult cdc = testing::RunBinlake("cdc " + common + " --sequence-column seq --stop-at " +
                                          server_->MasterPosition());
  ASSERT_EQ(cdc.exit_code, 0) << cdc.err;
  auto read = [&](const std::string& table, const std::string& names) {
    return "read_csv(" + DuckQuote((dir_ / "out/app" / table).string() + "/2*.csv") +
           ", header=false, all_varchar=true, names=" + names + ")";
  };
  auto changes = testing::DuckDbQuery(
      {"SELECT string_agg(concat_ws(',', Op, a, b, name), ' ' ORDER BY seq) AS c FROM " +
       read("items", "['Op','seq','a','b','name']")});
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  EXPECT_EQ((*changes)[0].at("c").value_or(""),
            "D,1,x,one I,11,x,one D,2,x,two I,12,x,two U,3,y,THREE D,11,x,one I,11,z,one");
  // The state by key: LOAD rows not changed since, plus each key's last change unless a delete.
  auto state = testing::DuckDbQuery(
      {"WITH ch AS (SELECT * FROM " + read("items", "['Op','seq','a','b','name']") +
       "), last AS (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY a, b ORDER BY seq "
       "DESC) AS rn FROM ch) WHERE rn = 1), load AS (SELECT * FROM read_csv(" +
       DuckQuote((dir_ / "out/app/items/LOAD00000001.csv").string()) +
       ", header=false, all_varchar=true, names=['a','b','name'])) "
       "SELECT string_agg(concat_ws(',', a, b, name), ' ' ORDER BY CAST(a AS INT), b) AS s FROM ("
       "SELECT a, b, name FROM load WHERE (a, b) NOT IN (SELECT (a, b) FROM last) UNION ALL "
       "SELECT a, b, name FROM last WHERE Op <> 'D')"});
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ((*state)[0].at("s").value_or(""), "3,y,THREE 11,z,one 12,x,two");
  auto heap =
      testing::DuckDbQuery({"SELECT string_agg(concat_ws(',', Op, v, w), ' ' ORDER BY seq) "
                            "AS c FROM " +
                            read("heap", "['Op','seq','v','w']")});
  ASSERT_TRUE(heap.ok()) << heap.status().ToString();
  EXPECT_EQ((*heap)[0].at("c").value_or(""), "D,1,p I,1,q");
}

// --stop-at the head of a binlog file that holds no transaction yet (the server rotated after
// the last one; SHOW MASTER STATUS names the new file): CDC stops once it read everything before
// it, instead of waiting for a transaction to end at or after it (it used to wait forever).
TEST_F(CdcTest, StopAtTheHeadOfANewBinlogFile) {
  ASSERT_TRUE(
      server_->Execute("CREATE DATABASE app; CREATE TABLE app.t (id INT PRIMARY KEY)").ok());
  std::string common = "--source " + server_->RootUrl() + " --tls-mode disabled " + TargetArgs();
  ASSERT_EQ(testing::RunBinlake("full-load --progress off " + common).exit_code, 0);
  ASSERT_TRUE(server_->Execute("INSERT INTO app.t VALUES (1),(2),(3); FLUSH BINARY LOGS").ok());
  const std::string head = server_->MasterPosition();
  // Bounded: without the stop, binlake would wait for a transaction that never comes.
  CommandResult cdc = RunShell("timeout 60 " + ShellQuote(testing::BinlakeProgram()) + " cdc " +
                               common + " --stop-at " + head);
  ASSERT_EQ(cdc.exit_code, 0) << "exit " << cdc.exit_code << ": " << cdc.err;
  EXPECT_NE(cdc.out.find("stop position reached"), std::string::npos) << cdc.out;
  auto rows =
      DuckDbQuery({"SELECT count(*) AS n FROM read_csv(" +
                   DuckQuote((dir_ / "out/app/t").string() + "/2*.csv") + ", header=false)"});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)[0].at("n").value_or(""), "3");
}

// 4. DDL during CDC: files after each DDL carry the new columns (and header), every schema
//    version is recorded, TRUNCATE/DROP never delete target data, DDLs are counted.
TEST_F(CdcTest, DdlDuringCdc) {
  ASSERT_TRUE(server_
                  ->Execute("CREATE DATABASE app; CREATE TABLE app.items (id INT PRIMARY KEY, "
                            "name VARCHAR(20), qty INT); INSERT INTO app.items VALUES "
                            "(1,'a',1),(2,'b',2)")
                  .ok());
  std::string common = "--source " + server_->RootUrl() + " --tls-mode disabled --target " +
                       ShellQuote(Target()) + " --set AddColumnName=true";
  ASSERT_EQ(RunShell(ShellQuote(testing::BinlakeProgram()) + " full-load --progress off " + common)
                .exit_code,
            0);
  const char* steps[] = {
      "INSERT INTO app.items VALUES (3,'c',3)",
      "ALTER TABLE app.items ADD COLUMN price DECIMAL(8,2)",
      "INSERT INTO app.items VALUES (4,'d',4,9.99)",
      "ALTER TABLE app.items DROP COLUMN qty",
      "UPDATE app.items SET price = 1.50 WHERE id = 1",
      "ALTER TABLE app.items MODIFY name VARCHAR(50)",
      "ALTER TABLE app.items RENAME COLUMN name TO title",
      "INSERT INTO app.items VALUES (5,'e',5.00)",
      "TRUNCATE TABLE app.items",
      "INSERT INTO app.items VALUES (6,'f',6.00)",
  };
  // One CDC run per step, so every step lands in its own batch and file.
  for (const char* sql : steps) {
    ASSERT_TRUE(server_->Execute(sql).ok()) << sql;
    CommandResult r = RunShell(ShellQuote(testing::BinlakeProgram()) + " cdc " + common +
                               " --stop-at " + server_->MasterPosition());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::vector<std::string> headers;
  for (const auto& e : fs::directory_iterator(dir_ / "out/app/items")) {
    std::string name = e.path().filename().string();
    if (name[0] != '2') continue;
    std::ifstream in(e.path());
    std::string header;
    std::getline(in, header);
    headers.push_back(name + " " + header);
  }
  std::sort(headers.begin(), headers.end());
  std::vector<std::string> columns;
  for (const auto& h : headers) columns.push_back(h.substr(h.find(' ') + 1));
  EXPECT_EQ(columns,
            (std::vector<std::string>{"Op,id,name,qty",        // insert 3
                                      "Op,id,name,qty,price",  // insert 4
                                      "Op,id,name,price",      // update 1
                                      "Op,id,title,price",     // insert 5 (MODIFY changed no name)
                                      "Op,id,title,price"}))   // insert 6 after TRUNCATE
      << ::testing::PrintToString(headers);
  // The full load's file is still there after TRUNCATE.
  EXPECT_TRUE(fs::exists(dir_ / "out/app/items/LOAD00000001.csv"));
  // Every schema version that reached the binlog with rows is recorded (the columns each CDC
  // file has): qty; +price; -qty; title. The MODIFY's version carried no row before the RENAME.
  // Every DDL is recorded beside them, with its statement, in binlog order.
  size_t versions = 0;
  std::vector<std::string> ddls;
  for (const auto& e : fs::directory_iterator(dir_ / "out/_binlake/schema/app/items")) {
    std::string name = e.path().filename().string();
    if (name.ends_with(".ddl.json")) {
      std::ifstream in(e.path());
      auto j = nlohmann::json::parse(in);
      ddls.push_back(name + " " + j["kind"].get<std::string>() + ": " +
                     j["statement"].get<std::string>());
    } else {
      ++versions;
    }
  }
  EXPECT_EQ(versions, 4u);
  std::sort(ddls.begin(), ddls.end());
  ASSERT_EQ(ddls.size(), 5u) << ::testing::PrintToString(ddls);
  const char* expected_ddls[] = {"ALTER: ALTER TABLE app.items ADD COLUMN price",
                                 "ALTER: ALTER TABLE app.items DROP COLUMN qty",
                                 "ALTER: ALTER TABLE app.items MODIFY name VARCHAR(50)",
                                 "ALTER: ALTER TABLE app.items RENAME COLUMN name TO title",
                                 "TRUNCATE: TRUNCATE TABLE app.items"};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_NE(ddls[i].find(expected_ddls[i]), std::string::npos) << ddls[i];
  }
  CommandResult status = RunShell(ShellQuote(testing::BinlakeProgram()) + " status --json " +
                                  "--target " + ShellQuote(Target()));
  EXPECT_NE(status.out.find("\"ddls\": 5"), std::string::npos) << status.out;
}

// 5. Every column type changed by CDC renders exactly as a full load of the same rows, with
//    full and with minimal binlog row metadata.
class CdcAllTypesTest : public CdcTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(CdcAllTypesTest, CdcValuesEqualFullLoadValues) {
  ASSERT_TRUE(server_->Execute(std::string("SET GLOBAL binlog_row_metadata = ") + GetParam()).ok());
  LoadChangeAndReloadAllTypes("");
  if (HasFatalFailure()) return;
  // Both read by DuckDB as text, all columns, ordered by id.
  std::string options = ", header=false, all_varchar=true, allow_quoted_nulls=false)";
  auto from_cdc = DuckDbQuery({"SELECT * EXCLUDE (column00) FROM read_csv(" +
                               DuckQuote((dir_ / "out/types/all_types").string() + "/2*.csv") +
                               options + " ORDER BY CAST(column01 AS INTEGER)"});
  auto from_load =
      DuckDbQuery({"SELECT * FROM read_csv(" +
                   DuckQuote((dir_ / "fresh/types/all_types/LOAD00000001.csv").string()) + options +
                   " ORDER BY CAST(column00 AS INTEGER)"});
  ASSERT_TRUE(from_cdc.ok()) << from_cdc.status().ToString();
  ASSERT_TRUE(from_load.ok()) << from_load.status().ToString();
  ASSERT_EQ(from_cdc->size(), 7u);
  ASSERT_EQ(from_load->size(), 7u);
  for (size_t r = 0; r < from_load->size(); ++r) {
    // Column k of the LOAD file is column k+1 of the CDC file (after Op).
    const auto& load_row = (*from_load)[r];
    const auto& cdc_row = (*from_cdc)[r];
    ASSERT_EQ(load_row.size(), cdc_row.size());
    for (const auto& [name, value] : load_row) {
      int k = std::stoi(name.substr(6));
      char cdc_name[32];
      std::snprintf(cdc_name, sizeof cdc_name, "column%02d", k + 1);
      EXPECT_EQ(cdc_row.at(cdc_name), value) << "row " << r << " column " << k;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Metadata, CdcAllTypesTest, ::testing::Values("FULL", "MINIMAL"));

// The same with DataFormat=parquet: DuckDB reads the CDC Parquet files to exactly the values it
// reads from a Parquet full load of the same rows (types, units and logical annotations alike).
TEST_F(CdcTest, CdcParquetValuesEqualFullLoadParquetValues) {
  LoadChangeAndReloadAllTypes("--set DataFormat=parquet");
  if (HasFatalFailure()) return;
  auto from_cdc = DuckDbQuery(
      {"SET TimeZone='UTC'",
       "SELECT * EXCLUDE (Op) FROM read_parquet(" +
           DuckQuote((dir_ / "out/types/all_types").string() + "/2*.parquet") + ") ORDER BY id"});
  auto from_load =
      DuckDbQuery({"SET TimeZone='UTC'",
                   "SELECT * FROM read_parquet(" +
                       DuckQuote((dir_ / "fresh/types/all_types/LOAD00000001.parquet").string()) +
                       ") ORDER BY id"});
  ASSERT_TRUE(from_cdc.ok()) << from_cdc.status().ToString();
  ASSERT_TRUE(from_load.ok()) << from_load.status().ToString();
  ASSERT_EQ(from_cdc->size(), 7u);
  ASSERT_EQ(from_load->size(), 7u);
  for (size_t r = 0; r < from_load->size(); ++r) {
    ASSERT_EQ((*from_load)[r].size(), (*from_cdc)[r].size()) << "row " << r;
    for (const auto& [name, value] : (*from_load)[r]) {
      EXPECT_EQ((*from_cdc)[r].at(name), value) << "row " << r << " column " << name;
    }
  }
}

}  // namespace
}  // namespace binlake
