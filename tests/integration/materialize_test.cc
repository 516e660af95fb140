// `binlake materialize` end to end: MariaDB writes in phases while `binlake cdc` runs; at each
// pause the source position (SHOW MASTER STATUS) and the tables' contents are recorded. Then every
// table is materialized as of each recorded position, and DuckDB, reading the output folders with
// a glob, must find exactly what the source held then. A second materialization into the same
// output advances it to the newest checkpoint.
// A Parquet target (DataFormat=parquet) of the same source as a CSV target, the all-types table
// included, materializes to byte-identical files (CSV and Parquet output).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/testing/temp_dir.h"
#include "integration/all_types_fixture.h"
#include "store/testing/radosgw_env.h"
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

// The tables: a key, a composite key, no key. Each with how to list its rows in key order as
// "v1|v2|..." lines (NULL as \N), on the source and in DuckDB.
struct Table {
  std::string name;
  std::string columns;  // comma-separated
  std::string order;    // ORDER BY (SQL, both sides: numeric columns cast in DuckDB)
  std::string duck_order;
};
const std::vector<Table>& Tables() {
  static const std::vector<Table> tables = {
      {"items", "id,name,qty", "id", "CAST(id AS BIGINT)"},
      {"pairs", "a,b,v", "a,b", "CAST(a AS BIGINT), b"},
      {"heap", "v,w", "v,w", "CAST(v AS BIGINT), w"},
  };
  return tables;
}

std::string Joined(const std::string& columns, const std::string& null_text) {
  std::string out;
  size_t start = 0;
  while (start <= columns.size()) {
    size_t comma = columns.find(',', start);
    if (comma == std::string::npos) comma = columns.size();
    if (!out.empty()) out += ", '|', ";
    out += "COALESCE(" + columns.substr(start, comma - start) + ", '" + null_text + "')";
    start = comma + 1;
  }
  return "CONCAT(" + out + ")";
}

// The files under `root` by relative name: the parts, and with `marks` their marks too (never
// the manifest, which holds times).
std::map<std::string, std::string> OutputFiles(const std::string& root, bool marks = false);

class MaterializeTest : public ::testing::Test {
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
  // The source's rows of app.<t>, in key order.
  std::string SourceRows(const Table& t) {
    auto rows = server_->Query("SELECT " + Joined(t.columns, "\\\\N") + " FROM app." + t.name +
                               " ORDER BY " + t.order);
    if (!rows.ok()) return "source error: " + rows.status().ToString();
    std::string out;
    for (const auto& r : *rows) out += r[0].value_or("?") + "\n";
    return out;
  }
  // The materialized rows of app.<t> under `output`, read by DuckDB with a glob, in key order.
  std::string OutputRows(const std::string& output, const Table& t, bool parquet = false) {
    const std::string from =
        parquet ? "(SELECT COLUMNS(*)::VARCHAR FROM read_parquet(" +
                      DuckQuote(output + "/app/" + t.name + "/**/*.parquet") + "))"
                : "read_csv(" + DuckQuote(output + "/app/" + t.name + "/**/*.csv") +
                      ", header=true, all_varchar=true, allow_quoted_nulls=false)";
    auto rows = DuckDbQuery({"SELECT " + Joined(t.columns, "\\N") + " AS r FROM " + from +
                             " ORDER BY " + t.duck_order});
    if (!rows.ok()) return "duckdb error: " + rows.status().message();
    std::string out;
    for (const auto& r : *rows) out += r.at("r").value_or("?") + "\n";
    return out;
  }
  std::string MaterializeArgs(const std::string& output, const std::string& as_of,
                              const std::string& extra) {
    return "materialize --target " + ShellQuote(Target()) + " --output " +
           ShellQuote("file://" + output) + " --as-of " + ShellQuote(as_of) + " " + extra;
  }
  CommandResult Materialize(const std::string& output, const std::string& as_of,
                            const std::string& extra = "") {
    return testing::RunBinlake(MaterializeArgs(output, as_of, extra));
  }
  // The rows of app.<t> read by DuckDB from the files the manifest names (not a glob).
  std::string ManifestRows(const std::string& output, const Table& t) {
    auto files = DuckDbQuery(
        {"SELECT unnest(t.files) AS f FROM (SELECT unnest(tables) AS t FROM read_json(" +
         DuckQuote(output + "/_binlake/materialization.json") +
         ")) WHERE t.\"table\" = " + DuckQuote(t.name) + " AND t.\"schema\" = 'app'"});
    if (!files.ok()) return "duckdb error: " + files.status().message();
    std::string list;
    for (const auto& r : *files) {
      list += (list.empty() ? "" : ", ") + DuckQuote(output + "/" + r.at("f").value_or("?"));
    }
    if (list.empty()) return "";
    auto rows = DuckDbQuery({"SELECT " + Joined(t.columns, "\\N") + " AS r FROM read_csv([" + list +
                             "], header=true, all_varchar=true, allow_quoted_nulls=false) "
                             "ORDER BY " +
                             t.duck_order});
    if (!rows.ok()) return "duckdb error: " + rows.status().message();
    std::string out;
    for (const auto& r : *rows) out += r.at("r").value_or("?") + "\n";
    return out;
  }

  TempDir dir_{"binlake-materialize"};
  std::unique_ptr<MariaDbServer> server_;
};

TEST_F(MaterializeTest, EachRecordedPositionGivesWhatTheSourceHeldThen) {
  ASSERT_TRUE(
      server_
          ->Execute("CREATE DATABASE app;"
                    "CREATE TABLE app.items (id INT PRIMARY KEY, name VARCHAR(20), qty INT);"
                    "CREATE TABLE app.pairs (a INT, b VARCHAR(10), v INT, PRIMARY KEY (a, b));"
                    "CREATE TABLE app.heap (v INT, w VARCHAR(10));"
                    "INSERT INTO app.items VALUES (1,'one',1),(2,'two',NULL),(3,'',3);"
                    "INSERT INTO app.pairs VALUES (1,'x',10),(1,'y',11),(2,'x',20);"
                    "INSERT INTO app.heap VALUES (1,'p'),(1,'p'),(2,NULL);"
                    "CREATE DATABASE helper; CREATE TABLE helper.digits (x INT PRIMARY KEY);"
                    "INSERT INTO helper.digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)")
          .ok());
  ASSERT_EQ(testing::RunBinlake("full-load --progress off " + Common()).exit_code, 0);
  BinlakeProcess cdc("cdc " + Common() + " --set CdcMaxBatchInterval=1 --sequence-column seq");
  const std::vector<std::string> phases = {
      // Inserts, updates (one moves its key), deletes; a composite key changes; one of two
      // equal rows of the table without a key changes.
      "INSERT INTO app.items VALUES (4,'four',4),(5,'five',5);"
      "UPDATE app.items SET name = 'TWO', qty = 2 WHERE id = 2;"
      "UPDATE app.items SET id = 30 WHERE id = 3;"
      "DELETE FROM app.items WHERE id = 1;"
      "UPDATE app.pairs SET b = 'z' WHERE a = 1 AND b = 'y';"
      "UPDATE app.heap SET w = 'q' WHERE v = 1 LIMIT 1",
      // A 20,000-row transaction, and more key moves.
      "BEGIN; INSERT INTO app.items SELECT 1000 + n, CONCAT('n', n), n % 7 FROM (SELECT a.x + "
      "10 * b.x + 100 * c.x + 1000 * d.x + 10000 * e.x AS n FROM helper.digits a, helper.digits "
      "b, helper.digits c, helper.digits d, helper.digits e WHERE e.x < 2) t;"
      "UPDATE app.items SET id = id + 100000 WHERE id BETWEEN 1000 AND 1099; COMMIT;"
      "DELETE FROM app.pairs WHERE a = 2; INSERT INTO app.heap VALUES (2,NULL)",
      // Half of them deleted, NULLs set and cleared.
      "DELETE FROM app.items WHERE id % 2 = 0 AND id > 1000;"
      "UPDATE app.items SET qty = NULL WHERE id = 5; UPDATE app.items SET name = NULL WHERE id = 4;"
      "DELETE FROM app.heap WHERE v = 2 LIMIT 1",
      // One row of the big table (an advance copies the rest of its part as bytes).
      "UPDATE app.items SET name = 'one row' WHERE id = 5001",
  };
  struct Pause {
    std::string position;
    std::map<std::string, std::string> rows;
  };
  std::vector<Pause> pauses;
  // `wait`: until CDC has committed past the position (nothing to commit before the first
  // phase).
  auto record = [&](bool wait) {
    Pause p;
    p.position = server_->MasterPosition();
    for (const Table& t : Tables()) p.rows[t.name] = SourceRows(t);
    if (wait) {
      ASSERT_TRUE(testing::WaitForCheckpoint("--target " + ShellQuote(Target()), p.position,
                                             std::chrono::seconds(120)))
          << cdc.Log();
    }
    pauses.push_back(std::move(p));
  };
  record(false);  // nothing changed yet: the full load's state
  for (const std::string& sql : phases) {
    Status s = server_->Execute(sql);
    ASSERT_TRUE(s.ok()) << s.ToString() << "\n" << sql;
    record(true);
  }
  ASSERT_TRUE(cdc.Kill(SIGTERM)) << cdc.Log();
  ASSERT_EQ(cdc.exit_code(), 0) << cdc.Log();

  for (size_t i = 0; i < pauses.size(); ++i) {
    const std::string output = dir_.path() + "/at-" + std::to_string(i);
    CommandResult r = Materialize(output, pauses[i].position);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find("note:"), std::string::npos)
        << "a position from SHOW MASTER STATUS while writes paused is exact: " << r.out;
    for (const Table& t : Tables()) {
      EXPECT_EQ(OutputRows(output, t), pauses[i].rows[t.name])
          << "app." << t.name << " as of " << pauses[i].position << "\n"
          << r.out;
    }
  }
  // The same output advanced to the newest checkpoint: the newest rows, one version.
  const std::string output = dir_.path() + "/at-0";
  const std::string metrics = dir_.path() + "/materialize.prom";
  CommandResult advanced = Materialize(output, "latest", "--metrics-file " + metrics);
  ASSERT_EQ(advanced.exit_code, 0) << advanced.err;
  EXPECT_NE(advanced.out.find("version 2"), std::string::npos) << advanced.out;
  {  // The last change, one row of the big table: an advance to it copies the rest of that
     // part's stretches as bytes (part marks), in the kernel from a directory, and from memory
     // after one GET from S3 (Ceph radosgw). Both outputs hold the same bytes (marks included),
     // as CSV and as Parquet.
    const std::string sparse = dir_.path() + "/sparse";
    ASSERT_EQ(Materialize(sparse, pauses[pauses.size() - 2].position).exit_code, 0);
    CommandResult last = Materialize(sparse, "latest");
    ASSERT_EQ(last.exit_code, 0) << last.err;
    EXPECT_NE(last.out.find(": 1 of 4 part file(s) written"), std::string::npos) << last.out;
    EXPECT_EQ(last.out.find(", 0 row(s) in them copied as bytes"), std::string::npos) << last.out;
    for (const Table& t : Tables()) {
      EXPECT_EQ(OutputRows(sparse, t), pauses.back().rows[t.name]) << "app." << t.name;
    }
    // The same advance of Parquet parts in row groups of 500 rows: the row groups the change
    // does not fall in are copied encoded (their offsets moved in the new footer), and DuckDB
    // reads the rows the source held.
    const std::string sparse_parquet = dir_.path() + "/sparse-parquet";
    const std::string parquet_flags = "--format parquet --row-group-rows 500";
    ASSERT_EQ(
        Materialize(sparse_parquet, pauses[pauses.size() - 2].position, parquet_flags).exit_code,
        0);
    CommandResult typed_last = Materialize(sparse_parquet, "latest", parquet_flags);
    ASSERT_EQ(typed_last.exit_code, 0) << typed_last.err;
    EXPECT_NE(typed_last.out.find(": 1 of 4 part file(s) written"), std::string::npos)
        << typed_last.out;
    EXPECT_EQ(typed_last.out.find(", 0 row(s) in them copied as bytes"), std::string::npos)
        << typed_last.out;
    for (const Table& t : Tables()) {
      EXPECT_EQ(OutputRows(sparse_parquet, t, /*parquet=*/true), pauses.back().rows[t.name])
          << "app." << t.name << " as Parquet";
    }
    auto env = testing::LoadRadosgwEnv();
    ASSERT_TRUE(env.ok()) << env.status().ToString();
    const std::string creds = "AWS_ACCESS_KEY_ID=" + ShellQuote(env->access_key_id) +
                              " AWS_SECRET_ACCESS_KEY=" + ShellQuote(env->secret_access_key);
    auto advance_line = [](const std::string& out) {
      const size_t at = out.find("\nadvanced ");
      return at == std::string::npos ? std::string() : out.substr(at, out.find('\n', at + 1) - at);
    };
    // The same two runs into radosgw, CSV and Parquet: the same advance, the same objects.
    for (const auto& [local, flags, local_last] :
         {std::tuple(sparse, std::string(), last.out),
          std::tuple(sparse_parquet, parquet_flags, typed_last.out)}) {
      const std::string prefix = "materialize-" +
                                 std::filesystem::path(dir_.path()).filename().string() +
                                 (flags.empty() ? "" : "-parquet");
      for (const std::string& as_of : {pauses[pauses.size() - 2].position, std::string("latest")}) {
        CommandResult r =
            testing::RunBinlake("materialize --target " + ShellQuote(Target()) + " --output " +
                                    ShellQuote("s3://" + env->bucket + "/" + prefix) +
                                    " --endpoint-url " + env->endpoint + " --region " +
                                    env->region + " --as-of " + ShellQuote(as_of) + " " + flags,
                                creds);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        if (as_of == "latest") {
          EXPECT_EQ(advance_line(r.out), advance_line(local_last)) << r.out;
        }
      }
      const std::string downloaded = dir_.path() + "/from-" + prefix;
      ASSERT_TRUE(testing::DownloadS3Prefix(env->endpoint, env->access_key_id,
                                            env->secret_access_key, env->bucket, prefix + "/",
                                            downloaded)
                      .ok());
      EXPECT_TRUE(OutputFiles(downloaded, /*marks=*/true) == OutputFiles(local, /*marks=*/true))
          << local;
      EXPECT_GT(OutputFiles(local, /*marks=*/true).size(), OutputFiles(local).size());
    }
  }
  {  // --metrics-file: what the run did, in the Prometheus text format promtool accepts
    std::ifstream in(metrics);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("binlake_materialize_tables_planned 4\n"), std::string::npos) << text;
    EXPECT_NE(text.find("binlake_materialize_rows{table=\"app.items\"} " +
                        std::to_string(std::count(pauses.back().rows["items"].begin(),
                                                  pauses.back().rows["items"].end(), '\n')) +
                        "\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(std::system(("promtool check metrics < " + ShellQuote(metrics)).c_str()), 0);
  }
  for (const Table& t : Tables()) {
    EXPECT_EQ(OutputRows(output, t), pauses.back().rows[t.name]) << "app." << t.name;
  }
  // An output advanced pause by pause, in parts of about 2 KiB: each step reads only the
  // changes since the last one and rewrites only the parts they touch.
  const std::string chain = dir_.path() + "/chain";
  for (size_t i = 0; i < pauses.size(); ++i) {
    CommandResult r = Materialize(chain, pauses[i].position, "--max-part-bytes 2048");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    if (i > 0) {
      EXPECT_NE(r.out.find("advanced 4 table(s) from checkpoint"), std::string::npos) << r.out;
    }
    for (const Table& t : Tables()) {
      EXPECT_EQ(OutputRows(chain, t), pauses[i].rows[t.name])
          << "app." << t.name << " advanced to " << pauses[i].position << "\n"
          << r.out;
    }
  }
  // Parquet parts, typed: DuckDB reads the same rows.
  const std::string typed = dir_.path() + "/typed";
  CommandResult parquet = Materialize(typed, "latest", "--format parquet");
  ASSERT_EQ(parquet.exit_code, 0) << parquet.err;
  for (const Table& t : Tables()) {
    EXPECT_EQ(OutputRows(typed, t, /*parquet=*/true), pauses.back().rows[t.name])
        << "app." << t.name << " as Parquet";
  }
  // A run killed while it writes: the manifest still names the last complete version, which
  // its files hold; the next run removes the killed run's files.
  bool killed = false;
  for (int attempt = 0; attempt < 5 && !killed; ++attempt) {
    BinlakeProcess run(
        MaterializeArgs(chain, "latest", "--rebuild --threads 1 --max-part-bytes 512"));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    // Poll until a part of the new version exists.
    const std::string version = "part-0000000" + std::to_string(pauses.size() + 1 + attempt);
    while (std::chrono::steady_clock::now() < deadline && run.Running()) {
      const std::string items = chain + "/app/items";
      bool seen = false;
      for (const auto& e : std::filesystem::directory_iterator(items)) {
        if (e.path().filename().string().rfind(version, 0) == 0) seen = true;
      }
      if (seen) break;
    }
    ASSERT_TRUE(run.Kill(SIGKILL)) << run.Log();
    killed = run.exit_signal() == SIGKILL;
  }
  ASSERT_TRUE(killed) << "every run finished before it could be killed";
  for (const Table& t : Tables()) {
    EXPECT_EQ(ManifestRows(chain, t), pauses.back().rows[t.name]) << "app." << t.name;
  }
  CommandResult after = Materialize(chain, "latest");
  ASSERT_EQ(after.exit_code, 0) << after.err;
  for (const Table& t : Tables()) {
    EXPECT_EQ(OutputRows(chain, t), pauses.back().rows[t.name]) << "app." << t.name;
    EXPECT_EQ(ManifestRows(chain, t), pauses.back().rows[t.name]) << "app." << t.name;
  }

  // Bad requests: one line, exit 1, the output untouched.
  CommandResult early = Materialize(output, "binlog.000001:4");
  EXPECT_EQ(early.exit_code, 1);
  EXPECT_NE(early.err.find("before the full load's snapshot"), std::string::npos) << early.err;
  EXPECT_EQ(std::count(early.err.begin(), early.err.end(), '\n'), 1) << early.err;
  for (const Table& t : Tables()) {
    EXPECT_EQ(OutputRows(output, t), pauses.back().rows[t.name]) << "app." << t.name;
  }
}

// One long CDC batch with several write pauses inside it: as of each pause's binlog position,
// GTID position and time, the materialized tables are what the source held then, cut exactly
// inside the batch (the transaction index, docs/MATERIALIZE.md), and the manifest says so.
// A table alone on four threads is built in key ranges of its LOAD file (split points every
// 8 KiB, ranges of at least 16 KiB), with the changes of each range: DuckDB reads the source's
// rows from the glob, and the parts, in the manifest's order, hold the bytes one thread writes.
// Then it advances on four threads (its parts rewritten in units on the pool), as CSV and as
// Parquet, with the same outcome.
TEST_F(MaterializeTest, ABigTableIsBuiltInKeyRangesOnEveryThread) {
  ASSERT_TRUE(
      server_
          ->Execute("CREATE DATABASE app;"
                    "CREATE TABLE app.items (id INT PRIMARY KEY, name VARCHAR(20), qty INT);"
                    "CREATE DATABASE helper; CREATE TABLE helper.digits (x INT PRIMARY KEY);"
                    "INSERT INTO helper.digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9);"
                    "INSERT INTO app.items SELECT 1 + a.x * 1000 + b.x * 100 + c.x * 10 + d.x,"
                    " CONCAT('item', a.x, b.x, c.x, d.x), NULLIF(d.x, 0)"
                    " FROM helper.digits a, helper.digits b, helper.digits c, helper.digits d")
          .ok());
  ASSERT_EQ(testing::RunBinlake("full-load --progress off --split-kb 8 " + Common()).exit_code, 0);
  ASSERT_TRUE(server_
                  ->Execute("UPDATE app.items SET qty = qty + 100 WHERE id % 97 = 0;"
                            "DELETE FROM app.items WHERE id % 89 = 0;"
                            "UPDATE app.items SET id = id + 20000 WHERE id % 1001 = 0;"
                            "INSERT INTO app.items VALUES (5000000, 'last', 1)")
                  .ok());
  CommandResult cdc = testing::RunBinlake("cdc " + Common() + " --sequence-column seq --stop-at " +
                                          server_->MasterPosition());
  ASSERT_EQ(cdc.exit_code, 0) << cdc.err;
  const Table& items = Tables()[0];
  const std::string one = dir_.path() + "/one-thread", four = dir_.path() + "/four-threads";
  ASSERT_EQ(Materialize(one, "latest", "--threads 1").exit_code, 0);
  CommandResult r = Materialize(four, "latest", "--threads 4 --range-kb 16");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  size_t parts = 0, ranged = 0;  // of app.items; ranged: named part-<version>-<range>-<n>
  for (const auto& [name, bytes] : OutputFiles(four)) {
    if (name.rfind("app/items/", 0) != 0) continue;  // helper.digits: built whole
    const std::string file = name.substr(name.rfind('/') + 1);
    ++parts;
    ranged += std::count(file.begin(), file.end(), '-') == 3;
  }
  EXPECT_EQ(ranged, parts);
  EXPECT_GE(parts, 4u);
  EXPECT_EQ(OutputRows(four, items), SourceRows(items));
  EXPECT_EQ(ManifestRows(four, items), SourceRows(items));
  // The parts' rows, without their headers, in the order the manifest names the parts.
  auto bytes_in_manifest_order = [](const std::string& output) {
    std::ifstream in(output + "/_binlake/materialization.json");
    const std::string manifest((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    std::set<std::string> seen;  // a part is in "files" and in "parts"
    std::string all;
    for (size_t at = manifest.find("\"app/items/"); at != std::string::npos;
         at = manifest.find("\"app/items/", at + 1)) {
      const std::string file = manifest.substr(at + 1, manifest.find('"', at + 1) - at - 1);
      if (!seen.insert(file).second) continue;
      std::ifstream part(output + "/" + file);
      const std::string text((std::istreambuf_iterator<char>(part)),
                             std::istreambuf_iterator<char>());
      all += text.substr(text.find('\n') + 1);
    }
    return all;
  };
  EXPECT_TRUE(bytes_in_manifest_order(one) == bytes_in_manifest_order(four));
  EXPECT_GT(bytes_in_manifest_order(four).size(), 100000u);
  // The same build as Parquet parts, in ranges: DuckDB reads the source's rows.
  const std::string four_parquet = dir_.path() + "/four-threads-parquet";
  r = Materialize(four_parquet, "latest", "--threads 4 --range-kb 16 --format parquet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(OutputRows(four_parquet, items, /*parquet=*/true), SourceRows(items));

  // Changes spread over the keys, then each output advances: on four threads the table's parts
  // are rewritten in units on the pool, and the CSV parts hold the bytes one thread writes.
  ASSERT_TRUE(server_
                  ->Execute("UPDATE app.items SET name = CONCAT(name, '!') WHERE id % 53 = 0;"
                            "DELETE FROM app.items WHERE id % 71 = 0;"
                            "INSERT INTO app.items VALUES (4000000, 'new', 2)")
                  .ok());
  cdc = testing::RunBinlake("cdc " + Common() + " --sequence-column seq --stop-at " +
                            server_->MasterPosition());
  ASSERT_EQ(cdc.exit_code, 0) << cdc.err;
  ASSERT_EQ(Materialize(one, "latest", "--threads 1").exit_code, 0);
  for (const std::string& output : {four, four_parquet}) {
    r = Materialize(output, "latest",
                    "--threads 4" + std::string(output == four ? "" : " --format parquet"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("advanced 2 table(s)"), std::string::npos) << r.out;
    EXPECT_EQ(OutputRows(output, items, /*parquet=*/output != four), SourceRows(items)) << output;
  }
  EXPECT_TRUE(bytes_in_manifest_order(one) == bytes_in_manifest_order(four));
}

TEST_F(MaterializeTest, PointsInsideABatchAreCutExactly) {
  ASSERT_TRUE(
      server_
          ->Execute("CREATE DATABASE app;"
                    "CREATE TABLE app.items (id INT PRIMARY KEY, name VARCHAR(20), qty INT);"
                    "CREATE TABLE app.pairs (a INT, b VARCHAR(10), v INT, PRIMARY KEY (a, b));"
                    "CREATE TABLE app.heap (v INT, w VARCHAR(10));"
                    "INSERT INTO app.items VALUES (1,'one',1),(2,'two',NULL),(3,'',3);"
                    "INSERT INTO app.pairs VALUES (1,'x',10),(1,'y',11),(2,'x',20);"
                    "INSERT INTO app.heap VALUES (1,'p'),(1,'p'),(2,NULL)")
          .ok());
  ASSERT_EQ(testing::RunBinlake("full-load --progress off " + Common()).exit_code, 0);
  // Every pause falls inside one batch (the phases take a few seconds).
  BinlakeProcess cdc("cdc " + Common() + " --set CdcMaxBatchInterval=30");
  const std::vector<std::string> phases = {
      "INSERT INTO app.items VALUES (4,'four',4),(5,'five',5);"
      "UPDATE app.items SET name = 'TWO', qty = 2 WHERE id = 2;"
      "UPDATE app.heap SET w = 'q' WHERE v = 1 LIMIT 1",
      "UPDATE app.items SET id = 30 WHERE id = 3; DELETE FROM app.items WHERE id = 1;"
      "UPDATE app.pairs SET b = 'z' WHERE a = 1 AND b = 'y'; INSERT INTO app.heap VALUES (3,'r')",
      "BEGIN; INSERT INTO app.items VALUES (6,'six',6),(7,'seven',7);"
      "DELETE FROM app.pairs WHERE a = 2; COMMIT; UPDATE app.items SET qty = NULL WHERE id = 5",
      "DELETE FROM app.items WHERE id = 6; DELETE FROM app.heap WHERE v = 3",
  };
  struct Pause {
    std::string position, gtid, time;
    std::map<std::string, std::string> rows;
  };
  std::vector<Pause> pauses;
  for (const std::string& sql : phases) {
    Status s = server_->Execute(sql);
    ASSERT_TRUE(s.ok()) << s.ToString() << "\n" << sql;
    Pause p;
    p.position = server_->MasterPosition();
    auto at = server_->Query(
        "SELECT @@gtid_binlog_pos, DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ'), "
        "UNIX_TIMESTAMP()");
    ASSERT_TRUE(at.ok() && at->size() == 1) << at.status().ToString();
    p.gtid = (*at)[0][0].value_or("");
    p.time = (*at)[0][1].value_or("");
    for (const Table& t : Tables()) p.rows[t.name] = SourceRows(t);
    pauses.push_back(std::move(p));
    // Commit times are in seconds: the next phase commits in a later second than this pause.
    const std::string second = (*at)[0][2].value_or("");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      auto now = server_->Query("SELECT UNIX_TIMESTAMP()");
      if (now.ok() && !now->empty() && (*now)[0][0].value_or("") != second) break;
    }
  }
  ASSERT_TRUE(testing::WaitForCheckpoint("--target " + ShellQuote(Target()), pauses.back().position,
                                         std::chrono::seconds(120)))
      << cdc.Log();
  ASSERT_TRUE(cdc.Kill(SIGTERM)) << cdc.Log();
  ASSERT_EQ(cdc.exit_code(), 0) << cdc.Log();

  int cut = 0;
  // An output of the full load, advanced to the first pause (reading batch 1 in part), then
  // pause by pause (rebuilt: the previous version was cut inside the batch).
  const std::string chain = dir_.path() + "/chain";
  ASSERT_EQ(Materialize(chain, "0", "--max-part-bytes 256").exit_code, 0);
  for (size_t i = 0; i < pauses.size(); ++i) {
    std::vector<std::string> points = {pauses[i].position, pauses[i].gtid, pauses[i].time};
    // A time at or after the newest checkpoint's last commit is not known to be complete (CDC
    // may not have committed all of it yet): only a boundary, not exact.
    if (i + 1 == pauses.size()) points.pop_back();
    for (size_t k = 0; k < points.size(); ++k) {
      const std::string& when = points[k];
      const std::string output = dir_.path() + "/at-" + std::to_string(i) + "-" + std::to_string(k);
      CommandResult r = Materialize(output, when);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(r.out.find("note:"), std::string::npos) << when << " is exact: " << r.out;
      if (r.out.find("is cut inside batch") != std::string::npos) ++cut;
      std::ifstream in(output + "/_binlake/materialization.json");
      const std::string manifest((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
      EXPECT_NE(manifest.find("\"exact\": true"), std::string::npos) << manifest;
      for (const Table& t : Tables()) {
        EXPECT_EQ(OutputRows(output, t), pauses[i].rows[t.name])
            << "app." << t.name << " as of " << when << "\n"
            << r.out;
      }
    }
    CommandResult r = Materialize(chain, pauses[i].position, "--max-part-bytes 256");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find("advanced 3 table(s) from checkpoint 0") != std::string::npos, i == 0)
        << r.out;
    for (const Table& t : Tables()) {
      EXPECT_EQ(OutputRows(chain, t), pauses[i].rows[t.name])
          << "app." << t.name << " advanced to " << pauses[i].position << "\n"
          << r.out;
    }
  }
  // The last pause may be the batch's end; the others are inside it.
  EXPECT_GE(cut, 3 * static_cast<int>(pauses.size() - 1));
}

// Every file under `root` but the manifest (which names its target), by relative path.
std::map<std::string, std::string> OutputFiles(const std::string& root, bool marks) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    const std::string rel = std::filesystem::relative(e.path(), root).string();
    const bool mark = rel.rfind("_binlake/marks/", 0) == 0;
    if (rel.rfind("_binlake/", 0) == 0 && !(marks && mark)) continue;
    std::ifstream in(e.path(), std::ios::binary);
    files[rel] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  return files;
}

// The same source, full load and CDC (updates, deletes, key changes, the all-types table with
// every column type), written as a CSV target and as a Parquet target: materializing either gives
// byte-identical files, as CSV and as Parquet, and DuckDB reads the source's rows from the
// Parquet target's materialization.
TEST_F(MaterializeTest, AParquetTargetMaterializesLikeItsCsvTwin) {
  const std::string all_columns =
      "ti, tiu, si, mi, i, bi, biu, dec0, dec65, dsm, f, d, b1, b64, y, dt, t0, t6, dt0, dt3, dt6, "
      "ts0, ts6, c, vc, tx, l1, bn, vb, bl, e, s, j, g";
  ASSERT_TRUE(
      server_
          ->Execute(std::string("CREATE DATABASE app; CREATE DATABASE types;"
                                "CREATE TABLE app.items (id INT PRIMARY KEY, name VARCHAR(20), "
                                "qty INT);"
                                "CREATE TABLE app.pairs (a INT, b VARCHAR(10), v INT, "
                                "PRIMARY KEY (a, b));"
                                "CREATE TABLE app.heap (v INT, w VARCHAR(10));"
                                "INSERT INTO app.items VALUES (1,'one',1),(2,'two',NULL),(3,'',3);"
                                "INSERT INTO app.pairs VALUES (1,'x',10),(1,'y',11),(2,'x',20);"
                                "INSERT INTO app.heap VALUES (1,'p'),(1,'p'),(2,NULL);") +
                    testing::kAllTypesCreate +
                    "SET SESSION sql_mode = ''; SET SESSION time_zone = '+00:00';" +
                    testing::kAllTypesRows +
                    // Zero dates are NULL in Parquet files (format/parquet/README.md): the two
                    // targets cannot agree on them.
                    "DELETE FROM types.all_types WHERE id = 5")
          .ok());
  const std::string csv_target = "file://" + dir_.path() + "/csv-target";
  const std::string pq_target = "file://" + dir_.path() + "/pq-target";
  const std::string source = "--source " + server_->RootUrl() + " --tls-mode disabled";
  const std::string extras = " --set IncludeOpForFullLoad=true --set TimestampColumnName=ts";
  const std::string parquet =
      " --set DataFormat=parquet --set ParquetVersion=parquet-2-0 --set CompressionType=ZSTD";
  for (const std::string& target : {csv_target, pq_target}) {
    CommandResult load =
        testing::RunBinlake("full-load --progress off " + source + " --target " +
                            ShellQuote(target) + extras + (target == pq_target ? parquet : ""));
    ASSERT_EQ(load.exit_code, 0) << load.err;
  }
  ASSERT_TRUE(
      server_
          ->Execute("SET SESSION sql_mode = ''; SET SESSION time_zone = '+00:00';"
                    "INSERT INTO types.all_types SELECT 44, " +
                    all_columns +
                    " FROM types.all_types WHERE id = 4;"
                    "UPDATE types.all_types SET vc = 'changed, \"quoted\"', "
                    "dt6 = '2030-01-02 03:04:05.060708', j = '{\"b\": [2, 3.5]}', dec65 = -1.5, "
                    "bl = x'00ff2c0a' WHERE id = 1;"
                    "UPDATE types.all_types SET id = 30 WHERE id = 3;"
                    "DELETE FROM types.all_types WHERE id = 4;"
                    "UPDATE types.all_types SET t6 = NULL, e = NULL, g = NULL WHERE id = 6;"
                    "INSERT INTO app.items VALUES (4,'four',4),(5,'five',5);"
                    "UPDATE app.items SET name = 'TWO', qty = 2 WHERE id = 2;"
                    "UPDATE app.items SET id = 30 WHERE id = 3;"
                    "DELETE FROM app.items WHERE id = 1;"
                    "UPDATE app.pairs SET b = 'z' WHERE a = 1 AND b = 'y';"
                    "UPDATE app.heap SET w = 'q' WHERE v = 1 LIMIT 1")
          .ok());
  const std::string position = server_->MasterPosition();
  for (const std::string& target : {csv_target, pq_target}) {
    CommandResult cdc = testing::RunBinlake("cdc " + source + " --target " + ShellQuote(target) +
                                            extras + (target == pq_target ? parquet : "") +
                                            " --sequence-column seq --stop-at " + position);
    ASSERT_EQ(cdc.exit_code, 0) << cdc.err;
  }
  ASSERT_NE(OutputFiles(dir_.path() + "/pq-target/types/all_types").size(), 0u);
  for (const auto& [file, bytes] : OutputFiles(dir_.path() + "/pq-target/types/all_types")) {
    EXPECT_NE(file.find(".parquet"), std::string::npos) << file;
  }

  for (const std::string format : {"csv", "parquet"}) {
    const std::string from_csv = dir_.path() + "/from-csv-" + format;
    const std::string from_pq = dir_.path() + "/from-pq-" + format;
    for (const auto& [target, output] : {std::pair{csv_target, from_csv}, {pq_target, from_pq}}) {
      CommandResult r =
          testing::RunBinlake("materialize --target " + ShellQuote(target) + " --output " +
                              ShellQuote("file://" + output) + " --format " + format);
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    const auto csv_files = OutputFiles(from_csv);
    const auto pq_files = OutputFiles(from_pq);
    ASSERT_EQ(csv_files.size(), 4u) << format;  // one part per table
    ASSERT_EQ(pq_files.size(), csv_files.size()) << format;
    for (const auto& [file, bytes] : csv_files) {
      ASSERT_EQ(pq_files.count(file), 1u) << file;
      EXPECT_TRUE(pq_files.at(file) == bytes) << file << " differs (" << format << ")";
      EXPECT_GT(bytes.size(), 0u) << file;
    }
    const bool as_parquet = format == "parquet";
    for (const Table& t : Tables()) {
      EXPECT_EQ(OutputRows(from_pq, t, as_parquet), SourceRows(t)) << "app." << t.name;
    }
    // The all-types table: DuckDB reads its rows (keys) from the Parquet target's output.
    const std::string glob = DuckQuote(from_pq + "/types/all_types/*." + format);
    auto ids =
        DuckDbQuery({"SELECT string_agg(CAST(id AS VARCHAR), ',' ORDER BY CAST(id AS INT)) "
                     "AS ids FROM " +
                     (as_parquet ? "read_parquet(" + glob + ")"
                                 : "read_csv(" + glob + ", header=true, all_varchar=true)")});
    ASSERT_TRUE(ids.ok()) << ids.status().ToString();
    ASSERT_EQ(ids->size(), 1u);
    EXPECT_EQ((*ids)[0].at("ids").value_or("?"), "1,2,6,7,30,44") << format;
  }

  // A Parquet output of the full load, advanced to the same point: every table changed, so each
  // holds one part the advance wrote (every type read back from Parquet and written again), with
  // the same bytes as the Parquet output built from the target.
  const std::string advanced = dir_.path() + "/advanced-parquet";
  for (const std::string as_of : {"0", "latest"}) {
    CommandResult r = testing::RunBinlake("materialize --target " + ShellQuote(csv_target) +
                                          " --output " + ShellQuote("file://" + advanced) +
                                          " --format parquet --as-of " + as_of);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    if (as_of != "0") {
      EXPECT_NE(r.out.find("advanced 4 table(s)"), std::string::npos) << r.out;
    }
  }
  auto by_table = [](const std::map<std::string, std::string>& files) {
    std::map<std::string, std::string> tables;
    for (const auto& [file, bytes] : files) tables[file.substr(0, file.rfind('/'))] += bytes;
    return tables;
  };
  const auto built = by_table(OutputFiles(dir_.path() + "/from-csv-parquet"));
  EXPECT_EQ(built.size(), 4u);
  EXPECT_TRUE(by_table(OutputFiles(advanced)) == built);
}

}  // namespace
}  // namespace binlake
