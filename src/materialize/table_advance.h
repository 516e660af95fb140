// AdvanceTable: one table of a materialization advanced from its previous version (the
// incremental path of materialize/materialize.h; the full build is materialize/table_job.h).
//
// Only the changes committed since the previous version are read (one ChangeStore, handed back
// in key order). The previous version's parts (each a key range) that no change falls in are
// kept as they are. The others are rewritten (materialize/part_rewrite.h) in units:
//   - a unit is consecutive parts with changes, closed by a part without, or once the parts in
//     it hold a part's worth of rows (PartSize::Full): a full part is a unit of its own, and a
//     part that shrank is rewritten together with the next one;
//   - each unit is written through a part writer of its own, starting a new part, and its parts
//     are named by its number (PartNamer): the output does not depend on the threads.
//
// Threads: when the table has a share of more than one of the pool's threads (options.pool,
// thread_share; materialize/work_pool.h) the table's changes are routed, in key order, into a
// ChangeStore per unit, and each unit is submitted to the pool as soon as it is closed; any
// thread of the run rewrites it. The units holding changes at once are bounded by the pool
// (queue, running, one being routed), each store limited to a share of options.memory_bytes (the
// table's store has the other half). Otherwise (the other tables keep the pool busy) the units
// are rewritten inline from the table's store.
//
// Errors: every part this call wrote is deleted again (the previous version's stay);
// kPreconditionFailed when a part turns out not to be in key order or its marks do not fit its
// rows (the caller rebuilds the table).
#pragma once

#include "common/status.h"
#include "lake/lake_reader.h"
#include "lake/table_plan.h"
#include "materialize/manifest.h"
#include "materialize/table_job.h"
#include "store/object_store.h"

namespace binlake {

// Advances `previous` (CSV or Parquet parts, not the training layout) by `increment` (the
// commits since). The caller checked that the increment has no TRUNCATE and the same columns.
Result<MaterializedTable> AdvanceTable(ObjectStore& target, ObjectStore& output, const Lake& lake,
                                       const MaterializedTable& previous,
                                       const TablePlan& increment, const TableJobOptions& options);

}  // namespace binlake
