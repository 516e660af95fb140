#include "materialize/table_advance.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "lake/change_store.h"
#include "lake/file_rows.h"
#include "lake/merge_join.h"
#include "lake/table_rows.h"
#include "materialize/parquet_part_writer.h"
#include "materialize/part_rewrite.h"
#include "materialize/part_writer.h"

namespace binlake {
namespace {

// How a part file of the previous version reads back: CSV in the target's dialect with a header
// (never gzip), or Parquet whose values render as the target's CSV does.
FileRowLayout PartLayout(const Lake& lake, const TableSchema& schema, const TableKey& key,
                         bool parquet) {
  FileRowLayout l;
  l.csv = lake.csv;
  l.csv.gzip = false;
  l.parquet = parquet;
  l.header = !parquet;
  l.data_columns = schema.columns.size();
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    l.columns.push_back(static_cast<int>(i));
    if (parquet) l.types.push_back(schema.columns[i].type);
  }
  l.key = key.columns;
  return l;
}

// Consecutive parts of the previous version with changes, rewritten through one sink.
struct Unit {
  uint64_t number = 0;  // from 1, in key order: names its parts
  size_t first = 0;     // the previous version's parts [first, end)
  size_t end = 0;
  uint64_t old_bytes = 0;
  uint64_t old_rows = 0;
  PartRewrite rewrite;                   // this unit's copy (its stretch buffer is its own)
  std::unique_ptr<ChangeStore> changes;  // threaded: the changes routed to it
  std::unique_ptr<PartSink> sink;
  std::vector<PartInfo> parts;  // written, once finished
  MergeStats stats;
  uint64_t copied_rows = 0;
};

// What every unit of one advance shares (read-only while units run).
struct Advance {
  ObjectStore& output;
  const Lake& lake;
  const MaterializedTable& previous;
  const TablePlan& increment;
  const TableJobOptions& options;
  PartRewrite rewrite;  // the template of each unit's
};

// Rewrites part i of the previous version (none when there is none: the changes alone) into
// the unit's sink, with the changes `queue` holds in its key range.
Status RewritePart(const Advance& a, Unit* u, std::optional<size_t> i, ChangeQueue* queue) {
  if (!u->sink) {
    ASSIGN_OR_RETURN(u->sink, NewPartSink(a.output, a.lake, a.increment, a.options, a.previous.rows,
                                          PartNamer(a.increment, a.options, u->number)));
  }
  if (!i)
    return MergeJoin(nullptr, queue, false, {}, u->rewrite.multiset, u->sink.get(), &u->stats);
  const std::vector<PartInfo>& old = a.previous.parts;
  const bool bounded = *i + 1 < old.size();
  const std::string_view upper = bounded ? std::string_view(old[*i + 1].first_key) : "";
  if (a.options.parquet) {
    return RewriteParquetPart(&u->rewrite, old[*i], queue, bounded, upper,
                              static_cast<ParquetPartWriter*>(u->sink.get()), &u->stats,
                              &u->copied_rows);
  }
  return RewriteCsvPart(&u->rewrite, old[*i], queue, bounded, upper,
                        static_cast<PartWriter*>(u->sink.get()), &u->stats, &u->copied_rows);
}

Status FinishUnit(Unit* u) {
  ASSIGN_OR_RETURN(u->parts, u->sink->Finish());
  return Status::Ok();
}

// A threaded unit: its own changes, then its parts.
Status RunUnit(const Advance& a, Unit* u) {
  ASSIGN_OR_RETURN(std::unique_ptr<ChangeCursor> cursor, u->changes->Finish());
  ChangeQueue queue(cursor.get());
  RETURN_IF_ERROR(queue.Start());
  for (size_t i = u->first; i < u->end; ++i) RETURN_IF_ERROR(RewritePart(a, u, i, &queue));
  RETURN_IF_ERROR(FinishUnit(u));
  cursor.reset();
  u->changes.reset();
  return Status::Ok();
}

// Moves the queued changes below `upper` (every one when !bounded) into `to`, in order.
Status Route(ChangeQueue* queue, bool bounded, std::string_view upper, ChangeStore* to) {
  while (!queue->empty() && (!bounded || queue->key() < upper)) {
    for (const Change& c : queue->changes()) RETURN_IF_ERROR(to->Add(c.op, queue->key(), c.row));
    RETURN_IF_ERROR(queue->Pop());
  }
  return Status::Ok();
}

}  // namespace

Result<MaterializedTable> AdvanceTable(ObjectStore& target, ObjectStore& output, const Lake& lake,
                                       const MaterializedTable& previous,
                                       const TablePlan& increment, const TableJobOptions& options) {
  if (options.training) return Internal("an advance of training parts");
  MaterializedTable result = DescribeTable(increment, options);
  result.rebuilt = false;
  result.inconsistencies = previous.inconsistencies;
  const std::vector<PartInfo>& old = previous.parts;
  WorkPool* pool =
      options.pool && options.thread_share > 1 && old.size() > 1 ? options.pool : nullptr;
  const TableKey key = KeyOfTable(increment.schema);
  ChangeStore changes({pool ? options.memory_bytes / 2 : options.memory_bytes, options.spill_dir});
  for (const PlanStep& step : increment.steps) {
    if (step.kind != PlanStep::Kind::kFile) return Internal("an increment with a TRUNCATE");
    RETURN_IF_ERROR(AddFileChanges(target, step.file.key,
                                   TargetFileLayout(lake, increment, step.file, key), *key.encoder,
                                   options.chunk_bytes, &changes));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ChangeCursor> cursor, changes.Finish());
  ChangeQueue queue(cursor.get());
  RETURN_IF_ERROR(queue.Start());

  Advance a{output, lake, previous, increment, options, {}};
  a.rewrite.output = &output;
  a.rewrite.layout = PartLayout(lake, increment.schema, key, options.parquet);
  a.rewrite.encoder = key.encoder.get();
  if (!options.parquet) {
    ASSIGN_OR_RETURN(a.rewrite.header, CsvHeaderRow(increment.schema, lake.csv));
  }
  a.rewrite.multiset = key.multiset;
  const PartSize size =
      PartSize::ForTable(options.max_part_bytes, previous.rows, options.parts_per_table);
  // The units holding changes at once: the queue's, one running per thread, this one.
  const ChangeStore::Options unit_store{
      std::max<uint64_t>(4ull << 20,
                         options.memory_bytes / 2 / (pool ? 2 * pool->threads() + 1 : 1)),
      options.spill_dir};

  std::deque<Unit> units;  // stable addresses
  struct Slot {            // the new version's parts, in key order: a kept part or a unit's
    const PartInfo* kept = nullptr;
    Unit* unit = nullptr;
  };
  std::vector<Slot> slots;
  WorkPool::Group group;
  auto open_unit = [&](size_t first) {
    Unit& u = units.emplace_back();
    u.number = units.size();
    u.first = u.end = first;
    u.rewrite = a.rewrite;
    if (pool) u.changes = std::make_unique<ChangeStore>(unit_store);
    slots.push_back({nullptr, &u});
    return &u;
  };
  Unit* open = nullptr;
  auto close = [&]() -> Status {
    Unit* u = std::exchange(open, nullptr);
    if (!u) return Status::Ok();
    if (pool) {
      pool->Submit(&group, [&a, u] { return RunUnit(a, u); });
      return Status::Ok();
    }
    return FinishUnit(u);
  };

  Status walk = Status::Ok();
  if (old.empty()) {  // every row is a change
    Unit* u = open_unit(0);
    walk = RewritePart(a, u, std::nullopt, &queue);
    if (walk.ok()) walk = FinishUnit(u);
  }
  uint64_t kept_rows = 0;
  for (size_t i = 0; i < old.size() && walk.ok() && !(pool && pool->Failed(group)); ++i) {
    const bool bounded = i + 1 < old.size();
    const std::string_view upper = bounded ? std::string_view(old[i + 1].first_key) : "";
    if (queue.empty() || (bounded && queue.key() >= upper)) {
      // No change in this part's range: kept as it is.
      walk = close();
      slots.push_back({&old[i], nullptr});
      kept_rows += old[i].rows;
      continue;
    }
    if (!open || size.Full(open->old_bytes, open->old_rows)) {
      walk = close();
      if (!walk.ok()) break;
      open = open_unit(i);
    }
    open->end = i + 1;
    open->old_bytes += old[i].bytes;
    open->old_rows += old[i].rows;
    walk =
        pool ? Route(&queue, bounded, upper, open->changes.get()) : RewritePart(a, open, i, &queue);
  }
  if (walk.ok()) walk = close();
  if (pool) {  // always: the units use this frame's state
    Status ran = pool->Wait(&group);
    if (walk.ok()) walk = ran;
  }
  if (!walk.ok()) {
    for (Unit& u : units) {
      if (u.sink) u.sink->Discard();
    }
    return walk;
  }

  uint64_t copied_rows = 0;  // of rewritten parts, copied as bytes
  result.rows = kept_rows;
  for (const Slot& s : slots) {
    if (s.kept) {
      result.parts.push_back(*s.kept);
      continue;
    }
    const Unit& u = *s.unit;
    result.parts.insert(result.parts.end(), u.parts.begin(), u.parts.end());
    result.parts_written += u.parts.size();
    result.rows += u.stats.rows;
    result.inconsistencies += u.stats.inconsistencies;
    copied_rows += u.copied_rows;
  }
  result.rows_copied = copied_rows;
  return result;
}

}  // namespace binlake
