#include "cdc/commit_metrics.h"

#include <gtest/gtest.h>

#include "common/metrics.h"

namespace binlake {
namespace {

// The histogram's sample count and sum.
std::pair<uint64_t, double> LatencySamples() {
  for (const auto& family : metrics::Registry().Collect()) {
    if (family.name == "binlake_cdc_latency_seconds") {
      return {family.metric[0].histogram.sample_count, family.metric[0].histogram.sample_sum};
    }
  }
  return {0, 0};
}

TEST(CommitMetricsTest, CountsTheBatchRowsBytesAndLatencies) {
  CdcCheckpoint previous;
  previous.tables["m.t"].inserts = 10;
  previous.tables["m.t"].updates = 4;
  CdcCheckpoint next = previous;
  next.sequence = 7;
  next.position.file = "mariadb-bin.000002";
  next.position.position = 1234;
  next.tables["m.t"].inserts = 13;  // +3
  next.tables["m.t"].deletes = 2;   // +2, updates unchanged
  next.tables["m.u"].updates = 5;   // a table new in this batch
  const double inserts = metrics::RowsWritten("m.t", "insert").Value();
  const double updates = metrics::RowsWritten("m.t", "update").Value();
  const double deletes = metrics::RowsWritten("m.t", "delete").Value();
  const double u_updates = metrics::RowsWritten("m.u", "update").Value();
  const double bytes = metrics::BytesWritten("m.t", "cdc").Value();
  const double batches = metrics::CdcBatchesCommitted().Value();
  const auto [count, sum] = LatencySamples();

  CommitTimes times;
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1000));
  times.Add(998'000'000);  // 2 s before now
  times.Add(998'000'400);  // the same millisecond
  times.Add(999'500'000);  // 0.5 s before
  ASSERT_EQ(times.per_ms().size(), 2u);
  RecordCommittedBatch(previous, next, {{"m.t", 100}, {"m.t", 50}, {"", 7}}, times, now);

  EXPECT_EQ(metrics::RowsWritten("m.t", "insert").Value() - inserts, 3);
  EXPECT_EQ(metrics::RowsWritten("m.t", "update").Value() - updates, 0);
  EXPECT_EQ(metrics::RowsWritten("m.t", "delete").Value() - deletes, 2);
  EXPECT_EQ(metrics::RowsWritten("m.u", "update").Value() - u_updates, 5);
  EXPECT_EQ(metrics::BytesWritten("m.t", "cdc").Value() - bytes, 150);
  EXPECT_EQ(metrics::CdcBatchesCommitted().Value() - batches, 1);
  const auto [count_after, sum_after] = LatencySamples();
  EXPECT_EQ(count_after - count, 3u);
  EXPECT_DOUBLE_EQ(sum_after - sum, 2 + 2 + 0.5);
}

}  // namespace
}  // namespace binlake
