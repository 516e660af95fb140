// `binlake materialize` end to end, at scale and across formats: a table alone on four threads
// built in key ranges and advanced in units; a Parquet target (DataFormat=parquet) of the same
// source as a CSV target, the all-types table included, materializes to byte-identical files
// (CSV and Parquet output), built and advanced.
#include "integration/materialize_fixture.h"

namespace binlake::materialize_integration {
namespace {

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
}  // namespace binlake::materialize_integration
