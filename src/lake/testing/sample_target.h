// A small binlake target for the tests of the lake and materialize stages: the full load of db.t
// (id BIGINT primary key, name VARCHAR) at binlog.000001:1000 with rows (1,one) (2,two), then
//   checkpoint 1 at binlog.000001:1500, one transaction at 2026-12-05T01:00:10Z: U (1,ONE)
//   checkpoint 2 at binlog.000001:2500, two transactions, the last at 01:00:25: I (3,three),
//                D (2,two)
//   checkpoint 3 at binlog.000002:400, one transaction at 01:00:30, a key change with a
//                sequence column: D (1,ONE), I (10,ONE)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "binlog/binlog_position.h"
#include "store/object_store.h"

namespace binlake::testing {

void WriteSampleTarget(ObjectStore& store);
// Replaces the full load of db.t: its one LOAD file holds `rows_csv`, `rows` rows, with the
// split points `splits` recorded (fullload/table_output.h OutputFile::splits).
void WriteSampleLoad(ObjectStore& store, const std::string& rows_csv, uint64_t rows,
                     const std::vector<uint64_t>& splits = {});
// Gives checkpoint 2 of the sample target a transaction index (cdc/txn_index.h), as the CDC
// writer now writes one: I (3,three) ended at binlog.000001:2000 (GTID `gtids[0]`, 01:00:20),
// D (2,two) at binlog.000001:2500 (`gtids[1]`, 01:00:25). Returns the index's key.
std::string WriteSampleTxnIndex(ObjectStore& store, const std::string& gtid1 = "",
                                const std::string& gtid2 = "");
// Adds (or replaces) checkpoint `seq` of db.t with one CDC file holding `data`.
void WriteSampleCommit(ObjectStore& store, uint64_t seq, binlog::BinlogPosition pos,
                       uint64_t last_commit_us, uint64_t transactions, const std::string& file,
                       const std::string& data);

}  // namespace binlake::testing
