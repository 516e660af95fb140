// Where CDC starts when the target holds no CDC checkpoint yet, in this order:
//   1. an explicit start (--start-position FILE:POS or --start-gtid LIST),
//   2. --start-time: the newest binlog file created at or before that time, skipping the
//      transactions committed before it,
//   3. the snapshot position of a complete full load in the target (_binlake/full_load.json).
// With a checkpoint in the target the checkpoint wins (CdcWriter::Recover) and this is unused.
// RecoverCdcStart combines both: the position a run streams from. CompleteStartPosition makes
// it name its server and carry its GTID set where it can; where the stream then starts, on
// which host, by file:position or GTID, is source/resume_stream.h's (docs/COMMIT-PROTOCOL.md,
// "Failover").
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
  // --start-position / --start-time: a file:position on the server binlake connected to, taken
  // literally for the first stream (ResumeRequest::prefer_file_position).
  bool literal = false;
};

Result<CdcStart> ResolveCdcStart(const CdcTaskOptions& options, ObjectStore& store,
                                 MysqlConnection& control);

// Recovers `writer` (CdcWriter::Recover, which publishes a half-published batch) and returns
// the position this run streams from: the newest checkpoint's (`*resumed` = true), else
// `start`'s. kPreconditionFailed (naming `store` and the ways to give a start) when the target
// has no checkpoint and `start` found nothing. Logs where CDC starts.
Result<binlog::BinlogPosition> RecoverCdcStart(CdcWriter& writer, const CdcStart& start,
                                               const ObjectStore& store, bool* resumed);

// What the run records about the positions in its checkpoints (binlog/binlog_position.h: a
// position that names its server carries the complete GTID set at that point, or none).
struct PositionRecording {
  bool server = true;  // name the stream's server (false: an older MySQL checkpoint's task)
  bool gtids = true;   // record the GTID set (false: not known complete)
};

// Makes `position`, where this run starts (the newest checkpoint's when `resumed`, else
// `start`'s), name its server and carry the complete GTID set where `control` (connected to the
// first host of the source that answered) can tell:
//   - a position that names its server is kept; a MariaDB one without a GTID set on that same
//     server gets it from BINLOG_GTID_POS;
//   - a GTID start (no file) is kept; the server is the stream's;
//   - an unnamed position (state written before binlake recorded servers, or a start just
//     resolved on this server) is taken to be this server's, as it always was: on MariaDB its
//     set becomes BINLOG_GTID_POS(file, position) (when the server has the file; else it stays
//     unnamed and resumes by file:position); on MySQL a full load's snapshot keeps its set
//     (Executed_Gtid_Set, complete) and names the server, an explicit start names the server
//     and records no GTID set (the set at a file:position is not known), and an older
//     checkpoint stays unnamed (its set may be partial) and is recorded as before.
Result<PositionRecording> CompleteStartPosition(binlog::BinlogPosition* position, bool resumed,
                                                const CdcStart& start, MysqlConnection& control);

// Where to resume after the stream was lost: the last checkpoint's position, or `start`'s
// before the first checkpoint (the open batch is dropped; it is read again).
binlog::BinlogPosition ResumePosition(const CdcWriter& writer, const CdcStart& start);

}  // namespace binlake
