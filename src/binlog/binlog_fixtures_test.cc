// Every binlog in testdata/fixtures decodes (or fails with the right error), with the event counts
// and headers the source projects' tests assert (testdata/fixtures/expected/*.json).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "binlog/test_util.h"

namespace binlake::binlog {
namespace {

using testing::CollectSink;
using testing::DecodeFile;
using testing::FixturePath;

struct FixtureCase {
  std::string path;
  int64_t events = -1;  // top-level events expected (-1: not asserted)
  std::string error;    // substring of the expected error; empty = must decode cleanly
  bool rows = true;     // decode row images too
};

std::vector<FixtureCase> AllCases() {
  std::vector<FixtureCase> cases;
  // rust_mysql_common: counts from expected/rust_mysql_common.binlog-mod-tests.json.
  auto expected = nlohmann::json::parse(
      testing::ReadFileOrDie(FixturePath("expected/rust_mysql_common.binlog-mod-tests.json")));
  for (const auto& f : expected["fixtures"]) {
    FixtureCase c;
    c.path = f["path"].get<std::string>();
    if (f.contains("top_level_event_count")) c.events = f["top_level_event_count"].get<int64_t>();
    cases.push_back(c);
  }
  for (auto& c : cases) {
    if (c.path.find("binlog_truncated_event.000001") != std::string::npos) {
      c.error = "truncated event header at offset 4";
    } else if (c.path.find("binlog_truncated_prev_gtid_event") != std::string::npos) {
      c.error = "truncated event header at offset 120";  // FORMAT_DESCRIPTION, then cut
    } else if (c.path.find("bug40482-bin.000001") != std::string::npos) {
      c.events = 2;  // the INCIDENT event is the second event and stops decoding
      c.error = "INCIDENT event: the source reported incident 66";
    } else if (c.path.find("ver_5_1-wl2325_r.001") != std::string::npos) {
      c.rows = false;  // pre-GA v0 rows events: events decode, row images are unsupported
    } else if (c.path.find("corrupt-relay-bin.000624") != std::string::npos) {
      c.events = -1;  // a corrupted QUERY event near the end (as rust_mysql_common finds)
      c.error = "(Query): Query event: status variables: need 16949 bytes";
    }
  }
  const std::string java = "mysql-binlog-connector-java-osheroff/src/test/resources/";
  cases.push_back({java + "mysql-bin.sakila.gz", 1462, ""});
  cases.push_back({java + "mysql-bin.compressed", 5, ""});
  cases.push_back({java + "mysql-bin.checksum-none", 191, ""});
  cases.push_back({java + "mysql-bin.checksum-crc32", 303, ""});
  cases.push_back({java + "mysql-bin.aurora-padding", 5, ""});
  const std::string ape = "mysql-binlog-connector-rust-apecloud/tests/parse_file_tests/";
  cases.push_back({ape + "mysql-bin.000057", 8, ""});
  cases.push_back({ape + "mysql-bin.000080", 37, ""});
  cases.push_back({ape + "non-binlog", -1, "not a binlog file (bad magic 2d2d2d2d"});
  cases.push_back({"rust-mysql-binlog-easypost/test_data/bin-log.000001", 14, ""});
  cases.push_back({"go-mysql/replication/t/tcb-eval002c-bin.003320", 6, ""});
  cases.push_back({"canal/dbsync/src/test/resources/binlog/mysql-bin.000001", -1, ""});
  for (const char* f : {"5.7/02_query/log.bin",
                        "5.7/03_stop/log.bin",
                        "5.7/04_rotate/log.bin",
                        "5.7/05_intvar/log.bin",
                        "5.7/13_rand/log.bin",
                        "5.7/14_user_var/log.bin",
                        "5.7/15_format_desc/log.bin",
                        "5.7/16_xid/log.bin",
                        "5.7/17_18_load/log.bin",
                        "5.7/19_table_map/log.bin",
                        "5.7/29_row_query/log.bin",
                        "5.7/30_write_rows_v2/log.bin",
                        "5.7/31_update_rows_v2/log.bin",
                        "5.7/32_delete_rows_v2/log.bin",
                        "5.7/33_35_gtid_prev_gtid/log.bin",
                        "5.7/34_anonymous_gtid/log.bin",
                        "8.0/02_query/binlog.000001",
                        "8.0/02_query_bigger/binlog.000733",
                        "8.0/19_30_Table_map_event_Write_rows_log_event/binlog.000018",
                        "8.0/31_update_rows_v2/binlog.000001",
                        "8.0/32_delete_rows_v2/binlog.000001"}) {
    cases.push_back({std::string("mysql-cdc-rs/tests/events/") + f, -1, ""});
  }
  for (const char* f :
       {"domain_id_0/mariadb-repl-bin.000001", "domain_id_0/mariadb-repl-bin.000002",
        "domain_id_0/mariadb-repl-bin.000004", "domain_id_0/mariadb-repl-bin.000005",
        "domain_id_0/mariadb-repl-bin.000006", "domain_id_0/mariadb-repl-bin.000007",
        "domain_id_0/mariadb-repl-bin.000009", "domain_id_0/mariadb-repl-bin.000010",
        "domain_id_1/mariadb-repl-bin.000001", "domain_id_1/mariadb-repl-bin.000002"}) {
    cases.push_back({std::string("mariadb-poc/mariadb-binlog/binlogs/") + f, -1, ""});
  }
  return cases;
}

TEST(BinlogFixtures, EveryFixtureDecodesOrFailsAsExpected) {
  for (const FixtureCase& c : AllCases()) {
    SCOPED_TRACE(c.path);
    CollectSink sink;
    auto result = DecodeFile(FixturePath(c.path), &sink, c.rows);
    uint64_t top = 0;
    for (uint64_t n : result.stats.events) top += n;
    if (c.error.empty()) {
      EXPECT_TRUE(result.status.ok()) << result.status.ToString();
    } else {
      EXPECT_FALSE(result.status.ok());
      EXPECT_NE(result.status.message().find(c.error), std::string::npos)
          << result.status.message();
    }
    if (c.events >= 0) {
      EXPECT_EQ(top, static_cast<uint64_t>(c.events));
    }
  }
}

TEST(BinlogFixtures, PreGaRowsEventsAreRefusedClearly) {
  CollectSink sink;
  auto result =
      DecodeFile(FixturePath("rust_mysql_common/test-data/binlogs/ver_5_1-wl2325_r.001"), &sink);
  EXPECT_EQ(result.status.code(), StatusCode::kUnsupported);
  EXPECT_NE(result.status.message().find("ver_5_1-wl2325_r.001 at 466 (Write_rows_v0)"),
            std::string::npos)
      << result.status.message();
}

}  // namespace
}  // namespace binlake::binlog
