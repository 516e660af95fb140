// CdcXaTracker with the CDC sink and writer, on events a real MariaDB wrote
// (binlog/xa_test_events.h: an XA prepared and rolled back, one prepared with a hex XID, an
// ordinary transaction, its XA COMMIT, and an XA COMMIT ... ONE PHASE), fed as the CDC task's
// loop feeds them. The written rows are those of the committed transactions, each once, at its
// commit; the pending entries are what a checkpoint records. Re-reading from a live source is
// covered by tests/integration/cdc_xa_test.cc.
#include "cdc/xa_tracker.h"

#include <gtest/gtest.h>

#include <memory>

#include "binlog/xa_test_events.h"
#include "cdc/writer_test_util.h"
#include "config/format_options.h"
#include "store/testing/memory_object_store.h"

namespace binlake {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

class XaTrackerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CdcWriterOptions o;
    auto factory = MakeRowFileWriterFactory(settings_);
    ASSERT_TRUE(factory.ok()) << factory.status().message();
    o.writer_factory = *factory;
    o.file_extension = ".csv";
    o.sequence_column_name = "seq";
    o.before_checkpoint = [this] { return history_.Flush(); };
    o.pending_xa_after_batch = [this] { return tracker_->Pending(); };
    writer_ = cdc_testing::MustCreate(&store_, o);
    ASSERT_TRUE(writer_->Recover(binlog::BinlogPosition{"binlog.000001", 4, ""}).ok());
    CdcSinkOptions sink_options;
    sink_options.sequence_column_name = "seq";
    sink_ = std::make_unique<CdcSink>(sink_options, writer_.get(), &catalog_, nullptr, &history_);
  }

  // Feeds every event as RunCdc does; returns the first error. `pending` gets Pending() after
  // each group.
  Status Run(XaSource source, size_t capture_limit) {
    tracker_ = std::make_unique<CdcXaTracker>(std::move(source), sink_.get(), capture_limit);
    RETURN_IF_ERROR(tracker_->Reset({}));
    binlog::EventPump pump(binlog::PumpOptions{}, sink_.get());
    pump.StartFile("binlog.000001", 4);
    sink_->SetTracker(&pump.position());
    for (const auto& raw : binlog::testing::MariaDbXaEvents()) {
      const std::string bytes = FromHex(raw.hex);
      const binlog::ByteView view(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      const uint64_t before = pump.position().transactions();
      RETURN_IF_ERROR(pump.Feed(view, raw.offset));
      const bool ended = pump.position().transactions() != before;
      tracker_->AfterFeed(view, pump.position(), ended);
      if (!ended) continue;
      const binlog::PositionTracker& t = pump.position();
      RETURN_IF_ERROR(tracker_->OnGroupEnd(t));
      if (!sink_->transaction_open()) writer_->BeginTransaction(t.commit_timestamp_us());
      RETURN_IF_ERROR(writer_->EndTransaction(t.last_commit()));
      sink_->TransactionEnded();
      pending_.push_back(tracker_->Pending());
    }
    return Status::Ok();
  }

  // The committed rows of x.t: "Op,seq,id,v" lines.
  std::string Committed() {
    EXPECT_TRUE(writer_->Commit().ok());
    std::string out;
    for (const std::string& key : cdc_testing::Keys(store_, "x/t/")) out += *store_.Get(key);
    return out;
  }

  S3Settings settings_;
  MemoryObjectStore store_;
  SchemaHistory history_{&store_, ""};
  std::map<std::string, TableSchema> catalog_;
  std::unique_ptr<CdcWriter> writer_;
  std::unique_ptr<CdcSink> sink_;
  std::unique_ptr<CdcXaTracker> tracker_;
  std::vector<std::vector<CdcPendingXa>> pending_;
};

TEST_F(XaTrackerTest, CommittedXaRowsOnceAtTheirCommitFromMemory) {
  ASSERT_TRUE(Run(XaSource{}, size_t{1} << 20).ok());
  // 'a' rolled back: never written. X'0102',X'6271',7 at its XA COMMIT (offset 1370 in the
  // sequence: the committing QUERY event), after the transaction committed before it.
  EXPECT_EQ(Committed(),
            "I,0000010000000012530000000,3,c\n"
            "I,0000010000000013700000000,2,b\n"
            "I,0000010000000016150000000,4,d\n");
  EXPECT_EQ(tracker_->replayed_from_memory(), 1u);
  EXPECT_EQ(tracker_->replayed_from_source(), 0u);
  // Pending after each of the six groups: 'a' until its rollback, the hex XID from its prepare
  // to its commit.
  const CdcPendingXa a{"X'61',X'',1", "0-1-1", "binlog.000001", 325, 641};
  const CdcPendingXa hex{"X'0102',X'6271',7", "0-1-3", "binlog.000001", 770, 1098};
  EXPECT_EQ(pending_, (std::vector<std::vector<CdcPendingXa>>{{a}, {}, {hex}, {hex}, {}, {}}));
  EXPECT_TRUE(writer_->last_checkpoint().pending_xa.empty());
}

// A body that is not in memory is re-read from the source; an unreachable source is a
// retryable error naming the XID, and nothing of the transaction reached the writer.
TEST_F(XaTrackerTest, UncapturedBodyIsReadFromTheSource) {
  XaSource nowhere;
  nowhere.connection.host = "127.0.0.1";
  nowhere.connection.port = 1;
  nowhere.connection.connect_timeout_s = 2;
  Status st = Run(nowhere, /*capture_limit=*/0);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.IsRetryable()) << st.ToString();
  EXPECT_NE(st.message().find("XA COMMIT of X'0102',X'6271',7 at binlog.000001:1324"),
            std::string::npos)
      << st.message();
  EXPECT_FALSE(sink_->transaction_open());
  EXPECT_EQ(Committed(), "I,0000010000000012530000000,3,c\n");
  // The checkpoint written now (before the XA COMMIT) names the prepared transaction.
  const std::vector<CdcPendingXa> pending = writer_->last_checkpoint().pending_xa;
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].xid, "X'0102',X'6271',7");
  EXPECT_EQ(writer_->last_checkpoint().position.ToString(), "binlog.000001:1324");
  // A restarted writer reads them back; one without pending_xa_after_batch carries them over.
  CdcWriterOptions o;
  o.writer_factory = *MakeRowFileWriterFactory(settings_);
  o.file_extension = ".csv";
  std::unique_ptr<CdcWriter> again = cdc_testing::MustCreate(&store_, o);
  ASSERT_TRUE(again->Recover(binlog::BinlogPosition{"binlog.000001", 4, ""}).ok());
  EXPECT_EQ(again->last_checkpoint().pending_xa, pending);
  again->BeginTransaction(1);
  ASSERT_TRUE(again->EndTransaction(binlog::BinlogPosition{"binlog.000001", 1460, ""}).ok());
  ASSERT_TRUE(again->Commit().ok());
  EXPECT_EQ(again->last_checkpoint().pending_xa, pending);
}

TEST_F(XaTrackerTest, ResetTakesACheckpointsEntries) {
  CdcXaTracker tracker(XaSource{}, sink_.get());
  std::vector<CdcPendingXa> pending = {{"X'62',X'',1", "", "binlog.000002", 400, 900},
                                       {"X'61',X'',1", "0-1-1", "binlog.000001", 325, 641}};
  ASSERT_TRUE(tracker.Reset(pending).ok());
  EXPECT_EQ(tracker.Pending(), (std::vector<CdcPendingXa>{pending[1], pending[0]}));
  Status bad = tracker.Reset({{"'a'", "", "binlog.000001", 4, 8}});
  EXPECT_EQ(bad.code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace binlake
