// PartMarks: a sparse index of a CSV part file (materialize/part_writer.h), so that an advance
// rewrites a part whose key range a few changes touch by copying the rows between them as bytes
// instead of reading them row by row (table_job.cc). Every ~kPartMarkBytes of rows, the writer
// marks the row that begins there: its byte offset, its index among the part's rows, its key and
// the key of the row before it (so a stretch of rows between two marks is known by its first and
// last key without reading it).
//
// Where: one object per part, PartMarksKey(part) under the output's _binlake/ folder (so the
// table folder holds only parts), written before the manifest that names the part and deleted
// with it. An advance that finds no marks, or marks that do not fit the part, reads the part row
// by row: marks only make it faster.
//
// Encoding (little-endian LEB128 varints, keys as raw normalized bytes, lake/row_key.h):
//   "binlake-part-marks 1\n" count
//   count x { offset - previous offset, row - previous row, key length, key,
//             shared prefix of previous_key with key, suffix length, suffix }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/object_store.h"

namespace binlake {

inline constexpr uint64_t kPartMarkBytes = 4096;

struct PartMark {
  uint64_t offset = 0;       // where the row begins in the part file (after the header: > 0)
  uint64_t row = 0;          // its index among the part's rows (0: the first row)
  std::string key;           // its normalized key
  std::string previous_key;  // the key of the row before it ("" for row 0)
};

// The marks object of part file `part` (a key of the output).
std::string PartMarksKey(std::string_view part);

std::string EncodePartMarks(const std::vector<PartMark>& marks);

// Writes the marks of part file `part` (PartMarksKey) into `output`.
Status PutPartMarks(ObjectStore& output, std::string_view part, const std::vector<PartMark>& marks);

// The marks of a part of `part_bytes` bytes and `part_rows` rows. kCorruption when the bytes are
// not marks of such a part: offsets and rows must go up from the first row (offset > 0, row 0)
// and stay inside the part, keys must go up, and a previous_key must be below its key.
Result<std::vector<PartMark>> DecodePartMarks(std::string_view bytes, uint64_t part_bytes,
                                              uint64_t part_rows);

}  // namespace binlake
