// The fixture of the `binlake materialize` integration tests (materialize_test.cc,
// materialize_parquet_ranges_test.cc): a MariaDB server of their own, the three tables (a key, a
// composite key, no key), their rows on the source and as DuckDB reads them from an output
// (a glob, or the files the manifest names), and `binlake materialize` runs.
#pragma once

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

namespace binlake::materialize_integration {

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
inline const std::vector<Table>& Tables() {
  static const std::vector<Table> tables = {
      {"items", "id,name,qty", "id", "CAST(id AS BIGINT)"},
      {"pairs", "a,b,v", "a,b", "CAST(a AS BIGINT), b"},
      {"heap", "v,w", "v,w", "CAST(v AS BIGINT), w"},
  };
  return tables;
}

inline std::string Joined(const std::string& columns, const std::string& null_text) {
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
inline std::map<std::string, std::string> OutputFiles(const std::string& root, bool marks = false) {
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

}  // namespace binlake::materialize_integration
