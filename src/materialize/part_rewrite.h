// RewriteCsvPart / RewriteParquetPart: one part of the previous version, joined with the changes
// of an advance that fall in its key range, written again through a PartWriter or
// ParquetPartWriter, using the part's marks (materialize/part_marks.h): each stretch between two
// marks that no change falls in is copied as bytes, the others are read row by row and merged
// (lake/merge_join.h). A CSV part's marks are every ~4 KiB of rows; a Parquet part's are at its
// row groups, which are copied encoded, their offsets moved in the new part's footer. From a
// local directory (ObjectStore::SmallReadsAreCheap) only the merged stretches are read and the
// others are copied in the kernel (ObjectRanges::CopyRange); from S3 the part is read whole (one
// GET; parts are at most --max-part-bytes) and copied from memory. Without usable marks (an
// output written before marks existed, marks that do not fit the part, a Parquet part of
// another schema) the whole part is merged row by row.
//
// Errors: a part that cannot be read; kPreconditionFailed when its rows are out of key order or
// a mark names another key than the row it points at (the caller rebuilds the table).
//
// Thread-safety: one thread per call; the store may be shared.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "lake/file_rows.h"
#include "lake/merge_join.h"
#include "materialize/manifest.h"
#include "materialize/parquet_part_writer.h"
#include "materialize/part_writer.h"
#include "store/object_store.h"

namespace binlake {

struct PartRewrite {
  ObjectStore* output = nullptr;  // holds the part and its marks
  FileRowLayout layout;           // the parts' CSV (with header), or Parquet
  const KeyEncoder* encoder = nullptr;
  std::string header;     // CSV: the parts' header row, delimiter included
  bool multiset = false;  // the table has no key (MergeJoin)
  std::string stretch;    // a stretch's bytes, read; reused
};

// Joins `old` with the queued changes below `upper` (every change when !bounded), into `sink`.
// `stats->rows` counts the rows copied too; `*copied_rows` (added to) those copied as bytes.
Status RewriteCsvPart(PartRewrite* rewrite, const PartInfo& old, ChangeQueue* queue, bool bounded,
                      std::string_view upper, PartWriter* sink, MergeStats* stats,
                      uint64_t* copied_rows);
Status RewriteParquetPart(PartRewrite* rewrite, const PartInfo& old, ChangeQueue* queue,
                          bool bounded, std::string_view upper, ParquetPartWriter* sink,
                          MergeStats* stats, uint64_t* copied_rows);

}  // namespace binlake
