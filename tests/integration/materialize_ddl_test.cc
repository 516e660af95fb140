// Table plans (lake/table_plan.h) against what the source did: MariaDB runs ALTER TABLE ADD /
// DROP / RENAME / MODIFY COLUMN, TRUNCATE, RENAME TABLE, DROP TABLE + CREATE TABLE and ALTER ...
// RENAME TO while `binlake cdc` runs. At each pause the source position and, for every table of
// the source then, its columns, primary key and rows are recorded. Afterwards, as of each pause's
// checkpoint, PlanTables must give exactly the source's tables then, each with its columns and
// key, and the rows its files give when read through the plan's mappings must be exactly the
// source's rows then; the file lists of the renamed, truncated and re-created tables are checked
// step by step.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "common/testing/temp_dir.h"
#include "format/csv/csv_reader.h"
#include "lake/lake_reader.h"
#include "lake/table_merge.h"
#include "lake/table_plan.h"
#include "store/local_object_store.h"
#include "support/cdc_oracle.h"
#include "support/readers.h"
#include "support/test_servers.h"

namespace binlake {
namespace {

using testing::BinlakeProcess;
using testing::CommandResult;
using testing::DuckDbQuery;
using testing::DuckQuote;
using testing::MariaDbServer;
using testing::ShellQuote;

// A table as the source holds it: columns, primary key, rows "v1|v2|..." in key order (NULL \N).
struct SourceTable {
  std::vector<std::string> columns;
  std::vector<std::string> key;
  std::string rows;
  bool operator==(const SourceTable&) const = default;
};

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::ostream& operator<<(std::ostream& os, const SourceTable& t) {
  return os << "columns " << Joined(t.columns) << " key " << Joined(t.key) << "\n" << t.rows;
}

class MaterializeDdlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = MariaDbServer::Start({"binlog_row_metadata=FULL"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
  }
  std::string Target() const { return "file://" + dir_.path() + "/target"; }
  std::string Common() const {
    return "--source " + server_->RootUrl() + " --tls-mode disabled --target " +
           ShellQuote(Target());
  }
  std::vector<std::string> Column(const std::string& sql) {
    auto rows = server_->Query(sql);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString() << "\n" << sql;
    std::vector<std::string> out;
    if (rows.ok()) {
      for (const auto& r : *rows) out.push_back(r[0].value_or("?"));
    }
    return out;
  }
  // Every table of `app` as the source holds it now.
  std::map<std::string, SourceTable> SourceTables() {
    std::map<std::string, SourceTable> out;
    for (const std::string& name :
         Column("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'app'")) {
      SourceTable t;
      const std::string where = " WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = '" + name + "'";
      t.columns = Column("SELECT COLUMN_NAME FROM information_schema.COLUMNS" + where +
                         " ORDER BY ORDINAL_POSITION");
      t.key = Column("SELECT COLUMN_NAME FROM information_schema.STATISTICS" + where +
                     " AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX");
      std::string fields;
      for (const std::string& c : t.columns) {
        fields += (fields.empty() ? "" : ", '|', ") + std::string("COALESCE(`") + c + "`, '\\\\N')";
      }
      for (const std::string& row : Column("SELECT CONCAT(" + fields + ") FROM app.`" + name +
                                           "` ORDER BY " + Joined(t.key))) {
        t.rows += row + "\n";
      }
      out[name] = std::move(t);
    }
    return out;
  }

  // The table a plan describes, its rows read from its files through its mappings.
  SourceTable Planned(ObjectStore& store, const Lake& lake, const TablePlan& plan) {
    SourceTable t;
    for (const auto& c : plan.schema.columns) t.columns.push_back(c.name);
    for (int k : plan.schema.primary_key) t.key.push_back(plan.schema.columns[k].name);
    TableMerge merge(plan.schema);
    for (const PlanStep& s : plan.steps) {
      if (s.kind == PlanStep::Kind::kTruncate) {
        merge = TableMerge(plan.schema);
        continue;
      }
      auto data = store.Get(s.file.key);
      EXPECT_TRUE(data.ok()) << s.file.key;
      if (!data.ok()) continue;
      CsvRecordReader reader(*data, lake.csv);
      CsvRecord record;
      for (Result<bool> more = reader.Next(&record); more.ok() && *more;
           more = reader.Next(&record)) {
        // CDC files: Op (and the extra columns) before the data columns.
        EXPECT_GE(record.size(), s.file.data_columns + (s.file.cdc ? 1 : 0)) << s.file.key;
        const size_t skip = record.size() - std::min(record.size(), s.file.data_columns);
        CsvRecord row;
        for (size_t i = 0; i < s.file.columns.size(); ++i) {
          const int c = s.file.columns[i];
          row.push_back(c < 0 ? plan.absent.at(i) : record[skip + static_cast<size_t>(c)]);
        }
        Status applied = merge.Apply(s.file.cdc ? (*record[0])[0] : 'I', std::move(row));
        EXPECT_TRUE(applied.ok()) << applied.ToString() << " in " << s.file.key;
      }
    }
    EXPECT_EQ(merge.inconsistencies(), 0u) << plan.schema.table;
    for (const CsvRecord& r : merge.TakeSortedRows()) {
      for (size_t i = 0; i < r.size(); ++i) t.rows += (i ? "|" : "") + r[i].value_or("\\N");
      t.rows += "\n";
    }
    return t;
  }

  // The tables of a `binlake materialize` output under app/, read by DuckDB with a glob per
  // table (rows in the order of `expected`'s key; the key itself is taken from `expected`).
  std::map<std::string, SourceTable> OutputTables(
      const std::string& output, const std::map<std::string, SourceTable>& expected) {
    namespace fs = std::filesystem;
    std::map<std::string, SourceTable> out;
    if (!fs::exists(output + "/app")) return out;
    for (const auto& dir : fs::directory_iterator(output + "/app")) {
      std::string part;
      for (const auto& f : fs::recursive_directory_iterator(dir.path())) {
        if (f.path().extension() == ".csv") part = f.path().string();
      }
      if (part.empty()) continue;
      const std::string name = dir.path().filename().string();
      SourceTable t;
      std::ifstream in(part);
      std::string header;
      std::getline(in, header);
      for (size_t start = 0; start <= header.size();) {
        size_t comma = std::min(header.find(',', start), header.size());
        t.columns.push_back(header.substr(start, comma - start));
        start = comma + 1;
      }
      auto it = expected.find(name);
      if (it != expected.end()) t.key = it->second.key;
      std::string fields, order;
      for (const std::string& c : t.columns) {
        fields += (fields.empty() ? "" : ", '|', ") + std::string("COALESCE(\"") + c + "\", '\\N')";
      }
      for (const std::string& k : t.key) {
        order += (order.empty() ? "" : ", ") + std::string("CAST(\"") + k + "\" AS BIGINT)";
      }
      auto rows = DuckDbQuery({"SELECT CONCAT(" + fields + ") AS r FROM read_csv(" +
                               DuckQuote(dir.path().string() + "/**/*.csv") +
                               ", header=true, all_varchar=true, allow_quoted_nulls=false)" +
                               (order.empty() ? "" : " ORDER BY " + order)});
      if (!rows.ok()) {
        t.rows = "duckdb error: " + rows.status().message();
      } else {
        for (const auto& r : *rows) t.rows += r.at("r").value_or("?") + "\n";
      }
      out[name] = std::move(t);
    }
    return out;
  }

  // The source's DDL while `binlake cdc` runs; a pause recorded before the first phase and
  // after each (CDC has committed past it). `one_batch`: every phase falls inside one long CDC
  // batch (CDC committed past the last pause only).
  void RunPhases(bool one_batch = false) {
    ASSERT_TRUE(
        server_
            ->Execute("CREATE DATABASE app;"
                      "CREATE TABLE app.items (id INT PRIMARY KEY, name VARCHAR(20), qty INT);"
                      "CREATE TABLE app.old (id INT PRIMARY KEY, v VARCHAR(10));"
                      "CREATE TABLE app.gone (id INT PRIMARY KEY, v VARCHAR(10));"
                      "CREATE TABLE app.keep (id INT PRIMARY KEY, v VARCHAR(10));"
                      "INSERT INTO app.items VALUES (1,'one',1),(2,'two',NULL),(3,'three',3);"
                      "INSERT INTO app.old VALUES (1,'o1'),(2,'o2');"
                      "INSERT INTO app.gone VALUES (1,'g1');"
                      "INSERT INTO app.keep VALUES (1,'k1')")
            .ok());
    ASSERT_EQ(testing::RunBinlake("full-load --progress off " + Common()).exit_code, 0);
    BinlakeProcess cdc("cdc " + Common() +
                       " --set CdcMaxBatchInterval=" + (one_batch ? "30" : "1"));
    const std::vector<std::string> phases = {
        // ADD COLUMN: earlier rows read NULL (or the default, below), later ones and updated
        // ones have it.
        "INSERT INTO app.items VALUES (4,'four',4);"
        "ALTER TABLE app.items ADD COLUMN price DECIMAL(8,2);"
        "INSERT INTO app.items VALUES (5,'five',5,5.50);"
        "UPDATE app.items SET price = 1.25 WHERE id = 1;"
        "INSERT INTO app.keep VALUES (2,'k2');"
        // ADD COLUMN with defaults: the rows already there get them (implicit ones for NOT NULL).
        "ALTER TABLE app.keep ADD COLUMN status VARCHAR(12) NOT NULL DEFAULT 'it''s new', "
        "ADD COLUMN n INT NOT NULL, ADD COLUMN at DATETIME(3) DEFAULT '2020-01-02 03:04:05.5', "
        "ADD COLUMN d DECIMAL(6,2) DEFAULT 1.5 AFTER id, ADD COLUMN f DOUBLE DEFAULT 1e3, "
        "ADD COLUMN e ENUM('x','y') NOT NULL, ADD COLUMN z DATE NOT NULL DEFAULT '2024-02-29'",
        // DROP COLUMN, RENAME COLUMN, MODIFY ... AFTER (moved).
        "ALTER TABLE app.items DROP COLUMN qty;"
        "UPDATE app.items SET name = 'TWO' WHERE id = 2;"
        "ALTER TABLE app.items RENAME COLUMN name TO title;"
        "ALTER TABLE app.items MODIFY title VARCHAR(40) AFTER price;"
        "INSERT INTO app.items (id, title, price) VALUES (6,'six',6.00);"
        "DELETE FROM app.items WHERE id = 3",
        // TRUNCATE between rows of one batch.
        "INSERT INTO app.old VALUES (3,'o3');"
        "TRUNCATE TABLE app.old;"
        "INSERT INTO app.old VALUES (10,'o10'),(11,'o11')",
        // RENAME TABLE; DROP TABLE and a CREATE of the same name with other columns.
        "RENAME TABLE app.old TO app.renamed;"
        "UPDATE app.renamed SET v = 'O11' WHERE id = 11;"
        "INSERT INTO app.gone VALUES (3,'g3');"
        "DROP TABLE app.gone;"
        "CREATE TABLE app.gone (k INT PRIMARY KEY, w VARCHAR(5), extra INT);"
        "INSERT INTO app.gone VALUES (1,'new',NULL)",
        // ALTER ... RENAME TO with a column change; a DROP alone.
        "ALTER TABLE app.renamed ADD COLUMN n INT, RENAME TO app.final;"
        "INSERT INTO app.final VALUES (12,'o12',12);"
        "DROP TABLE app.keep",
    };
    pauses_.clear();
    auto gtids = [&] { return Column("SELECT @@gtid_binlog_pos").at(0); };
    pauses_.push_back({server_->MasterPosition(), gtids(), SourceTables()});
    for (const std::string& sql : phases) {
      Status s = server_->Execute(sql);
      ASSERT_TRUE(s.ok()) << s.ToString() << "\n" << sql;
      pauses_.push_back({server_->MasterPosition(), gtids(), SourceTables()});
      if (one_batch && sql != phases.back()) continue;
      ASSERT_TRUE(testing::WaitForCheckpoint("--target " + ShellQuote(Target()),
                                             pauses_.back().position, std::chrono::seconds(120)))
          << cdc.Log();
    }
    ASSERT_TRUE(cdc.Kill(SIGTERM)) << cdc.Log();
    ASSERT_EQ(cdc.exit_code(), 0) << cdc.Log();
  }

  struct Pause {
    std::string position;
    std::string gtids;  // @@gtid_binlog_pos
    std::map<std::string, SourceTable> tables;
  };
  std::vector<Pause> pauses_;

  TempDir dir_{"binlake-materialize-ddl"};
  std::unique_ptr<MariaDbServer> server_;
};

TEST_F(MaterializeDdlTest, PlansFollowEveryDdlOfTheSource) {
  RunPhases();
  if (HasFatalFailure()) return;
  const std::vector<Pause>& pauses = pauses_;
  auto store = LocalObjectStore::Open(Target());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto lake = OpenLake(**store, "");
  ASSERT_TRUE(lake.ok()) << lake.status().ToString();
  // CDC recorded where each file's rows begin.
  for (const CdcCheckpoint& c : lake->history.commits) {
    for (const CdcFile& f : c.files) EXPECT_FALSE(f.first.empty()) << f.key;
  }
  std::vector<std::vector<TablePlan>> plans;
  for (const Pause& p : pauses) {
    auto at = ResolveAsOf(*lake, p.position);
    ASSERT_TRUE(at.ok()) << at.status().ToString();
    EXPECT_TRUE(at->exact) << p.position;
    // The source's GTID position then names the same checkpoint, exactly.
    auto by_gtid = ResolveAsOf(*lake, p.gtids);
    ASSERT_TRUE(by_gtid.ok()) << by_gtid.status().ToString();
    EXPECT_EQ(by_gtid->checkpoint, at->checkpoint) << p.gtids;
    EXPECT_TRUE(by_gtid->exact) << p.gtids;
    auto planned = PlanTables(**store, *lake, 0, at->checkpoint, nullptr);
    ASSERT_TRUE(planned.ok()) << p.position << ": " << planned.status().ToString();
    std::map<std::string, SourceTable> got;
    for (const TablePlan& plan : *planned) {
      EXPECT_EQ(plan.schema.schema, "app");
      got[plan.schema.table] = Planned(**store, *lake, plan);
    }
    EXPECT_EQ(got, p.tables) << "as of " << p.position << " (checkpoint " << at->checkpoint << ")";
    plans.push_back(std::move(planned).value());
  }

  auto plan_of = [&](size_t pause, const std::string& table) -> const TablePlan* {
    for (const TablePlan& p : plans[pause]) {
      if (p.schema.table == table) return &p;
    }
    ADD_FAILURE() << "no plan for " << table << " at pause " << pause;
    return nullptr;
  };
  auto mapping = [](const PlanStep& s) {
    std::string out;
    for (int c : s.file.columns) out += (out.empty() ? "" : ",") + std::to_string(c);
    return out;
  };
  // items: the full load's file (id, name, qty) maps onto (id, price, title) as [0,-1,1].
  const TablePlan* items = plan_of(5, "items");
  ASSERT_NE(items, nullptr);
  EXPECT_EQ(items->loaded_as, "app.items");
  ASSERT_FALSE(items->steps.empty());
  EXPECT_FALSE(items->steps[0].file.cdc);
  EXPECT_EQ(mapping(items->steps[0]), "0,-1,1");
  EXPECT_EQ(mapping(items->steps.back()), "0,1,2");
  // final: app.old's full load and files, one TRUNCATE, then app.renamed's and app.final's.
  const TablePlan* final_table = plan_of(5, "final");
  ASSERT_NE(final_table, nullptr);
  EXPECT_EQ(final_table->loaded_as, "app.old");
  std::string folders;
  for (const PlanStep& s : final_table->steps) {
    const std::string f = s.kind == PlanStep::Kind::kTruncate
                              ? "TRUNCATE"
                              : s.file.key.substr(0, s.file.key.find('/', 4));
    if (folders.empty() || folders.substr(folders.rfind(' ') + 1) != f) folders += " " + f;
  }
  EXPECT_EQ(folders, " app/old TRUNCATE app/old app/renamed app/final");
  // gone: created again during CDC, only its files after the CREATE.
  const TablePlan* gone = plan_of(5, "gone");
  ASSERT_NE(gone, nullptr);
  EXPECT_EQ(gone->loaded_as, "");
  ASSERT_EQ(gone->steps.size(), 1u);
  EXPECT_TRUE(gone->steps[0].file.cdc);
  EXPECT_EQ(mapping(gone->steps[0]), "0,1,2");
  EXPECT_EQ(plan_of(3, "gone")->loaded_as, "app.gone");  // before the DROP: the full load's
  EXPECT_EQ(plan_of(4, "keep")->steps.size(), 2u);       // its LOAD file, one CDC file
}

// `binlake materialize` as of each pause - a fresh output each time, and one output advanced
// pause by pause (incremental plans: TRUNCATE, RENAME, DROP + CREATE between two versions) - gives
// exactly the source's tables then, read back by DuckDB.
TEST_F(MaterializeDdlTest, MaterializedTablesAreTheSourceAtEachPause) {
  RunPhases();
  if (HasFatalFailure()) return;
  const std::string advanced = dir_.path() + "/advanced";
  for (size_t i = 0; i < pauses_.size(); ++i) {
    for (const std::string& output : {dir_.path() + "/at-" + std::to_string(i), advanced}) {
      CommandResult r = testing::RunBinlake("materialize --target " + ShellQuote(Target()) +
                                            " --output " + ShellQuote("file://" + output) +
                                            " --as-of " + ShellQuote(pauses_[i].position));
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(OutputTables(output, pauses_[i].tables), pauses_[i].tables)
          << output << " as of " << pauses_[i].position << "\n"
          << r.out;
    }
  }
}

// The same DDL inside one long batch: as of each pause's position and GTID position, the batch
// is cut exactly at the pause's transaction (the transaction index), with the DDL statements up
// to there (columns, TRUNCATE, RENAME, DROP + CREATE), and gives exactly the source's tables.
TEST_F(MaterializeDdlTest, DdlInsideOneBatchIsCutExactly) {
  RunPhases(/*one_batch=*/true);
  if (HasFatalFailure()) return;
  int cut = 0;
  for (size_t i = 0; i < pauses_.size(); ++i) {
    for (const std::string& when : {pauses_[i].position, pauses_[i].gtids}) {
      const std::string output = dir_.path() + "/at-" + std::to_string(i) + "-" +
                                 (when == pauses_[i].position ? "pos" : "gtid");
      CommandResult r =
          testing::RunBinlake("materialize --target " + ShellQuote(Target()) + " --output " +
                              ShellQuote("file://" + output) + " --as-of " + ShellQuote(when));
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(r.out.find("note:"), std::string::npos) << when << " is exact: " << r.out;
      if (r.out.find("is cut inside batch") != std::string::npos) ++cut;
      EXPECT_EQ(OutputTables(output, pauses_[i].tables), pauses_[i].tables)
          << output << " as of " << when << "\n"
          << r.out;
    }
  }
  // Pauses 1..4 (of 0..5) fall inside the batch (pause 0 may precede it, 5 ends it).
  EXPECT_GE(cut, 8);
}

}  // namespace
}  // namespace binlake
