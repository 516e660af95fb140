// Integration: XA event groups in binlogs a real MariaDB writes during the test (tests/support
// MariaDbServer), read back from its binlog files: XIDs of the longest form (64-byte gtrid and
// bqual, the largest format id) and with a quote, compressed events (log_bin_compress: the body's
// rows are compressed rows events; MariaDB 10.11 writes the XA statements themselves as plain
// QUERY events even then), XA ROLLBACK, XA COMMIT ... ONE PHASE.
// The canned bytes of the unit test are binlog_xa_test.cc's.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_pump.h"
#include "support/test_servers.h"

namespace binlake::binlog {
namespace {

using binlake::testing::MariaDbServer;

struct Seen {
  std::vector<std::string> groups;  // "<kind> <xid>"
  std::vector<std::string> gtid_xids;
  uint64_t compressed_body_rows_events = 0;
  uint64_t body_rows = 0, committed_rows = 0;
};

class XaSink : public EventSink {
 public:
  explicit XaSink(Seen* seen) : seen_(seen) {}
  Status OnEvent(const Event& ev, bool inner) override {
    if (const auto* g = std::get_if<MariaGtidEvent>(&ev.data); g && g->xa_xid) {
      seen_->gtid_xids.push_back((g->prepared_xa() ? "prepared " : "completed ") +
                                 g->xa_xid->ToString());
    }
    if (const auto* r = std::get_if<RowsEvent>(&ev.data); r && r->compressed && xa_body_) {
      ++seen_->compressed_body_rows_events;
    }
    return Status::Ok();
  }
  void set_xa_body(bool b) { xa_body_ = b; }
  Status OnRowChange(const RowChangeEvent& row) override {
    ++(row.position->in_xa_body() ? seen_->body_rows : seen_->committed_rows);
    return Status::Ok();
  }

 private:
  Seen* seen_;
  bool xa_body_ = false;
};

Seen DecodeBinlogs(MariaDbServer& db) {
  Seen seen;
  XaSink sink(&seen);
  auto logs = db.Query("SHOW BINARY LOGS");
  EXPECT_TRUE(logs.ok());
  if (!logs.ok()) return seen;
  const char* kinds[] = {"transaction", "xa-prepare", "xa-one-phase", "xa-commit", "xa-rollback"};
  for (const auto& row : *logs) {
    EventPump pump(PumpOptions{}, &sink);
    pump.StartFile(*row[0]);
    auto reader = BinlogFileReader::Open(db.state_dir() + "/data/" + *row[0]);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) return seen;
    while (true) {
      auto next = (*reader)->Next();
      EXPECT_TRUE(next.ok()) << next.status().ToString();
      if (!next.ok() || !*next) break;
      uint64_t before = pump.position().transactions();
      sink.set_xa_body(pump.position().in_xa_body());  // rows events never start a body
      Status st = pump.Feed((*next)->bytes, (*next)->offset);
      EXPECT_TRUE(st.ok()) << st.ToString();
      if (!st.ok()) break;
      if (pump.position().transactions() == before) continue;
      const GroupInfo& g = pump.position().last_group();
      if (g.kind == GroupKind::kTransaction && g.gtid.empty()) continue;
      std::string s = kinds[static_cast<int>(g.kind)];
      if (g.kind != GroupKind::kTransaction) s += " " + g.xid.ToString();
      seen.groups.push_back(s);
    }
  }
  return seen;
}

TEST(MariaDbXaBinlog, GroupsAndXidsAsTheServerWritesThem) {
  auto started = MariaDbServer::Start({"log_bin_compress=ON", "log_bin_compress_min_len=10"});
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  std::unique_ptr<MariaDbServer> db = std::move(started).value();
  ASSERT_TRUE(db->Execute("CREATE DATABASE d; CREATE TABLE d.t (id INT PRIMARY KEY, v TEXT); "
                          "RESET MASTER")
                  .ok());
  const std::string gtrid(128, 'f'), bqual(128, '0');
  const std::string longest = "X'" + gtrid + "',X'" + bqual + "',2147483647";
  const std::vector<std::string> steps = {
      "XA START " + longest + "; INSERT INTO d.t VALUES (1,'a'),(2,'b'); XA END " + longest +
          "; XA PREPARE " + longest,
      "XA COMMIT " + longest,
      "XA START 'it''s','b',5; UPDATE d.t SET v = 'x' WHERE id = 1; XA END 'it''s','b',5; "
      "XA PREPARE 'it''s','b',5",
      "XA ROLLBACK 'it''s','b',5",
      "XA START 'one'; DELETE FROM d.t WHERE id = 2; XA END 'one'; XA COMMIT 'one' ONE PHASE",
  };
  for (const std::string& sql : steps) {
    // A prepared XA is detached from its session when the server has cleaned the session up:
    // until then others see XAER_NOTA (polled with a deadline).
    Status st;
    for (int attempt = 0; attempt < 300; ++attempt) {
      st = db->Execute(sql);
      if (st.ok() || st.message().find("XAER_NOTA") == std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(st.ok()) << sql << ": " << st.ToString();
  }
  const std::string longest_lower = "X'" + gtrid + "',X'" + bqual + "',2147483647";
  const std::string quoted = "X'69742773',X'62',5";
  Seen seen = DecodeBinlogs(*db);
  EXPECT_EQ(seen.groups, (std::vector<std::string>{
                             "xa-prepare " + longest_lower, "xa-commit " + longest_lower,
                             "xa-prepare " + quoted, "xa-rollback " + quoted,
                             "transaction",  // XA COMMIT ... ONE PHASE
                         }));
  EXPECT_EQ(seen.gtid_xids,
            (std::vector<std::string>{"prepared " + longest_lower, "completed " + longest_lower,
                                      "prepared " + quoted, "completed " + quoted}));
  EXPECT_GE(seen.compressed_body_rows_events, 1u);
  EXPECT_EQ(seen.body_rows, 3u);       // two inserts, one update
  EXPECT_EQ(seen.committed_rows, 1u);  // the one-phase delete
}

}  // namespace
}  // namespace binlake::binlog
