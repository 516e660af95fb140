// Integration: MariaDB binlogs binlake must refuse or handle specially (pre-10.1 temporal
// formats, encrypted binlogs) and the `binlake binlog decode` command end to end.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "binlog/test_util.h"
#include "common/testing/temp_dir.h"
#include "support/test_servers.h"

namespace binlake::binlog {
namespace {

using binlake::testing::MariaDbServer;
using testing::CollectSink;

// mysql56_temporal_format=OFF: MariaDB's pre-10.1 temporal formats. Without fractional seconds
// they are the old MySQL formats and decode; with them the binlog cannot tell their size, and
// binlake stops with a clear error instead of printing garbage.
TEST(MariaDbBinlog, PreMySql56TemporalFormats) {
  auto started = MariaDbServer::Start({"mysql56_temporal_format=OFF"});
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  std::unique_ptr<MariaDbServer> db = std::move(started).value();
  ASSERT_TRUE(db->Execute("SET GLOBAL time_zone='+00:00'; CREATE DATABASE d;"
                          " CREATE TABLE d.u (d DATETIME, e TIME, f TIMESTAMP NULL);"
                          " CREATE TABLE d.t (a DATETIME(3));")
                  .ok());
  ASSERT_TRUE(db->Execute("SET time_zone='+00:00'; INSERT INTO d.u VALUES ('2020-01-02 03:04:05',"
                          " '-838:59:59', '2021-01-01 00:00:01'), ('0000-00-00 00:00:00',"
                          " '00:00:00', '2038-01-19 03:14:07'); FLUSH BINARY LOGS")
                  .ok());
  std::vector<std::string> files = db->BinlogPaths();
  CollectSink sink;
  auto ok = testing::DecodeFile(files[0], &sink);
  ASSERT_TRUE(ok.status.ok()) << ok.status.ToString();
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[0].after, (std::vector<std::optional<std::string>>{
                                    "2020-01-02 03:04:05", "-838:59:59", "2021-01-01 00:00:01"}));
  EXPECT_EQ(sink.rows[1].after, (std::vector<std::optional<std::string>>{
                                    "0000-00-00 00:00:00", "00:00:00", "2038-01-19 03:14:07"}));
  ASSERT_TRUE(
      db->Execute("INSERT INTO d.t VALUES ('2020-01-02 03:04:05.678'); FLUSH BINARY LOGS").ok());
  files = db->BinlogPaths();
  CollectSink hires;
  auto bad = testing::DecodeFile(files[1], &hires);
  EXPECT_EQ(bad.status.code(), StatusCode::kUnsupported) << bad.status.ToString();
  EXPECT_NE(bad.status.message().find("mysql56_temporal_format=OFF"), std::string::npos);
}

// encrypt_binlog=ON: the file holds a START_ENCRYPTION event after the FORMAT_DESCRIPTION and
// encrypted events after it; binlake refuses it with a clear message instead of misreading it.
TEST(MariaDbBinlog, EncryptedBinlogIsRefused) {
  TempDir dir("binlake-keys");
  std::string keys = dir.File("keys.txt");
  std::ofstream(keys) << "1;a7addd9adea9978fda19f21e6be987880e68ac92632ca052e5bb42b1a506939a\n";
  auto started =
      MariaDbServer::Start({"plugin_load_add=file_key_management",
                            "file_key_management_filename=" + keys, "encrypt_binlog=ON"});
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  std::unique_ptr<MariaDbServer> db = std::move(started).value();
  ASSERT_TRUE(db->Execute("CREATE DATABASE e; CREATE TABLE e.t (a INT); INSERT INTO e.t VALUES (1);"
                          " FLUSH BINARY LOGS")
                  .ok());
  std::vector<std::string> files = db->BinlogPaths();
  ASSERT_FALSE(files.empty());
  CollectSink sink;
  auto r = testing::DecodeFile(files[0], &sink);
  EXPECT_EQ(r.status.code(), StatusCode::kUnsupported) << r.status.ToString();
  EXPECT_NE(r.status.message().find("encrypted"), std::string::npos) << r.status.message();
  auto cli = binlake::testing::RunShell(binlake::testing::BinlakeProgram() + " binlog decode " +
                                        binlake::testing::ShellQuote(files[0]));
  EXPECT_EQ(cli.exit_code, 1);
  EXPECT_NE(cli.err.find("binlake: error: "), std::string::npos) << cli.err;
  EXPECT_NE(cli.err.find("encrypted"), std::string::npos) << cli.err;
  db.reset();
}

// The command end to end on a server's binlog: JSON lines, --stats, positions, gzip input, and
// one-line errors with a non-zero exit for bad input.
TEST(MariaDbBinlog, DecodeCommand) {
  auto started = MariaDbServer::Start();
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  std::unique_ptr<MariaDbServer> db = std::move(started).value();
  ASSERT_TRUE(
      db->Execute("CREATE DATABASE c; CREATE TABLE c.t (id INT PRIMARY KEY, v VARCHAR(20));"
                  " INSERT INTO c.t VALUES (1,'a'),(2,'b'); UPDATE c.t SET v='c' WHERE id=2;"
                  " DELETE FROM c.t WHERE id=1; FLUSH BINARY LOGS")
          .ok());
  std::vector<std::string> files = db->BinlogPaths();
  ASSERT_GE(files.size(), 2u);
  const std::string bin = binlake::testing::BinlakeProgram();
  using binlake::testing::RunShell;
  using binlake::testing::ShellQuote;
  auto out = RunShell(bin + " binlog decode " + ShellQuote(files[0]));
  ASSERT_EQ(out.exit_code, 0) << out.err;
  std::vector<std::string> lines;
  for (size_t p = 0, n; (n = out.out.find('\n', p)) != std::string::npos; p = n + 1) {
    lines.push_back(out.out.substr(p, n - p));
  }
  ASSERT_EQ(lines.size(), 4u) << out.out;
  EXPECT_NE(lines[0].find(R"("schema":"c","table":"t","op":"insert")"), std::string::npos);
  EXPECT_NE(lines[0].find(R"("after":{"id":1,"v":"a"})"), std::string::npos) << lines[0];
  EXPECT_NE(lines[2].find(R"("before":{"id":2,"v":"b"},"after":{"id":2,"v":"c"})"),
            std::string::npos)
      << lines[2];
  EXPECT_NE(lines[3].find(R"("op":"delete")"), std::string::npos);
  EXPECT_NE(lines[3].find(R"("gtid":"0-1-)"), std::string::npos) << lines[3];

  auto stats = RunShell(bin + " binlog decode --stats " + ShellQuote(files[0]));
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_NE(stats.out.find("\"row_changes\":4"), std::string::npos) << stats.out;

  // --start-position at the last transaction's GTID event: only the delete is printed.
  size_t pos_at = lines[3].find("\"position\":");
  ASSERT_NE(pos_at, std::string::npos);
  CollectSink sink;
  uint64_t last_gtid = 0, delete_pos = std::stoull(lines[3].substr(pos_at + 11));
  sink.on_event = [&](const Event& ev, bool) {
    if (std::holds_alternative<MariaGtidEvent>(ev.data) && sink.current_offset < delete_pos) {
      last_gtid = sink.current_offset;
    }
  };
  ASSERT_TRUE(testing::DecodeFile(files[0], &sink).status.ok());
  auto from = RunShell(bin + " binlog decode --start-position " + std::to_string(last_gtid) + " " +
                       ShellQuote(files[0]));
  ASSERT_EQ(from.exit_code, 0) << from.err;
  EXPECT_EQ(from.out, lines[3] + "\n");
  auto until = RunShell(bin + " binlog decode --stop-position " + std::to_string(last_gtid) + " " +
                        ShellQuote(files[0]));
  ASSERT_EQ(until.exit_code, 0) << until.err;
  EXPECT_EQ(until.out, lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n");
  // Inside a transaction: the rows event has no TABLE_MAP before it.
  auto inside = RunShell(bin + " binlog decode --start-position " + std::to_string(delete_pos) +
                         " " + ShellQuote(files[0]));
  EXPECT_EQ(inside.exit_code, 1);
  EXPECT_NE(inside.err.find("without a preceding TABLE_MAP"), std::string::npos) << inside.err;

  // gzip'd copy decodes the same; several files in order.
  std::string gz = db->state_dir() + "/binlog.000001.gz";  // named like the original
  ASSERT_EQ(RunShell("gzip -c " + ShellQuote(files[0]) + " > " + ShellQuote(gz)).exit_code, 0);
  auto zipped = RunShell(bin + " binlog decode " + ShellQuote(gz) + " " + ShellQuote(files[1]));
  ASSERT_EQ(zipped.exit_code, 0) << zipped.err;
  EXPECT_EQ(zipped.out, out.out);

  // Text format.
  auto text = RunShell(bin + " binlog decode --format text " + ShellQuote(files[0]));
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("### UPDATE `c`.`t`"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("###   v='c'"), std::string::npos) << text.out;

  // Bad input: one line on stderr, exit 1; a missing file; bad usage exits 2.
  std::string junk = db->state_dir() + "/junk";
  std::ofstream(junk) << "hello";
  for (const std::string& f : {junk, db->state_dir() + "/missing"}) {
    auto bad = RunShell(bin + " binlog decode " + ShellQuote(f));
    EXPECT_EQ(bad.exit_code, 1) << f;
    EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
    EXPECT_EQ(bad.err.rfind("binlake: error: ", 0), 0u) << bad.err;
  }
  EXPECT_EQ(RunShell(bin + " binlog decode --format xml " + ShellQuote(files[0])).exit_code, 2);
  std::string cut = db->state_dir() + "/cut";
  ASSERT_EQ(RunShell("head -c 500 " + ShellQuote(files[0]) + " > " + ShellQuote(cut)).exit_code, 0);
  auto truncated = RunShell(bin + " binlog decode " + ShellQuote(cut));
  EXPECT_EQ(truncated.exit_code, 1);
  EXPECT_NE(truncated.err.find("truncated event"), std::string::npos) << truncated.err;
  uint64_t straddling = 0;  // start of the event the cut falls into
  for (const auto& e : sink.events) {
    if (!e.inner && e.offset < 500) straddling = e.offset;
  }
  EXPECT_NE(truncated.err.find("at offset " + std::to_string(straddling)), std::string::npos)
      << truncated.err;
}

}  // namespace
}  // namespace binlake::binlog
