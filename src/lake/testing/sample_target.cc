#include "lake/testing/sample_target.h"

#include <cstdio>
#include <cstdlib>

#include "cdc/checkpoint.h"
#include "cdc/txn_index.h"
#include "config/target_layout.h"
#include "fullload/task_state.h"

namespace binlake::testing {
namespace {

void MustPut(ObjectStore& store, const std::string& key, const std::string& data) {
  Status s = store.Put(key, data, {});
  if (!s.ok()) {
    std::fprintf(stderr, "sample target: %s\n", s.ToString().c_str());
    std::abort();
  }
}

}  // namespace

void WriteSampleCommit(ObjectStore& store, uint64_t seq, binlog::BinlogPosition pos,
                       uint64_t last_commit_us, uint64_t transactions, const std::string& file,
                       const std::string& data) {
  CdcCheckpoint c;
  c.sequence = seq;
  c.position = pos;
  c.last_commit_us = last_commit_us;
  c.transactions = transactions;
  c.files = {{file, "", "db.t", 1}};
  MustPut(store, CdcCheckpointKey("", seq), SerializeCdcCheckpoint(c));
  MustPut(store, file, data);
}

void WriteSampleLoad(ObjectStore& store, const std::string& rows_csv, uint64_t rows,
                     const std::vector<uint64_t>& splits) {
  FullLoadState load;
  load.status = "complete";
  load.started_at = "2026-12-05T01:00:00.000Z";
  load.snapshot = {"binlog.000001", 1000, ""};
  load.settings_json = R"({"DataFormat":"csv","CsvDelimiter":",","CsvNullValue":""})";
  TableState t;
  t.schema.schema = "db";
  t.schema.table = "t";
  Column id, name;
  id.name = "id";
  id.type.type = SqlType::kBigInt;
  name.name = "name";
  t.schema.columns = {id, name};
  t.schema.primary_key = {0};
  t.files = {{"db/t/LOAD00000001.csv", rows, rows_csv.size(), splits}};
  t.rows = rows;
  load.tables.push_back(t);
  MustPut(store, FullLoadStateKey(""), SerializeFullLoadState(load));
  MustPut(store, "db/t/LOAD00000001.csv", rows_csv);
}

void WriteSampleTarget(ObjectStore& store) {
  WriteSampleLoad(store, "1,one\n2,two\n", 2);
  WriteSampleCommit(store, 1, {"binlog.000001", 1500, ""}, 1796432410000000, 1,
                    "db/t/20261205-010010000.csv", "U,1,ONE\n");
  WriteSampleCommit(store, 2, {"binlog.000001", 2500, ""}, 1796432425000000, 3,
                    "db/t/20261205-010025000.csv", "I,3,three\nD,2,two\n");
  WriteSampleCommit(store, 3, {"binlog.000002", 400, ""}, 1796432430000000, 4,
                    "db/t/20261205-010030000.csv",
                    "D,00000200000000000400000000,1,ONE\nI,00000200000000000400000001,10,ONE\n");
}

std::string WriteSampleTxnIndex(ObjectStore& store, const std::string& gtid1,
                                const std::string& gtid2) {
  Result<std::string> text = store.Get(CdcCheckpointKey("", 2));
  Result<CdcCheckpoint> c = text.ok() ? ParseCdcCheckpoint(*text) : text.status();
  if (!c.ok()) {
    std::fprintf(stderr, "sample target: %s\n", c.status().ToString().c_str());
    std::abort();
  }
  c->files[0].rows = 2;
  c->txindex = TxnIndexKey("", 2, "0123456789abcdef");
  std::string index = TxnIndexHeaderLine(2);
  AppendTxnIndexLine({{"binlog.000001", 2000, ""}, gtid1, 1796432420000000, false, {{0, 1}}},
                     &index);
  AppendTxnIndexLine({{"binlog.000001", 2500, ""}, gtid2, 1796432425000000, false, {{0, 2}}},
                     &index);
  MustPut(store, c->txindex, index);
  MustPut(store, CdcCheckpointKey("", 2), SerializeCdcCheckpoint(*c));
  return c->txindex;
}

}  // namespace binlake::testing
