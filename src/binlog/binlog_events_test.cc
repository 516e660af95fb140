// Decoded events and row values of fixture binlogs against the values other projects' tests
// assert (testdata/fixtures/expected/*.json) and the mysqlbinlog -v/-vv dumps in the fixtures.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "binlog/event_decoder.h"
#include "binlog/json_diff.h"
#include "binlog/test_util.h"

namespace binlake::binlog {
namespace {

using testing::CollectSink;
using testing::DecodeFile;
using testing::FixturePath;
using testing::RowInfo;
using Json = nlohmann::json;

Json Expected(const std::string& file) {
  return Json::parse(testing::ReadFileOrDie(FixturePath("expected/" + file)));
}

const Json& Fact(const Json& doc, const std::string& id) {
  for (const auto& f : doc["facts"]) {
    if (f["id"] == id) return f;
  }
  static const Json kNone;
  ADD_FAILURE() << "no fact " << id;
  return kNone;
}

TEST(FixtureEvents, BinlogTransactionHeaders) {
  const Json doc = Expected("rust_mysql_common.binlog-mod-tests.json");
  const Json& fact = Fact(doc, "binlog_transaction.event_headers");
  CollectSink sink = testing::DecodeFixture(testing::kRustBinlogs + "binlog_transaction.000001");
  const Json& events = fact["expected"]["events"];
  ASSERT_EQ(sink.events.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    SCOPED_TRACE(i);
    const auto& e = events[i];
    const auto& got = sink.events[i];
    EXPECT_EQ(got.offset, e["start_offset"].get<uint64_t>());
    EXPECT_EQ(got.header.timestamp, e["timestamp"].get<uint32_t>());
    EXPECT_EQ(got.header.server_id, e["server_id"].get<uint32_t>());
    EXPECT_EQ(got.header.event_size, e["event_size"].get<uint32_t>());
    EXPECT_EQ(got.header.log_pos, e["log_pos"].get<uint32_t>());
    EXPECT_EQ(got.header.flags, e["flags_value"].get<uint16_t>());
    std::string type = e["event_type"];
    uint8_t code = type == "FORMAT_DESCRIPTION_EVENT" ? 15
                   : type == "QUERY_EVENT"            ? 2
                   : type == "XID_EVENT"              ? 16
                                                      : 4;
    EXPECT_EQ(got.header.type, code);
  }
}

TEST(FixtureEvents, EasyPostQueryGtidAndDecimal) {
  const Json doc = Expected("rust-mysql-binlog-easypost.lib-tests.json");
  std::vector<std::string> queries;
  CollectSink sink;
  sink.on_event = [&](const Event& ev, bool) {
    if (auto* q = std::get_if<QueryEvent>(&ev.data)) queries.emplace_back(q->statement);
  };
  ASSERT_TRUE(DecodeFile(FixturePath("rust-mysql-binlog-easypost/test_data/bin-log.000001"), &sink)
                  .status.ok());
  EXPECT_NE(std::find(queries.begin(), queries.end(),
                      Fact(doc, "results.0")["expected"]["query"].get<std::string>()),
            queries.end());
  const Json& r2 = Fact(doc, "results.2");
  ASSERT_EQ(sink.rows.size(), 2u);
  const RowInfo& row = sink.rows[0];
  EXPECT_EQ(row.schema, r2["expected"]["schema"]);
  EXPECT_EQ(row.table, r2["expected"]["table"]);
  EXPECT_EQ(row.gtid, r2["expected"]["gtid"]);
  EXPECT_EQ(row.event_offset, r2["where"]["raw_event"]["start_offset"].get<uint64_t>());
  EXPECT_EQ(row.after[0], "1");
  EXPECT_EQ(row.after[1], r2["derived_here"]["decimal_raw_text_at_scale_5"].get<std::string>());
  EXPECT_EQ(row.after[2], "zero point one");
  EXPECT_NE(row.json.find("\"commit_timestamp\":\"2019-02-15 00:58:11.000000\""),
            std::string::npos);  // header timestamp 1550192291 (5.7 has no commit timestamps)
}

TEST(FixtureEvents, GoMysqlDecimalRows) {
  const Json doc = Expected("go-mysql.row_event_test.json");
  CollectSink sink = testing::DecodeFixture("go-mysql/replication/t/tcb-eval002c-bin.003320");
  const Json& rows = Fact(doc, "decodedecimal.rows")["expected"]["rows"];
  ASSERT_EQ(sink.rows.size(), rows.size());
  ASSERT_EQ(rows.size(), 17u);
  for (size_t i = 0; i < rows.size(); ++i) {
    const RowInfo& got = sink.rows[i];
    for (auto& [col, value] : rows[i].items()) {
      SCOPED_TRACE("row " + std::to_string(i) + " " + col);
      // The map has no column names (5.6): find the column by the table definition order.
      static const std::vector<std::string> kCols = {
          "id",     "v4_2",   "v5_0",  "v7_3",   "v10_2",  "v10_3", "v13_2",
          "v15_14", "v20_10", "v30_5", "v30_20", "v30_25", "prec",  "scale"};
      size_t idx = std::find(kCols.begin(), kCols.end(), col) - kCols.begin();
      ASSERT_LT(idx, got.after.size());
      std::string expected = value.is_string() ? value.get<std::string>() : value.dump();
      EXPECT_EQ(got.after[idx], expected);
    }
  }
}

TEST(FixtureEvents, EnumSetStringRowsUseMetadataLabels) {
  CollectSink sink = testing::DecodeFixture(testing::kRustBinlogs + "mysql-enum-string-set.000001");
  ASSERT_EQ(sink.rows.size(), 3u);
  const RowInfo& w = sink.rows[0];
  EXPECT_EQ(w.names, (std::vector<std::string>{"f1", "f2", "f3", "f4", "f5"}));
  EXPECT_EQ(w.types[2].type, SqlType::kEnum);
  EXPECT_EQ(w.types[2].elements, (std::vector<std::string>{"var1", "variant2", "foo"}));
  EXPECT_EQ(w.types[3].elements, (std::vector<std::string>{"one", "two", "three", "four"}));
  EXPECT_EQ(w.after[2], "var1");       // index 1
  EXPECT_EQ(w.after[3], "one,three");  // bits 0x05
  EXPECT_EQ(w.after[4], "0123456789");
  EXPECT_EQ(w.after[1]->size(), 298u);
  EXPECT_EQ(w.after_kinds[2], Value::Kind::kEnumIndex);
  EXPECT_EQ(w.after_kinds[3], Value::Kind::kSetBits);
  const RowInfo& u = sink.rows[1];
  EXPECT_EQ(u.op, RowOp::kUpdate);
  EXPECT_EQ(u.before[3], "one,three");
  EXPECT_EQ(u.after[0], "field1");
  EXPECT_EQ(u.after[2], "variant2");
  EXPECT_EQ(u.after[3], "two,four");  // 0x0a
  EXPECT_EQ(sink.rows[2].op, RowOp::kDelete);
  EXPECT_EQ(sink.rows[2].before[1], "field_2");
}

TEST(FixtureEvents, BitValues) {
  CollectSink sink = testing::DecodeFixture(testing::kRustBinlogs + "mysql_type_bit.000001");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].types[0].type, SqlType::kBit);
  EXPECT_EQ(sink.rows[0].types[0].length, 3u);
  EXPECT_EQ(sink.rows[0].after[0], "4");  // 0x04
  EXPECT_EQ(sink.rows[0].after[1], "foo");
  EXPECT_EQ(sink.rows[0].after[2], "32");  // 0x20
  EXPECT_EQ(sink.rows[0].types[2].length, 8u);
}

TEST(FixtureEvents, VectorColumns) {
  CollectSink sink;
  std::map<std::string, std::vector<uint32_t>> dims;
  auto r = DecodeFile(FixturePath(testing::kRustBinlogs + "vector.binlog"), &sink);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  for (const RowInfo& row : sink.rows) {
    auto& d = dims[row.table];
    d.clear();
    for (const ColumnType& t : row.types) {
      if (t.type == SqlType::kVector) d.push_back(t.length);
    }
  }
  EXPECT_EQ(dims["foo"], (std::vector<uint32_t>{3}));
  EXPECT_EQ(dims["bar"], (std::vector<uint32_t>{2, 4}));
  // Event at 1085 holds rows (1, [1.1,2.2,3.3]) and (2, [1,-1,0]).
  std::vector<const RowInfo*> at;
  for (const RowInfo& row : sink.rows) {
    if (row.event_offset == 1085) at.push_back(&row);
  }
  ASSERT_EQ(at.size(), 2u);
  EXPECT_EQ(at[0]->after[0], "1");
  EXPECT_EQ(at[0]->after[1], "[1.1,2.2,3.3]");
  EXPECT_EQ(at[1]->after[1], "[1,-1,0]");
}

TEST(FixtureEvents, MinimalRowMetadata) {
  CollectSink sink = testing::DecodeFixture(testing::kRustBinlogs + "minimal_row_metadata.000001");
  ASSERT_GE(sink.rows.size(), 1u);
  const RowInfo& r = sink.rows[0];
  // No names in MINIMAL metadata: mysqlbinlog-style @1..@5 labels.
  EXPECT_EQ(r.names[2], "@3");
  EXPECT_EQ(r.types[2].collation_id, 255);  // utf8mb4_0900_ai_ci
  EXPECT_EQ(r.types[2].type, SqlType::kChar);
  EXPECT_TRUE(r.types[4].is_unsigned);
  EXPECT_EQ(r.after[0], "1");
  EXPECT_EQ(r.after[2], "a");
  EXPECT_EQ(r.after[4], "3230202323");
  EXPECT_EQ(r.after[1], std::nullopt);  // columns 1 and 3 are not in the image
  EXPECT_EQ(r.json.find("\"@2\""), std::string::npos);
}

TEST(FixtureEvents, NegativeTime) {
  CollectSink sink = testing::DecodeFixture(testing::kRustBinlogs + "time_issue.000001");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].after[0], "-507:48:27");
}

TEST(FixtureEvents, JsonOpaqueValues) {
  const Json doc = Expected("rust_mysql_common.binlog-mod-tests.json");
  const Json& fact = Fact(doc, "json-opaque.values");
  CollectSink sink = testing::DecodeFixture(testing::kRustBinlogs + "json-opaque.binlog");
  const Json& events = fact["expected"]["rows_events"];
  ASSERT_EQ(sink.rows.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(sink.rows[i].event_offset, events[i]["event"]["start_offset"].get<uint64_t>());
    Json got = Json::parse(*sink.rows[i].after[0]);
    Json want = events[i]["first_row_after_image_json_value"];
    // MySQL prints DECIMAL inside JSON as a number; the source library as a string.
    for (auto& [k, v] : want.items()) {
      if (v.is_string() && (v == "123.456" || v == "9.00")) v = Json::parse(v.get<std::string>());
    }
    EXPECT_EQ(got, want);
  }
}

TEST(FixtureEvents, MariaDbColumnNamesAndCollations) {
  const Json doc = Expected("rust_mysql_common.binlog-mod-tests.json");
  const Json& fact = Fact(doc, "mariadb-bin.row_metadata");
  CollectSink sink = testing::DecodeFixture(testing::kRustBinlogs + "mariadb-bin.000001");
  ASSERT_EQ(sink.rows.size(), 2u);
  const RowInfo& r = sink.rows[0];
  EXPECT_EQ(r.schema, "toddy_test");
  EXPECT_EQ(r.table, "outbox");
  for (const auto& col : fact["expected"]["columns"]) {
    size_t i = col["index"];
    EXPECT_EQ(r.names[i], col["name"].get<std::string>());
    EXPECT_EQ(r.types[i].collation_id, col["charset_or_collation_id"].get<uint16_t>());
  }
  EXPECT_EQ(r.types[3].type, SqlType::kBlob);  // BLOB with collation 63
  EXPECT_EQ(r.types[4].type, SqlType::kTimestamp);
  EXPECT_EQ(r.after_kinds[3], Value::Kind::kBytes);
}

TEST(FixtureEvents, TaggedGtidAndPreviousGtids) {
  const Json doc = Expected("rust_mysql_common.binlog-mod-tests.json");
  std::string prev, tagged;
  CollectSink sink;
  sink.on_event = [&](const Event& ev, bool) {
    if (auto* p = std::get_if<PreviousGtidsEvent>(&ev.data)) prev = p->gtids.ToString();
    if (auto* g = std::get_if<MySqlGtidEvent>(&ev.data)) {
      if (g->tagged) tagged = g->gtid.ToString();
    }
  };
  ASSERT_TRUE(
      DecodeFile(FixturePath(testing::kRustBinlogs + "binlog_transaction_with_GTID_TAG.000001"),
                 &sink)
          .status.ok());
  EXPECT_EQ(prev, Fact(doc, "gtid_tag.previous_gtids")["gtid_set_text_derived_here"]);
  EXPECT_EQ(tagged, Fact(doc, "gtid_tag.gtid_tagged_event")["gtid_text_derived_here"]);

  prev.clear();
  CollectSink untagged;
  untagged.on_event = [&](const Event& ev, bool) {
    if (auto* p = std::get_if<PreviousGtidsEvent>(&ev.data)) prev = p->gtids.ToString();
  };
  ASSERT_TRUE(DecodeFile(FixturePath(testing::kRustBinlogs +
                                     "binlog_transaction_previous_GTID_no_tag.000001"),
                         &untagged)
                  .status.ok());
  EXPECT_EQ(prev, Fact(doc, "previous_gtid_no_tag")["gtid_set_text_derived_here"]);
}

TEST(FixtureEvents, TaggedGtidCommitTimestampAndVersion) {
  MySqlGtidEvent gtid;
  CollectSink sink;
  sink.on_event = [&](const Event& ev, bool) {
    if (auto* g = std::get_if<MySqlGtidEvent>(&ev.data)) gtid = *g;
  };
  ASSERT_TRUE(
      DecodeFile(FixturePath(testing::kRustBinlogs + "binlog_transaction_with_GTID_TAG.000001"),
                 &sink)
          .status.ok());
  EXPECT_EQ(gtid.immediate_server_version, 90600u);  // the FORMAT_DESCRIPTION says 9.6.0
  EXPECT_EQ(gtid.original_server_version, 90600u);
  EXPECT_TRUE(gtid.has_commit_timestamps);
  EXPECT_EQ(gtid.immediate_commit_us / 1000000, 1770368687u);  // the event's header timestamp
}

TEST(FixtureEvents, TransactionPayloadInnerEvents) {
  CollectSink sink =
      testing::DecodeFixture(testing::kRustBinlogs + "transaction_compression.000001");
  std::vector<uint8_t> inner;
  for (const auto& e : sink.events) {
    if (e.inner) inner.push_back(e.header.type);
  }
  EXPECT_EQ(inner, (std::vector<uint8_t>{2, 19, 30, 16}));  // QUERY TABLE_MAP WRITE_ROWS_V2 XID
  ASSERT_EQ(sink.rows.size(), 1u);
  CollectSink java = testing::DecodeFixture(
      "mysql-binlog-connector-java-osheroff/src/test/resources/mysql-bin.compressed");
  inner.clear();
  for (const auto& e : java.events) {
    if (e.inner) inner.push_back(e.header.type);
  }
  EXPECT_EQ(inner, (std::vector<uint8_t>{2, 19, 31, 16}));  // ... UPDATE_ROWS_V2 ...
  CollectSink ape = testing::DecodeFixture(
      "mysql-binlog-connector-rust-apecloud/tests/parse_file_tests/"
      "mysql-bin.000057");
  EXPECT_GT(ape.rows.size(), 0u);
}

TEST(FixtureEvents, AuroraPaddingEventIsSkipped) {
  CollectSink sink;
  auto r = DecodeFile(
      FixturePath(
          "mysql-binlog-connector-java-osheroff/src/test/resources/mysql-bin.aurora-padding"),
      &sink);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(sink.events.size(), 5u);
  EXPECT_EQ(sink.events[3].header.type, 100);
  EXPECT_EQ(sink.events[3].header.flags & kFlagIgnorable, kFlagIgnorable);
  EXPECT_EQ(sink.events[4].header.type, 2);  // QUERY (BEGIN) follows
  EXPECT_EQ(r.stats.skipped, 1u);
  EXPECT_EQ(r.stats.events[100], 1u);
}

// mysql-server's binlog_row_mysqlbinlog_verbose.result lists mysqlbinlog -v output for four
// NDB binlogs; compare every ###   @N=value line with ours.
TEST(FixtureEvents, MysqlServerVerboseResults) {
  std::ifstream in(FixturePath(
      "mysql-server-results/mysql-test/suite/binlog/r/binlog_row_mysqlbinlog_verbose.result"));
  std::string line, file;
  std::map<std::string, std::vector<std::string>> expected;  // file -> "@N=value" lines
  while (std::getline(in, line)) {
    if (line.rfind("Verbose statements from : ", 0) == 0) file = line.substr(26);
    if (line.rfind("###   @", 0) == 0) expected[file].push_back(line.substr(6));
  }
  ASSERT_EQ(expected.size(), 4u);
  for (const auto& [name, lines] : expected) {
    SCOPED_TRACE(name);
    CollectSink sink = testing::DecodeFixture(testing::kRustBinlogs + name);
    std::vector<std::string> got;
    for (const RowInfo& r : sink.rows) {
      for (const auto* image : {&r.before, &r.after}) {
        for (size_t i = 0; i < image->size(); ++i) {
          if (!(*image)[i]) continue;
          const std::string& v = *(*image)[i];
          bool text = r.types[i].type == SqlType::kVarChar || r.types[i].type == SqlType::kChar ||
                      r.types[i].type == SqlType::kVarBinary;
          got.push_back("@" + std::to_string(i + 1) + "=" + (text ? "'" + v + "'" : v));
        }
      }
    }
    EXPECT_EQ(got, lines);
  }
}

// The mysql-cdc-rs dumps are mysqlbinlog -vv output: "###   @N=value /* TYPE meta=...".
TEST(FixtureEvents, MysqlCdcVerboseDumps) {
  const std::string base = "mysql-cdc-rs/tests/events/";
  int files = 0;
  for (const char* dir : {"5.7/19_table_map", "5.7/30_write_rows_v2", "5.7/32_delete_rows_v2",
                          "5.7/33_35_gtid_prev_gtid", "5.7/34_anonymous_gtid"}) {
    SCOPED_TRACE(dir);
    std::ifstream in(FixturePath(base + dir + "/dump.txt"));
    std::string line;
    std::vector<std::string> lines;
    while (std::getline(in, line)) {  // "###   @N=value /* TYPE meta=... */"
      size_t end = line.find(" /*");
      if (line.rfind("###   @", 0) == 0 && end != std::string::npos) {
        lines.push_back(line.substr(6, end - 6));
      }
    }
    ASSERT_FALSE(lines.empty());
    CollectSink sink = testing::DecodeFixture(base + dir + "/log.bin");
    std::vector<std::string> got;
    for (const RowInfo& r : sink.rows) {
      for (const auto* image : {&r.before, &r.after}) {
        for (size_t i = 0; i < image->size(); ++i) {
          if (!(*image)[i]) continue;
          bool text = r.after_kinds.empty() ? r.before_kinds[i] == Value::Kind::kString
                                            : r.after_kinds[i] == Value::Kind::kString;
          got.push_back("@" + std::to_string(i + 1) + "=" +
                        (text ? "'" + *(*image)[i] + "'" : *(*image)[i]));
        }
      }
    }
    EXPECT_EQ(got, lines);
    ++files;
  }
  EXPECT_EQ(files, 5);
}

// json.binlog.000001 (MySQL 8.0.22, binlog_row_image=MINIMAL, PARTIAL_JSON) ends with a
// PARTIAL_UPDATE_ROWS event whose diffs ($.age = age + 1) have no before-document in the event:
// the JSON column is left out of the after-image and its diff exposed; applying the real diff
// bytes to the document of the previous update gives the value the generated columns show.
TEST(FixtureEvents, PartialJsonDiffsWithoutBeforeImage) {
  CollectSink sink = testing::DecodeFixture(testing::kRustBinlogs + "json.binlog.000001");
  std::map<std::string, std::string> doc;  // id -> last full JSON document
  int applied = 0;
  for (const RowInfo& r : sink.rows) {
    if (r.after.empty()) continue;
    std::string id = r.op == RowOp::kInsert ? *r.after[0] : *r.before[0];
    if (r.after[1]) {
      doc[id] = *r.after[1];
      EXPECT_TRUE(r.pending_json_diff[1].empty());
      continue;
    }
    ASSERT_FALSE(r.pending_json_diff[1].empty()) << r.json;
    std::string out;
    Status st = ApplyJsonDiffVector(doc[id], AsBytes(r.pending_json_diff[1]), &out);
    ASSERT_TRUE(st.ok()) << st.ToString();
    Json after = Json::parse(out);
    EXPECT_EQ(after["age"].dump(), *r.after[3]) << out;  // generated column age
    EXPECT_EQ(after["name"].get<std::string>(), *r.after[2]);
    EXPECT_EQ(after["data"], Json::parse(doc[id])["data"]);
    ++applied;
  }
  EXPECT_EQ(applied, 6);
}

// The mariadb-poc README lists what a reader found in each binlog of domain 0 (MariaDB 11.8):
// server version, first/last GTID, the GTID list (previous GTIDs), first/last event timestamp,
// end position, and whether the file ends with ROTATE or STOP.
TEST(FixtureEvents, MariaDbPocReadmeFacts) {
  std::ifstream in(FixturePath("mariadb-poc/mariadb-binlog/README.md"));
  std::string line, file;
  std::map<std::string, std::map<std::string, std::string>> facts;
  while (std::getline(in, line)) {
    const std::string prefix = "Getting binlog metadata from binlogs/";
    if (line.rfind(prefix, 0) == 0) file = line.substr(prefix.size());
    size_t colon = line.find(": ");
    if (!file.empty() && colon != std::string::npos && line.rfind("Getting", 0) != 0) {
      facts[file][line.substr(0, colon)] = line.substr(colon + 2);
    }
  }
  int checked = 0;
  for (auto& [name, f] : facts) {
    std::string path = FixturePath("mariadb-poc/mariadb-binlog/binlogs/" + name);
    if (!std::ifstream(path)) continue;  // not every file was collected
    SCOPED_TRACE(name);
    std::string version, first_gtid, last_gtid, prev = "<nil>";
    uint32_t first_ts = 0, last_ts = 0;
    bool rotate = false, stop = false;
    CollectSink sink;
    sink.on_event = [&](const Event& ev, bool) {
      if (first_ts == 0) first_ts = ev.header.timestamp;
      last_ts = ev.header.timestamp;
      if (auto* fde = std::get_if<FormatDescriptionEvent>(&ev.data)) version = fde->server_version;
      if (auto* g = std::get_if<MariaGtidEvent>(&ev.data)) {
        if (first_gtid.empty()) first_gtid = g->gtid.ToString();
        last_gtid = g->gtid.ToString();
      }
      if (auto* l = std::get_if<MariaGtidListEvent>(&ev.data)) {
        if (!l->gtids.empty()) prev = l->gtids[0].ToString();
      }
      rotate = rotate || std::holds_alternative<RotateEvent>(ev.data);
      stop = stop || std::holds_alternative<StopEvent>(ev.data);
    };
    auto r = DecodeFile(path, &sink);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_EQ(version, f["ServerVersion"]);
    EXPECT_EQ(first_gtid.empty() ? "<nil>" : first_gtid, f["FirstGTID"]);
    EXPECT_EQ(last_gtid.empty() ? "<nil>" : last_gtid, f["LastGTID"]);
    EXPECT_EQ(prev, f["PreviousGTIDs"]);
    EXPECT_NE(f["FirstTimestamp"].find("raw:" + std::to_string(first_ts) + ")"), std::string::npos);
    EXPECT_NE(f["LastTimestamp"].find("raw:" + std::to_string(last_ts) + ")"), std::string::npos);
    EXPECT_EQ(std::to_string(r.stats.bytes + 4), f["LogPos"]);
    EXPECT_EQ(rotate ? "true" : "false", f["RotateEvent"]);
    EXPECT_EQ(stop ? "true" : "false", f["StopEvent"]);
    ++checked;
  }
  EXPECT_EQ(checked, 8);
}

}  // namespace
}  // namespace binlake::binlog
