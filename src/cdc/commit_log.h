// The commit log: every committed CDC batch since the full load stays addressable after
// retention deletes its checkpoint object (time travel needs the list of files each batch
// committed, and its position and commit time).
//
// Checkpoints older than the newest `checkpoints_to_keep` are folded, in groups, into segments
//   [BucketFolder/]_binlake/cdc/log/commits-<first: 20 digits>-<last: 20 digits>.jsonl
// one line per checkpoint: the checkpoint's own JSON (cdc/checkpoint.h) on one line, with empty
// publication tokens (its files are published for good once a later checkpoint exists) and
// empty cumulative table statistics. A segment is created once (If-None-Match: *) and
// only then are its checkpoints deleted; segments are never rewritten.
//
// The committed history is the union of every segment's lines and the checkpoint objects, by
// sequence: a crash between creating a segment and deleting its checkpoints leaves both (the
// same content), and a later fold may write a segment that overlaps an earlier one; a sequence
// seen twice is one commit. Targets written before the log existed lack the checkpoints that
// retention deleted then: their history starts after the newest gap.
//
// Thread-safety: functions only; the store must be usable from the calling thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cdc/checkpoint.h"
#include "common/status.h"
#include "store/object_store.h"

namespace binlake {

// "[folder/]_binlake/cdc/log/"
std::string CommitLogFolder(std::string_view bucket_folder);
// "[folder/]_binlake/cdc/log/commits-<first>-<last>.jsonl"
std::string CommitLogSegmentKey(std::string_view bucket_folder, uint64_t first, uint64_t last);
// The checkpoint as one log line (ends with '\n'): no tokens, no table statistics.
std::string CommitLogLine(const CdcCheckpoint& checkpoint);

struct CommitHistory {
  // Every commit found, by sequence, without duplicates. Tokens and statistics are kept for
  // those read from checkpoint objects, empty for those read from the log.
  std::vector<CdcCheckpoint> commits;
  // The first sequence from which every commit up to the newest is present (0 if none): 1 when
  // the history is complete since the full load.
  uint64_t contiguous_from = 0;
};

// What the object names say, without reading any object: the segments' ranges and the
// checkpoints' numbers.
struct CommitLogIndex {
  struct Segment {
    std::string key;
    uint64_t first = 0;
    uint64_t last = 0;
  };
  std::vector<Segment> segments;      // by first, then last
  std::vector<uint64_t> checkpoints;  // ascending
  uint64_t newest = 0;                // 0 if no commit
  uint64_t contiguous_from = 0;       // as CommitHistory::contiguous_from
};
Result<CommitLogIndex> ListCommitLog(ObjectStore& store, std::string_view bucket_folder);

// One commit of the index: from its checkpoint object if it exists, else from its segment.
// kNotFound if the index has no such commit.
Result<CdcCheckpoint> ReadCommit(ObjectStore& store, std::string_view bucket_folder,
                                 const CommitLogIndex& index, uint64_t sequence);

// Reads the segments and the checkpoint objects. kCorruption (one line, naming the object) for a
// segment line or checkpoint that does not parse.
Result<CommitHistory> ReadCommitHistory(ObjectStore& store, std::string_view bucket_folder);

// Folds the checkpoints `sequences` (ascending, not empty) into one segment, then deletes their
// checkpoint objects. `known` holds serialized checkpoints already in memory, by sequence; the
// others are read from the store. A segment that already exists with this range (an earlier
// attempt) counts as written.
Status FoldCheckpoints(ObjectStore& store, std::string_view bucket_folder,
                       const std::vector<uint64_t>& sequences,
                       const std::map<uint64_t, std::string>& known);

}  // namespace binlake
