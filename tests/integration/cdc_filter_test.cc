// CDC applies the table mappings' source filters as the full load does. The oracle is the
// server: a second full load with the same mappings (whose filters the server evaluates as SQL)
// selects exactly the inserted rows that CDC wrote, and updates/deletes are kept or dropped by
// their before- and after-images (cdc_row_filter.h).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "support/readers.h"
#include "support/test_servers.h"

namespace binlake {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::DuckDbQuery;
using testing::DuckQuote;
using testing::MariaDbServer;
using testing::RunShell;
using testing::ShellQuote;

// Two rules select shop.orders: a row passes if (status is paid or SENT, case-insensitively,
// and amount is in [10, 100.5]) or it was placed on or after 2024-06-01.
constexpr const char* kMappings = R"({"rules":[
  {"rule-type":"selection","rule-id":"1","rule-name":"paid","rule-action":"include",
   "object-locator":{"schema-name":"shop","table-name":"orders"},
   "filters":[
     {"filter-type":"source","column-name":"status","filter-conditions":[
        {"filter-operator":"eq","value":"paid"},{"filter-operator":"eq","value":"SENT"}]},
     {"filter-type":"source","column-name":"amount","filter-conditions":[
        {"filter-operator":"between","start-value":"10","end-value":"100.5"}]}]},
  {"rule-type":"selection","rule-id":"2","rule-name":"recent","rule-action":"include",
   "object-locator":{"schema-name":"shop","table-name":"orders"},
   "filters":[{"filter-type":"source","column-name":"placed","filter-conditions":[
        {"filter-operator":"gte","value":"2024-06-01"}]}]}]})";

class CdcFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = MariaDbServer::Start({"binlog_row_metadata=FULL"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
    dir_ = fs::temp_directory_path() / ("binlake-cdc-filter-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "mappings.json") << kMappings;
  }
  void TearDown() override { fs::remove_all(dir_); }

  CommandResult Binlake(const std::string& command, const std::string& target_dir,
                        const std::string& extra = "") {
    return RunShell(ShellQuote(testing::BinlakeProgram()) + " " + command + " --source " +
                    server_->RootUrl() + " --tls-mode disabled --target " +
                    ShellQuote("file://" + (dir_ / target_dir).string()) + " --table-mappings " +
                    ShellQuote((dir_ / "mappings.json").string()) + " " + extra);
  }
  // `select` over the files `glob` of shop.orders, columns named c0..: "Op:id" of every CDC
  // row (5 columns), or the ids of its LOAD rows (4 columns).
  std::set<std::string> Read(const std::string& target_dir, const std::string& glob,
                             const std::string& select) {
    const bool cdc = glob[0] == '2';
    const std::string names = cdc ? "['c0','c1','c2','c3','c4']" : "['c0','c1','c2','c3']";
    auto rows = DuckDbQuery({"SELECT " + select + " AS k FROM read_csv(" +
                             DuckQuote((dir_ / target_dir / "shop/orders").string() + "/" + glob) +
                             ", header=false, all_varchar=true, names=" + names + ")"});
    std::set<std::string> out;
    if (!rows.ok()) {
      ADD_FAILURE() << rows.status().ToString();
      return out;
    }
    for (auto& r : *rows) out.insert(r.at("k").value_or(""));
    return out;
  }

  std::unique_ptr<MariaDbServer> server_;
  fs::path dir_;
};

TEST_F(CdcFilterTest, CdcKeepsTheRowsTheFullLoadFilterSelects) {
  // shop.notes is not selected: its changes, between those of shop.orders, are not written.
  ASSERT_TRUE(server_
                  ->Execute("CREATE DATABASE shop; CREATE TABLE shop.orders (id INT PRIMARY KEY, "
                            "status VARCHAR(10), amount DECIMAL(8,2), placed DATETIME);"
                            "CREATE TABLE shop.notes (id INT PRIMARY KEY, v INT)")
                  .ok());
  // Before the snapshot: 1 passes (paid, 50), 2 does not (open), 3 passes (sent, 10),
  // 4 does not (paid, 200), 5 does not (NULL status).
  ASSERT_TRUE(server_
                  ->Execute("INSERT INTO shop.orders VALUES (1,'paid',50,'2024-01-01'),"
                            "(2,'open',50,'2024-01-01'),(3,'sent',10,'2024-01-01'),"
                            "(4,'paid',200,'2024-01-01'),(5,NULL,50,'2024-01-01')")
                  .ok());
  CommandResult load = Binlake("full-load --progress off", "out");
  ASSERT_EQ(load.exit_code, 0) << load.err;
  EXPECT_EQ(Read("out", "LOAD*.csv", "c0"), (std::set<std::string>{"1", "3"}));

  // After it: 300 inserted rows over every edge of the filters (never changed again) ...
  std::string values;
  const char* statuses[] = {"'paid'", "'PAID'", "'Sent '", "'sent'", "'open'", "NULL"};
  const char* amounts[] = {"9.99", "10.00", "55", "100.50", "100.51"};
  const char* dates[] = {"'2024-05-31 23:59:59'", "'2024-06-01 00:00:00'", "'2025-01-01'", "NULL"};
  int id = 1000;
  for (const char* s : statuses) {
    for (const char* a : amounts) {
      for (const char* d : dates) {
        values += (values.empty() ? "" : ",") + std::string("(") + std::to_string(id++) + "," + s +
                  "," + a + "," + d + ")";
      }
    }
  }
  ASSERT_TRUE(server_->Execute("INSERT INTO shop.orders VALUES " + values).ok());
  // ... and changes to the earlier rows: 1 leaves the range (kept: its before-image passes),
  // 2 enters it (kept: its after-image passes), 4 stays out (dropped), 3 is deleted (kept),
  // 5 is deleted (dropped).
  ASSERT_TRUE(server_
                  ->Execute("INSERT INTO shop.notes VALUES (1, 1);"
                            "UPDATE shop.orders SET amount = 500 WHERE id = 1;"
                            "UPDATE shop.notes SET v = 2 WHERE id = 1;"
                            "UPDATE shop.orders SET status = 'paid' WHERE id = 2;"
                            "UPDATE shop.orders SET amount = 300 WHERE id = 4;"
                            "DELETE FROM shop.orders WHERE id IN (3, 5);"
                            "DELETE FROM shop.notes WHERE id = 1")
                  .ok());
  CommandResult cdc = Binlake("cdc", "out", "--stop-at " + server_->MasterPosition());
  ASSERT_EQ(cdc.exit_code, 0) << cdc.err;

  // The server's verdict on the inserted rows: a filtered full load of the table as it is now.
  CommandResult reload = Binlake("full-load --progress off", "fresh");
  ASSERT_EQ(reload.exit_code, 0) << reload.err;
  std::set<std::string> server_selected;
  for (const std::string& i : Read("fresh", "LOAD*.csv", "c0")) {
    if (std::stoi(i) >= 1000) server_selected.insert("I:" + i);
  }
  ASSERT_GT(server_selected.size(), 20u);
  ASSERT_LT(server_selected.size(), 100u);  // the filters drop most rows

  std::set<std::string> cdc_rows = Read("out", "2*.csv", "c0 || ':' || c1");
  std::set<std::string> cdc_inserts, cdc_others;
  for (const std::string& r : cdc_rows) (r[0] == 'I' ? cdc_inserts : cdc_others).insert(r);
  EXPECT_EQ(cdc_inserts, server_selected);
  EXPECT_EQ(cdc_others, (std::set<std::string>{"U:1", "U:2", "D:3"}));
  EXPECT_TRUE(fs::exists(dir_ / "out" / "shop" / "orders"));
  EXPECT_FALSE(fs::exists(dir_ / "out" / "shop" / "notes"));
}

TEST_F(CdcFilterTest, FilterOnAColumnTheTableLacksStopsWithOneLine) {
  ASSERT_TRUE(server_
                  ->Execute("CREATE DATABASE shop; CREATE TABLE shop.orders (id INT PRIMARY KEY, "
                            "status VARCHAR(10), amount DECIMAL(8,2), placed DATETIME)")
                  .ok());
  CommandResult load = Binlake("full-load --progress off", "out");
  ASSERT_EQ(load.exit_code, 0) << load.err;
  ASSERT_TRUE(server_
                  ->Execute("ALTER TABLE shop.orders CHANGE placed placed_at DATETIME;"
                            "INSERT INTO shop.orders VALUES (1,'paid',50,'2024-01-01')")
                  .ok());
  CommandResult cdc = Binlake("cdc", "out", "--stop-at " + server_->MasterPosition());
  EXPECT_NE(cdc.exit_code, 0);
  std::string err = cdc.err;
  while (!err.empty() && err.back() == '\n') err.pop_back();
  EXPECT_NE(err.find("binlake: error: "), std::string::npos) << err;
  EXPECT_NE(err.find("'placed'"), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), std::string::npos) << err;
}

}  // namespace
}  // namespace binlake
