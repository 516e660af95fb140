// The transaction index of a CDC batch (cdc/txn_index.h): what the writer records per
// transaction, that its key is new for every attempt and named by the checkpoint, that a race
// for checkpoint N or a crash before it never leaves a checkpoint naming another attempt's
// index, and that the commit log keeps the name.
#include "cdc/txn_index.h"

#include <gtest/gtest.h>

#include "cdc/commit_log.h"
#include "cdc/writer.h"
#include "cdc/writer_test_util.h"
#include "config/format_options.h"
#include "store/testing/memory_object_store.h"

namespace binlake {
namespace {

using cdc_testing::CrashingStore;
using cdc_testing::FakeClock;
using cdc_testing::Keys;
using cdc_testing::MustCreate;
using cdc_testing::Schema;
using cdc_testing::TempTarget;

constexpr uint64_t kUs = 1732443299000001;

using cdc_testing::Pos;

CdcWriterOptions Options(FakeClock& clock, S3Settings s = {}) {
  CdcWriterOptions o;
  o.settings = s;
  o.writer_factory = *MakeRowFileWriterFactory(s);
  o.file_extension = DataFileExtension(s);
  o.clock = clock.Fn();
  return o;
}

// One transaction: `rows` inserts into each table of `tables` in turn (ids from `id`).
Status Txn(CdcWriter& w, uint64_t pos, const std::string& gtid, uint64_t us,
           const std::vector<const TableSchema*>& tables, int rows = 1, int64_t id = 1) {
  w.BeginTransaction(us);
  for (const TableSchema* t : tables) {
    for (int i = 0; i < rows; ++i) {
      const std::string name = "n" + std::to_string(id);
      std::vector<Value> row = {Value::Int(id++), Value::String(name)};
      RETURN_IF_ERROR(w.AddChange(*t, 'I', row, ""));
    }
  }
  return w.EndTransaction(Pos(pos), gtid);
}

CdcCheckpoint Checkpoint(ObjectStore& store, uint64_t n) {
  auto text = store.Get(CdcCheckpointKey("", n));
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  auto c = ParseCdcCheckpoint(text.ok() ? *text : "");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? *c : CdcCheckpoint{};
}

// The entries of checkpoint `c`'s index, validated.
std::vector<TxnIndexEntry> Entries(ObjectStore& store, const CdcCheckpoint& c) {
  std::vector<TxnIndexEntry> out;
  auto text = store.Get(c.txindex);
  EXPECT_TRUE(text.ok()) << c.txindex << ": " << text.status().ToString();
  if (!text.ok()) return out;
  TxnIndexParser parser(c);
  size_t start = 0;
  for (size_t nl; (nl = text->find('\n', start)) != std::string::npos; start = nl + 1) {
    TxnIndexEntry e;
    auto line = parser.Line(std::string_view(*text).substr(start, nl - start), &e);
    EXPECT_TRUE(line.ok()) << line.status().ToString();
    if (line.ok() && *line) out.push_back(std::move(e));
  }
  Status finished = parser.Finish();
  EXPECT_TRUE(finished.ok()) << finished.ToString();
  return out;
}

TEST(TxnIndexTest, ABatchOfSeveralTransactionsOverSeveralTablesIsIndexed) {
  MemoryObjectStore store;
  FakeClock clock;
  auto w = MustCreate(&store, Options(clock));
  ASSERT_TRUE(w->Recover(Pos(4)).ok());
  const TableSchema t1 = Schema("db", "t1"), t2 = Schema("db", "t2");
  ASSERT_TRUE(Txn(*w, 100, "0-1-1", kUs, {&t1}, 2, 1).ok());            // t1: 2 rows
  ASSERT_TRUE(Txn(*w, 200, "0-1-2", kUs + 1, {}).ok());                 // no rows: left out
  ASSERT_TRUE(Txn(*w, 300, "0-1-3", kUs + 2, {&t2, &t1}, 1, 10).ok());  // t2: 1, t1: 3
  w->AddDdl("db", "t1");                                                // a DDL: indexed
  w->BeginTransaction(kUs + 3);
  ASSERT_TRUE(w->EndTransaction(Pos(400), "0-1-4").ok());
  ASSERT_TRUE(Txn(*w, 500, "", kUs + 4, {&t1, &t2}, 2, 20).ok());  // new files after the DDL
  ASSERT_TRUE(w->Commit().ok());

  const CdcCheckpoint c = Checkpoint(store, 1);
  ASSERT_EQ(c.files.size(), 4u);  // t1, t2, then t1 and t2 after the DDL
  EXPECT_EQ(c.files[0].table, "db.t1");
  EXPECT_EQ(c.files[1].table, "db.t2");
  EXPECT_EQ(c.files[2].table, "db.t1");
  EXPECT_EQ(c.files[3].table, "db.t2");
  EXPECT_EQ(c.txindex.rfind(TxnIndexFolder("") + "00000000000000000001-", 0), 0u) << c.txindex;
  using Rows = std::vector<std::pair<uint32_t, uint64_t>>;
  const std::vector<TxnIndexEntry> expected = {
      {Pos(100), "0-1-1", kUs, false, Rows{{0, 2}}},
      {Pos(300), "0-1-3", kUs + 2, false, Rows{{0, 3}, {1, 1}}},
      {Pos(400), "0-1-4", kUs + 3, true, Rows{}},
      {Pos(500), "", kUs + 4, false, Rows{{2, 2}, {3, 2}}},
  };
  EXPECT_EQ(Entries(store, c), expected);
  auto text = store.Get(c.txindex);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("{\"end\":\"binlog.000001:300\",\"gtid\":\"0-1-3\",\"us\":" +
                       std::to_string(kUs + 2) + ",\"rows\":[[0,3],[1,1]]}\n"),
            std::string::npos)
      << *text;

  // A batch without files or DDL has an index with no entries (so readers know it is not an
  // older binlake's); the next batch's index is another object.
  ASSERT_TRUE(Txn(*w, 600, "0-1-6", kUs + 5, {}).ok());
  ASSERT_TRUE(w->Commit().ok());
  const CdcCheckpoint c2 = Checkpoint(store, 2);
  EXPECT_NE(c2.txindex, "");
  EXPECT_NE(c2.txindex, c.txindex);
  EXPECT_TRUE(Entries(store, c2).empty());
}

TEST(TxnIndexTest, PreserveTransactionsBatchesHaveNone) {
  MemoryObjectStore store;
  FakeClock clock;
  S3Settings s;
  s.preserve_transactions = true;
  s.cdc_path = "cdc";
  auto w = MustCreate(&store, Options(clock, s));
  ASSERT_TRUE(w->Recover(Pos(4)).ok());
  const TableSchema t1 = Schema("db", "t1");
  ASSERT_TRUE(Txn(*w, 100, "0-1-1", kUs, {&t1}).ok());
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(Checkpoint(store, 1).txindex, "");
  EXPECT_TRUE(Keys(store, TxnIndexFolder("")).empty());
}

// Two instances race for checkpoint 1 with different batches: the winner's checkpoint names the
// winner's index (its transactions), never the loser's, which the loser deletes.
TEST(TxnIndexTest, ARaceForACheckpointNeverNamesTheLosersIndex) {
  for (bool winner_first : {true, false}) {
    TempTarget target;
    FakeClock clock;
    auto a = MustCreate(&target.store(), Options(clock));
    auto b_store = target.OpenAnother();
    auto b = MustCreate(b_store.get(), Options(clock));
    ASSERT_TRUE(a->Recover(Pos(4)).ok());
    ASSERT_TRUE(b->Recover(Pos(4)).ok());
    const TableSchema t1 = Schema("db", "t1");
    // A: two transactions of 1 row; B: one of 3 rows.
    ASSERT_TRUE(Txn(*a, 100, "0-1-1", kUs, {&t1}, 1, 1).ok());
    ASSERT_TRUE(Txn(*a, 200, "0-1-2", kUs, {&t1}, 1, 2).ok());
    ASSERT_TRUE(Txn(*b, 150, "0-1-1", kUs, {&t1}, 3, 1).ok());
    CdcWriter& winner = winner_first ? *a : *b;
    CdcWriter& loser = winner_first ? *b : *a;
    ASSERT_TRUE(winner.Commit().ok());
    Status lost = loser.Commit();
    EXPECT_EQ(lost.code(), StatusCode::kAlreadyExists) << lost.ToString();
    const CdcCheckpoint c = Checkpoint(target.store(), 1);
    const std::vector<TxnIndexEntry> entries = Entries(target.store(), c);
    if (winner_first) {
      ASSERT_EQ(entries.size(), 2u);
      EXPECT_EQ(entries[1].end, Pos(200));
    } else {
      ASSERT_EQ(entries.size(), 1u);
      EXPECT_EQ(entries[0].end, Pos(150));
    }
    // Only the winner's index is left.
    EXPECT_EQ(Keys(target.store(), TxnIndexFolder("")), std::vector<std::string>{c.txindex});
  }
}

// A crash after the index became visible and before the checkpoint: the restart writes the
// batch again under a new key; the checkpoint names that one, and the dead attempt's index is
// named by nothing.
TEST(TxnIndexTest, ACrashBeforeTheCheckpointLeavesAnIndexNothingNames) {
  TempTarget target;
  FakeClock clock;
  const TableSchema t1 = Schema("db", "t1");
  {
    CrashingStore crashing(&target.store(), CrashingStore::Point::kAtCheckpointPut);
    auto w = MustCreate(&crashing, Options(clock));
    ASSERT_TRUE(w->Recover(Pos(4)).ok());
    ASSERT_TRUE(Txn(*w, 100, "0-1-1", kUs, {&t1}, 2).ok());
    EXPECT_FALSE(w->Commit().ok());
    ASSERT_TRUE(crashing.crashed());
  }
  const std::vector<std::string> dead = Keys(target.store(), TxnIndexFolder(""));
  ASSERT_EQ(dead.size(), 1u);
  auto w = MustCreate(&target.store(), Options(clock));
  ASSERT_TRUE(w->Recover(Pos(4)).ok());
  ASSERT_TRUE(Txn(*w, 100, "0-1-1", kUs, {&t1}, 2).ok());
  ASSERT_TRUE(w->Commit().ok());
  const CdcCheckpoint c = Checkpoint(target.store(), 1);
  EXPECT_NE(c.txindex, dead[0]);
  EXPECT_EQ(Entries(target.store(), c).size(), 1u);
}

TEST(TxnIndexTest, TheCommitLogKeepsTheIndexOfFoldedCheckpoints) {
  MemoryObjectStore store;
  FakeClock clock;
  CdcWriterOptions o = Options(clock);
  o.checkpoints_to_keep = 1;
  o.commit_log_group = 1;
  auto w = MustCreate(&store, o);
  ASSERT_TRUE(w->Recover(Pos(4)).ok());
  const TableSchema t1 = Schema("db", "t1");
  std::vector<std::string> keys;
  for (uint64_t i = 1; i <= 3; ++i) {
    ASSERT_TRUE(
        Txn(*w, 100 * i, "0-1-" + std::to_string(i), kUs, {&t1}, 1, static_cast<int64_t>(i)).ok());
    ASSERT_TRUE(w->Commit().ok());
    keys.push_back(w->last_checkpoint().txindex);
  }
  EXPECT_EQ(Keys(store, "_binlake/cdc/checkpoint-"),
            std::vector<std::string>{CdcCheckpointKey("", 3)});
  auto history = ReadCommitHistory(store, "");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->commits.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(history->commits[i].txindex, keys[i]);
    EXPECT_EQ(Entries(store, history->commits[i]).size(), 1u);
  }
}

TEST(TxnIndexTest, MalformedIndexesAreOneLineCorruption) {
  CdcCheckpoint c;
  c.sequence = 7;
  c.position = Pos(1000);
  c.files = {{"db/t/a.csv", "", "db.t", 2}};
  auto run = [&](const std::vector<std::string>& lines) -> Status {
    TxnIndexParser parser(c);
    TxnIndexEntry e;
    for (const std::string& l : lines) RETURN_IF_ERROR(parser.Line(l, &e).status());
    return parser.Finish();
  };
  const std::string header = "{\"format\":\"binlake-cdc-txindex/1\",\"checkpoint\":7}";
  EXPECT_TRUE(run({header, R"({"end":"binlog.000001:100","us":1,"rows":[[0,2]]})"}).ok());
  for (const auto& [lines, part] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{}, "empty"},
           {{"{\"format\":\"binlake-cdc-txindex/1\",\"checkpoint\":6}"}, "not 7"},
           {{header, "{"}, "not a JSON object"},
           {{header, R"({"end":"binlog.000001:100","us":1,"rows":[[1,2]]})"}, "file index"},
           {{header, R"({"end":"binlog.000001:100","us":1,"rows":[[0,3]]})"}, "it has 2"},
           {{header, R"({"end":"binlog.000001:100","us":1,"rows":[[0,1]]})"}, "1 of the 2 rows"},
           {{header, R"({"end":"binlog.000001:2000","us":1,"rows":[[0,2]]})"}, "past the"},
           {{header, R"({"end":"binlog.000001:100","us":1,"rows":[[0,1]]})",
             R"({"end":"binlog.000001:90","us":1,"rows":[[0,2]]})"},
            "before the line above"},
           {{header, R"({"end":"x","us":1,"rows":[]})"}, "FILE:POSITION"},
           {{header, R"({"end":"binlog.000001:100","rows":[[0,2]]})"}, "line 2"},
       }) {
    Status s = run(lines);
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << part;
    EXPECT_NE(s.message().find(part), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find('\n'), std::string::npos) << s.message();
  }
}

}  // namespace
}  // namespace binlake
