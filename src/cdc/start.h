// Where CDC starts when the target holds no CDC checkpoint yet, in this order:
//   1. an explicit start (--start-position FILE:POS or --start-gtid LIST),
//   2. --start-time: the newest binlog file created at or before that time, skipping the
//      transactions committed before it,
//   3. the snapshot position of a complete full load in the target (_binlake/full_load.json).
// With a checkpoint in the target the checkpoint wins (CdcWriter::Recover) and this is unused.
// RecoverCdcStart combines both: the position a run streams from.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "binlog/binlog_position.h"
#include "cdc/writer.h"
#include "common/status.h"
#include "source/binlog_stream.h"
#include "source/mysql_connection.h"
#include "store/object_store.h"

namespace binlake {

struct CdcTaskOptions;

struct CdcStart {
  binlog::BinlogPosition position;  // file empty for a GTID start (resolved once streaming)
  StreamStart stream_start;
  std::optional<std::chrono::system_clock::time_point> skip_before;  // --start-time
  std::string origin;  // for the log: "the full load's snapshot", "--start-position", ...
  bool found = false;  // false: nothing says where to start (an error unless a checkpoint exists)
};

Result<CdcStart> ResolveCdcStart(const CdcTaskOptions& options, ObjectStore& store,
                                 MysqlConnection& control);

// Recovers `writer` (CdcWriter::Recover, which publishes a half-published batch) and returns
// the position this run streams from: the newest checkpoint's (`*resumed` = true), else
// `start`'s. kPreconditionFailed (naming `store` and the ways to give a start) when the target
// has no checkpoint and `start` found nothing. Logs where CDC starts.
Result<binlog::BinlogPosition> RecoverCdcStart(CdcWriter& writer, const CdcStart& start,
                                               const ObjectStore& store, bool* resumed);

// The stream request for `position`: the position itself, or `start`'s request while the
// position has no file (a GTID start before its first commit).
StreamStart StreamStartFor(const CdcStart& start, const binlog::BinlogPosition& position);

// Where to resume after the stream was lost: the last checkpoint's position, or `start`'s
// before the first checkpoint (the open batch is dropped; it is read again).
binlog::BinlogPosition ResumePosition(const CdcWriter& writer, const CdcStart& start);

}  // namespace binlake
