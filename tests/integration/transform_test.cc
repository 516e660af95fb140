// Transformation rules (transform/table_transform.h) shape the full load and CDC alike, in CSV
// and Parquet: the target's schema, table and column names, removed columns absent from every
// file, and a materialized table equal to the source's table under the same names (the server
// is the oracle: it selects the kept columns itself), with a source filter on one table. A rule
// mapping two tables to one target is refused before anything is written.
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

std::string Rule(int id, const std::string& body) {
  return R"({"rule-type":"transformation","rule-id":")" + std::to_string(id) + "\"," + body + "}";
}
std::string Locator(const std::string& table, const std::string& column = "") {
  return R"("object-locator":{"schema-name":"shop","table-name":")" + table + "\"" +
         (column.empty() ? "" : R"(,"column-name":")" + column + "\"") + "}";
}

const std::string kInclude = R"({"rule-type":"selection","rule-id":"1","rule-action":"include",
    "object-locator":{"schema-name":"shop","table-name":"%"}})";

// shop -> lake_shop; customers -> clients with email -> mail, without ssn, its name masked by
// SHA-256 (data-masking-hash-mask), and with two add-column expressions (label, flag); orders_old
// -> orders with AMOUNT upper-cased and an add-column `doubled` and before-image columns (BI_id,
// BI_AMOUNT); notes keeps only id and body.
// The selection: customers and orders_old whole; notes only where `extra` >= 5 (a source filter
// on a column the transformation rules remove).
const std::string kSelection =
    R"({"rule-type":"selection","rule-id":"101","rule-action":"include",
        "object-locator":{"schema-name":"shop","table-name":"customers"}},
       {"rule-type":"selection","rule-id":"102","rule-action":"include",
        "object-locator":{"schema-name":"shop","table-name":"orders%"}},
       {"rule-type":"selection","rule-id":"104","rule-action":"include",
        "object-locator":{"schema-name":"shop","table-name":"Misc_Tbl"}},
       {"rule-type":"selection","rule-id":"103","rule-action":"include",
        "object-locator":{"schema-name":"shop","table-name":"notes"},
        "filters":[{"filter-type":"source","column-name":"extra",
                    "filter-conditions":[{"filter-operator":"gte","value":"5"}]}]})";

const std::string kMappings =
    R"({"rules":[)" + kSelection + "," +
    Rule(2, R"("rule-target":"schema","rule-action":"add-prefix","value":"lake_",
               "object-locator":{"schema-name":"shop"})") +
    "," +
    Rule(3, R"("rule-target":"table","rule-action":"rename","value":"clients",)" +
                Locator("customers")) +
    "," +
    Rule(4, R"("rule-target":"column","rule-action":"rename","value":"mail",)" +
                Locator("customers", "email")) +
    "," +
    Rule(5,
         R"("rule-target":"column","rule-action":"remove-column",)" + Locator("customers", "ssn")) +
    "," +
    Rule(6, R"("rule-target":"table","rule-action":"remove-suffix","value":"_old",)" +
                Locator("%_old")) +
    "," +
    Rule(7, R"("rule-target":"column","rule-action":"convert-uppercase",)" +
                Locator("orders_old", "amount")) +
    "," +
    Rule(8, R"("rule-target":"column","rule-action":"include-column",)" + Locator("notes", "id")) +
    "," +
    Rule(9,
         R"("rule-target":"column","rule-action":"include-column",)" + Locator("notes", "body")) +
    "," +
    Rule(10, R"("rule-target":"column","rule-action":"add-column","value":"label",
                "expression":"$name || ' <' || $email || '>'",
                "data-type":{"type":"string","length":60},)" +
                 Locator("customers")) +
    "," +
    Rule(11, R"j("rule-target":"column","rule-action":"add-column","value":"flag",
                "expression":"operation_indicator('D', 'U', 'I')",
                "data-type":{"type":"string","length":1},)j" +
                 Locator("customers")) +
    "," +
    Rule(12, R"("rule-target":"column","rule-action":"add-column","value":"doubled",
                "expression":"$amount * 2","data-type":{"type":"numeric","precision":10,"scale":2},)" +
                 Locator("orders_old")) +
    "," +
    Rule(14, R"("rule-target":"column","rule-action":"add-column","value":"txn",
                "expression":"$AR_H_TRANSACTION_ID","data-type":{"type":"string","length":40},)" +
                 Locator("notes")) +
    "," +
    Rule(13, R"("rule-target":"column","rule-action":"change-data-type",
                "data-type":{"type":"string","length":11},)" +
                 Locator("customers", "id")) +
    "," +
    Rule(20, R"("rule-target":"table","rule-action":"convert-lowercase",)" + Locator("Misc_Tbl")) +
    "," +
    Rule(21, R"("rule-target":"column","rule-action":"replace-prefix","old-value":"pre_",
                "value":"new_",)" +
                 Locator("Misc_Tbl", "pre_code")) +
    "," +
    Rule(22, R"("rule-target":"column","rule-action":"remove-suffix","value":"_x",)" +
                 Locator("Misc_Tbl", "val_x")) +
    "," +
    Rule(23, R"("rule-target":"column","rule-action":"add-suffix","value":"_v2",)" +
                 Locator("Misc_Tbl", "tag_old")) +
    "," +
    Rule(24, R"("rule-target":"column","rule-action":"remove-prefix","value":"x_",)" +
                 Locator("Misc_Tbl", "x_flag")) +
    "," +
    Rule(25, R"("rule-target":"column","rule-action":"replace-suffix","old-value":"_usd",
                "value":"_eur",)" +
                 Locator("Misc_Tbl", "price_usd")) +
    "," +
    Rule(26, R"("rule-target":"column","rule-action":"data-masking-digits-mask","value":"#",)" +
                 Locator("Misc_Tbl", "card")) +
    "," +
    Rule(27, R"("rule-target":"column","rule-action":"data-masking-digits-randomize",)" +
                 Locator("Misc_Tbl", "phone")) +
    "," +
    Rule(28, R"("rule-target":"column","rule-action":"change-data-type",
                "data-type":{"type":"int8"},"expression":"$qty * 10",)" +
                 Locator("Misc_Tbl", "qty")) +
    "," +
    Rule(16, R"("rule-target":"column","rule-action":"data-masking-hash-mask",)" +
                 Locator("customers", "name")) +
    "," +
    Rule(15, R"("rule-target":"column","rule-action":"add-before-image-columns",
                "before-image-def":{"column-filter":"all"},)" +
                 Locator("orders_old")) +
    "]}";

class TransformTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = MariaDbServer::Start({"binlog_row_metadata=FULL"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
    dir_ = fs::temp_directory_path() / ("binlake-transform-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "mappings.json") << kMappings;
  }
  void TearDown() override { fs::remove_all(dir_); }

  CommandResult Binlake(const std::string& command, const std::string& target,
                        const std::string& mappings, const std::string& extra = "") {
    return RunShell(ShellQuote(testing::BinlakeProgram()) + " " + command + " --source " +
                    server_->RootUrl() + " --tls-mode disabled --target " +
                    ShellQuote("file://" + (dir_ / target).string()) + " --table-mappings " +
                    ShellQuote((dir_ / mappings).string()) + " " + extra);
  }
  // The column names of the files `glob` under the target, as DuckDB reads them.
  std::string Columns(const std::string& glob, bool parquet) {
    const std::string path = DuckQuote((dir_ / glob).string());
    auto rows = DuckDbQuery(
        {"SELECT string_agg(column_name, ',') AS c FROM (DESCRIBE SELECT * FROM " +
         (parquet ? "read_parquet(" + path + ")" : "read_csv(" + path + ", header=true)") + ")"});
    if (!rows.ok()) return "duckdb error: " + rows.status().message();
    return rows->empty() ? "" : rows->front().at("c").value_or("?");
  }
  // The DuckDB types of the columns of the Parquet files `glob` under the target.
  std::string ParquetTypes(const std::string& glob) {
    auto rows =
        DuckDbQuery({"SELECT string_agg(column_type, ',') AS c FROM (DESCRIBE SELECT * "
                     "FROM read_parquet(" +
                     DuckQuote((dir_ / glob).string()) + "))"});
    if (!rows.ok()) return "duckdb error: " + rows.status().message();
    return rows->empty() ? "" : rows->front().at("c").value_or("?");
  }
  // `select` over the rows of a materialized table, in key order, one line each.
  std::string Materialized(const std::string& output, const std::string& table,
                           const std::string& select) {
    auto rows =
        DuckDbQuery({"SELECT " + select + " AS r FROM read_csv(" +
                     DuckQuote((dir_ / output / "lake_shop" / table).string() + "/**/*.csv") +
                     ", header=true, all_varchar=true) ORDER BY CAST(id AS INT)"});
    if (!rows.ok()) return "duckdb error: " + rows.status().message();
    std::string out;
    for (const auto& r : *rows) out += r.at("r").value_or("?") + "\n";
    return out;
  }
  std::string Source(const std::string& sql) {
    auto rows = server_->Query(sql);
    if (!rows.ok()) return "source error: " + rows.status().ToString();
    std::string out;
    for (const auto& r : *rows) out += r[0].value_or("?") + "\n";
    return out;
  }

  std::unique_ptr<MariaDbServer> server_;
  fs::path dir_;
};

TEST_F(TransformTest, RulesShapeFullLoadAndCdcAlikeInCsvAndParquet) {
  ASSERT_TRUE(
      server_
          ->Execute("CREATE DATABASE shop;"
                    "CREATE TABLE shop.customers (id INT PRIMARY KEY, email VARCHAR(40),"
                    " name VARCHAR(40), ssn CHAR(11));"
                    "CREATE TABLE shop.orders_old (id INT PRIMARY KEY, amount DECIMAL(8,2));"
                    "CREATE TABLE shop.notes (id INT PRIMARY KEY, body TEXT,"
                    " secret VARCHAR(20), extra INT);"
                    "INSERT INTO shop.customers VALUES (1,'a@x','Ann','111-11-1111'),"
                    " (2,'b@x','Bob','222-22-2222'), (3,'c@x','Cy','333-33-3333');"
                    "INSERT INTO shop.orders_old VALUES (1, 10.50), (2, 20.00);"
                    "INSERT INTO shop.notes VALUES (1, 'hello', 'pw-one', 7),"
                    " (3, 'filtered-out', 'pw-x', 1);"
                    "CREATE TABLE shop.Misc_Tbl (id INT PRIMARY KEY, pre_code VARCHAR(10),"
                    " val_x INT, card VARCHAR(20), phone VARCHAR(20), qty INT,"
                    " tag_old VARCHAR(5), x_flag INT, price_usd DECIMAL(6,2));"
                    "INSERT INTO shop.Misc_Tbl VALUES"
                    " (1, 'A1', 10, '4111-1111-1111-1111', '+1 (555) 010-9999', 3, 'x', 1, 9.99),"
                    " (2, 'B2', NULL, 'C6BGJ566669K', NULL, NULL, 'y', 0, 0.50)")
          .ok());

  // Two source tables to one target: refused with one line before anything is written.
  std::ofstream(dir_ / "clash.json")
      << R"({"rules":[)" + kInclude + "," +
             Rule(2, R"("rule-target":"table","rule-action":"rename","value":"notes",)" +
                         Locator("customers")) +
             "]}";
  CommandResult clash = Binlake("full-load --progress off", "clash", "clash.json");
  EXPECT_NE(clash.exit_code, 0);
  EXPECT_NE(clash.err.find("to the target table shop.notes"), std::string::npos) << clash.err;
  EXPECT_EQ(clash.err.find('\n'), clash.err.size() - 1) << clash.err;
  EXPECT_FALSE(fs::exists(dir_ / "clash" / "shop"));

  const std::string csv = "--set AddColumnName=true";
  const std::string parquet = "--set DataFormat=parquet";
  CommandResult load = Binlake("full-load --progress off", "csv", "mappings.json", csv);
  ASSERT_EQ(load.exit_code, 0) << load.err;
  load = Binlake("full-load --progress off", "pq", "mappings.json", parquet);
  ASSERT_EQ(load.exit_code, 0) << load.err;

  // Changes: an insert, an update, a key update, a delete, the other tables; then a new
  // column (rows after it carry it under its own name).
  ASSERT_TRUE(server_
                  ->Execute("INSERT INTO shop.customers VALUES (4,'d@x','Di','444-44-4444');"
                            "UPDATE shop.customers SET email = 'a2@x', ssn = '999-99-9999'"
                            " WHERE id = 1;"
                            "UPDATE shop.customers SET id = 20 WHERE id = 2;"
                            "DELETE FROM shop.customers WHERE id = 3;"
                            "UPDATE shop.orders_old SET amount = 11.25 WHERE id = 1;"
                            "INSERT INTO shop.notes VALUES (2, 'world', 'pw-two', 8),"
                            " (4, 'filtered-out', 'pw-y', 2);"
                            "UPDATE shop.notes SET secret = 'pw-three' WHERE id = 1;"
                            "INSERT INTO shop.Misc_Tbl VALUES (3, 'C3', 30, '4111-2222', "
                            "'555 0100', 7, 'z', 1, 1.00);"
                            "UPDATE shop.Misc_Tbl SET qty = 4, card = '4111-3333' WHERE id = 1")
                  .ok());
  const std::string before_alter = server_->MasterPosition();
  // The server computes the added and masked columns itself (MariaDB's CONCAT, SHA2 and DECIMAL
  // arithmetic).
  const std::string clients = Source(
      "SELECT CONCAT_WS('|', id, email, UPPER(SHA2(name, 256)), CONCAT(name, ' <', email, "
      "'>')) FROM "
      "shop.customers ORDER BY id");
  const std::string orders =
      Source("SELECT CONCAT_WS('|', id, amount, amount * 2) FROM shop.orders_old ORDER BY id");
  const std::string notes =
      Source("SELECT CONCAT_WS('|', id, body) FROM shop.notes WHERE extra >= 5 ORDER BY id");
  ASSERT_TRUE(server_
                  ->Execute("ALTER TABLE shop.customers ADD COLUMN phone VARCHAR(20);"
                            "INSERT INTO shop.customers VALUES (5,'e@x','Eve','555-55-5555','123')")
                  .ok());
  // The name actions, masking and an expression on an existing column, computed by the server:
  // the digits masked with '#', the randomized phone's shape (digits as 'D'), qty * 10.
  const std::string misc = Source(
      "SELECT CONCAT_WS('|', id, pre_code, val_x, REGEXP_REPLACE(card, '[0-9]', '#'), "
      "REGEXP_REPLACE(phone, '[0-9]', 'D'), qty * 10, tag_old, x_flag, price_usd) FROM "
      "shop.Misc_Tbl ORDER BY id");
  const std::string clients_after = Source(
      "SELECT CONCAT_WS('|', id, email, UPPER(SHA2(name, 256)), phone, CONCAT(name, ' <', email, "
      "'>')) FROM shop.customers ORDER BY id");
  const std::string stop = "--stop-at " + server_->MasterPosition();
  for (const auto& [target, extra] : {std::pair{"csv", csv}, std::pair{"pq", parquet}}) {
    CommandResult cdc = Binlake("cdc", target, "mappings.json", extra + " " + stop);
    ASSERT_EQ(cdc.exit_code, 0) << target << ": " << cdc.err;
    // Only the target's names exist.
    std::set<std::string> folders;
    for (const auto& e : fs::directory_iterator(dir_ / target)) {
      folders.insert(e.path().filename().string());
    }
    EXPECT_EQ(folders, (std::set<std::string>{"_binlake", "lake_shop"})) << target;
    folders.clear();
    for (const auto& e : fs::directory_iterator(dir_ / target / "lake_shop")) {
      folders.insert(e.path().filename().string());
    }
    EXPECT_EQ(folders, (std::set<std::string>{"clients", "misc_tbl", "notes", "orders"})) << target;
    // No removed value anywhere in the target, and no row the filter leaves out: not in a file,
    // not in the schema history.
    CommandResult grep = RunShell("grep -rlE '[0-9]{3}-[0-9]{2}-[0-9]{4}|pw-|filtered-out|4111-' " +
                                  ShellQuote((dir_ / target).string()));
    EXPECT_EQ(grep.out, "") << target;
  }

  // The columns of every file, as DuckDB reads them.
  EXPECT_EQ(Columns("csv/lake_shop/clients/LOAD*.csv", false), "id,mail,name,label,flag");
  EXPECT_EQ(Columns("pq/lake_shop/clients/LOAD*.parquet", true), "id,mail,name,label,flag");
  EXPECT_EQ(Columns("csv/lake_shop/orders/LOAD*.csv", false), "id,AMOUNT,doubled,BI_id,BI_AMOUNT");
  // Before-image columns: the values before an update; empty in the full load.
  for (const std::string target : {"csv", "pq"}) {
    const std::string dir = (dir_ / target / "lake_shop" / "orders").string();
    auto read = [&](const std::string& glob) {
      return target == "pq" ? "read_parquet(" + DuckQuote(dir + "/" + glob + ".parquet") + ")"
                            : "read_csv(" + DuckQuote(dir + "/" + glob + ".csv") +
                                  ", header=true, all_varchar=true)";
    };
    auto images = DuckDbQuery(
        {"SELECT (SELECT count(*) FROM " + read("LOAD*") +
         " WHERE BI_id IS NOT NULL OR BI_AMOUNT IS NOT NULL) || ' ' || (SELECT string_agg(Op || "
         "':' || id || ',' || AMOUNT || ',' || BI_id || ',' || BI_AMOUNT, ' ') FROM " +
         read("2*") + ") AS b"});
    ASSERT_TRUE(images.ok()) << images.status().message();
    EXPECT_EQ(images->front().at("b").value_or("?"), "0 U:1,11.25,1,10.50") << target;
  }
  // change-data-type: the INT key is a string in the full load's and CDC's Parquet files.
  EXPECT_EQ(ParquetTypes("pq/lake_shop/clients/LOAD*.parquet"),
            "VARCHAR,VARCHAR,VARCHAR,VARCHAR,VARCHAR");
  EXPECT_EQ(ParquetTypes("pq/lake_shop/orders/LOAD*.parquet"),
            "INTEGER,DECIMAL(8,2),DECIMAL(10,2),INTEGER,DECIMAL(8,2)");
  EXPECT_EQ(Columns("pq/lake_shop/notes/2*.parquet", true), "Op,id,body,txn");
  EXPECT_EQ(Columns("csv/lake_shop/notes/2*.csv", false), "Op,id,body,txn");
  // $AR_H_TRANSACTION_ID: each CDC row's transaction GTID (MariaDB domain-server-sequence; the
  // INSERT and the UPDATE are two transactions), '' in the full load.
  for (const std::string target : {"csv", "pq"}) {
    const std::string dir = (dir_ / target / "lake_shop" / "notes").string();
    auto read = [&](const std::string& glob) {
      return target == "pq" ? "read_parquet(" + DuckQuote(dir + "/" + glob + ".parquet") + ")"
                            : "read_csv(" + DuckQuote(dir + "/" + glob + ".csv") +
                                  ", header=true, all_varchar=true)";
    };
    auto txn = DuckDbQuery({"SELECT (SELECT count(*) FROM " + read("LOAD*") +
                            " WHERE coalesce(txn, '') <> '') || ' ' ||"
                            " (SELECT count(DISTINCT txn) FILTER (WHERE regexp_full_match(txn, "
                            "'[0-9]+-[0-9]+-[0-9]+'))"
                            " || '/' || count(*) FROM " +
                            read("2*") + ") AS t"});
    ASSERT_TRUE(txn.ok()) << txn.status().message();
    EXPECT_EQ(txn->front().at("t").value_or("?"), "0 2/2") << target;
  }
  std::set<std::string> cdc_headers;
  for (const auto& e : fs::directory_iterator(dir_ / "csv" / "lake_shop" / "clients")) {
    const std::string name = e.path().filename().string();
    if (name[0] == '2') cdc_headers.insert(Columns("csv/lake_shop/clients/" + name, false));
  }
  EXPECT_EQ(cdc_headers, (std::set<std::string>{"Op,id,mail,name,label,flag",
                                                "Op,id,mail,name,phone,label,flag"}));
  // operation_indicator gives every row its own operation: 'I' in the full load, the Op of
  // each CDC row, deletes included (the key update is a D and an I).
  for (const std::string target : {"csv", "pq"}) {
    const std::string dir = (dir_ / target / "lake_shop" / "clients").string();
    const bool pq = target == "pq";
    const std::string ext = pq ? ".parquet" : ".csv";
    auto read = [&](const std::string& glob) {
      return pq ? "read_parquet(" + DuckQuote(dir + "/" + glob + ext) + ", union_by_name=true)"
                : "read_csv(" + DuckQuote(dir + "/" + glob + ext) +
                      ", header=true, union_by_name=true, all_varchar=true)";
    };
    auto flags =
        DuckDbQuery({"SELECT (SELECT string_agg(DISTINCT flag, ',') FROM " + read("LOAD*") +
                     ") || ' ' || (SELECT string_agg(Op || flag, ',' "
                     "ORDER BY Op) FROM " +
                     read("2*") + ") AS f"});
    ASSERT_TRUE(flags.ok()) << flags.status().message();
    EXPECT_EQ(flags->front().at("f").value_or("?"), "I DD,DD,II,II,II,UU") << target;
  }

  // Materialized before the ALTER, the lake equals the source under the rules' names (a key
  // update leaves no ghost of the old key); after it too.
  for (const std::string target : {"csv", "pq"}) {
    const std::string args = "materialize --target " +
                             ShellQuote("file://" + (dir_ / target).string()) + " --output " +
                             ShellQuote("file://" + (dir_ / (target + "-tables")).string());
    CommandResult m = testing::RunBinlake(args + " --as-of " + before_alter);
    ASSERT_EQ(m.exit_code, 0) << m.err;
    const std::string out = target + "-tables";
    EXPECT_EQ(Materialized(out, "clients", "concat_ws('|', id, mail, name, label)"), clients)
        << target;
    EXPECT_EQ(Materialized(out, "orders", "concat_ws('|', id, AMOUNT, doubled)"), orders) << target;
    EXPECT_EQ(Materialized(out, "notes", "concat_ws('|', id, body)"), notes) << target;
    // After the ALTER (ADD COLUMN on a renamed table with a renamed and a removed column): the
    // columns CDC recorded for the target, taken by name.
    m = testing::RunBinlake(args);
    ASSERT_EQ(m.exit_code, 0) << m.err;
    EXPECT_EQ(Materialized(out, "clients", "concat_ws('|', id, mail, name, phone, label)"),
              clients_after)
        << target;
    EXPECT_EQ(Materialized(out, "misc_tbl",
                           "concat_ws('|', id, new_code, val, card, regexp_replace(phone, "
                           "'[0-9]', 'D', 'g'), qty, tag_old_v2, flag, price_eur)"),
              misc)
        << target;
  }
}

}  // namespace
}  // namespace binlake
