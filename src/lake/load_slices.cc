#include "lake/load_slices.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include "lake/file_rows.h"
#include "lake/row_key.h"

namespace binlake {
namespace {

// A point where a slice may begin: a LOAD file (its index among the table's) and an offset.
struct Cut {
  size_t file = 0;
  uint64_t offset = 0;
  uint64_t position = 0;  // bytes of the table's LOAD rows before it
  std::string key;        // of the row there, encoded (lake/row_key.h)
  std::string row;        // that row
};

// The key and row of the first row at `cut`: false when no row is there or the file cannot be
// read from there.
bool ReadCutRow(ObjectStore& target, const Lake& lake, const TablePlan& plan, const TableKey& key,
                const PlanFile& file, Cut* cut) {
  FileRowLayout layout = TargetFileLayout(lake, plan, file, key);
  layout.begin = cut->offset;
  bool broken = false;
  layout.slice_broken = &broken;
  std::unique_ptr<FileRowReader> reader =
      NewFileRowReader(target, file.key, layout, *key.encoder, 64u << 10);
  Result<bool> row = reader->Next();
  if (!row.ok() || !*row) return false;
  cut->key = std::string(reader->key());
  cut->row = std::string(reader->row());
  return true;
}

std::vector<LoadSlice> Whole() { return std::vector<LoadSlice>(1); }

std::map<std::string, const OutputFile*> RecordedFiles(const Lake& lake) {
  std::map<std::string, const OutputFile*> recorded;
  for (const TableState& t : lake.load.tables) {
    for (const OutputFile& f : t.files) recorded[f.key] = &f;
  }
  return recorded;
}

}  // namespace

std::vector<size_t> ThreadShares(const Lake& lake, const std::vector<const TablePlan*>& plans,
                                 size_t threads) {
  const std::map<std::string, const OutputFile*> recorded = RecordedFiles(lake);
  std::vector<uint64_t> bytes(plans.size(), 0);
  uint64_t total = 0;
  for (size_t t = 0; t < plans.size(); ++t) {
    const TablePlan& plan = *plans[t];
    for (size_t i = FirstCountingStep(plan); i < plan.steps.size(); ++i) {
      const PlanStep& step = plan.steps[i];
      if (step.kind != PlanStep::Kind::kFile || step.file.cdc) continue;
      if (auto r = recorded.find(step.file.key); r != recorded.end()) bytes[t] += r->second->bytes;
    }
    total += bytes[t];
  }
  std::vector<size_t> shares(plans.size(), 1);
  if (total == 0) return shares;
  for (size_t t = 0; t < plans.size(); ++t) {
    const uint64_t share = (threads * bytes[t] + total / 2) / total;
    shares[t] = static_cast<size_t>(std::clamp<uint64_t>(share, 1, std::max<size_t>(threads, 1)));
  }
  return shares;
}

Result<std::vector<LoadSlice>> PlanLoadSlices(ObjectStore& target, const Lake& lake,
                                              const TablePlan& plan, size_t max_slices,
                                              uint64_t min_slice_bytes) {
  if (max_slices < 2 || lake.format != DataFormat::kCsv || lake.csv.gzip) return Whole();
  const TableKey key = KeyOfTable(plan.schema);
  if (key.multiset) return Whole();
  // The LOAD files that count (after the last TRUNCATE), with what the full load recorded.
  const size_t first = FirstCountingStep(plan);
  const std::map<std::string, const OutputFile*> recorded = RecordedFiles(lake);
  std::vector<const PlanFile*> files;
  std::vector<const OutputFile*> outputs;
  for (size_t i = first; i < plan.steps.size(); ++i) {
    const PlanStep& step = plan.steps[i];
    if (step.kind != PlanStep::Kind::kFile || step.file.cdc) continue;
    auto r = recorded.find(step.file.key);
    if (r == recorded.end()) return Whole();
    ASSIGN_OR_RETURN(std::optional<ObjectInfo> head, target.Head(step.file.key));
    if (!head || head->size != r->second->bytes) return Whole();  // changed since the load
    files.push_back(&step.file);
    outputs.push_back(r->second);
  }
  // The candidate cuts: each later file's start and every split point.
  std::vector<Cut> candidates;
  uint64_t total = 0;
  for (size_t j = 0; j < files.size(); ++j) {
    if (j > 0) candidates.push_back(Cut{j, 0, total, {}, {}});
    uint64_t previous = 0;
    for (uint64_t s : outputs[j]->splits) {
      if (s <= previous || s >= outputs[j]->bytes) return Whole();
      candidates.push_back(Cut{j, s, total + s, {}, {}});
      previous = s;
    }
    total += outputs[j]->bytes;
  }
  const uint64_t by_size = min_slice_bytes > 0 ? total / min_slice_bytes : max_slices;
  const size_t n =
      static_cast<size_t>(std::min<uint64_t>({max_slices, by_size, candidates.size() + 1}));
  if (n < 2) return Whole();
  // About equal bytes per slice: the first candidate at or past each k/n of the total.
  std::vector<Cut> cuts;
  size_t c = 0;
  for (size_t k = 1; k < n; ++k) {
    const uint64_t target_position = total / n * k;
    while (c < candidates.size() && candidates[c].position < target_position) ++c;
    if (c == candidates.size()) break;
    Cut cut = candidates[c++];
    if (!ReadCutRow(target, lake, plan, key, *files[cut.file], &cut)) return Whole();
    if (!cuts.empty() && CompareKeys(cut.key, cuts.back().key) <= 0) return Whole();
    cuts.push_back(std::move(cut));
  }
  if (cuts.empty()) return Whole();

  std::vector<LoadSlice> slices;
  for (size_t i = 0; i <= cuts.size(); ++i) {
    const Cut* from = i > 0 ? &cuts[i - 1] : nullptr;
    const Cut* to = i < cuts.size() ? &cuts[i] : nullptr;
    LoadSlice s;
    const size_t first_file = from ? from->file : 0;
    const size_t last_file = to ? to->file : files.size() - 1;
    for (size_t j = first_file; j <= last_file; ++j) {
      TableSlice::Part part;
      part.key = files[j]->key;
      if (from && j == from->file) part.begin = from->offset;
      if (to && j == to->file) {
        if (to->offset == 0) continue;  // the slice ends where this file begins
        part.end = to->offset;
      }
      s.slice.load.push_back(std::move(part));
    }
    if (from) {
      s.slice.lower = from->key;
      s.first_row = from->row;
    }
    if (to) s.slice.upper = to->key;
    slices.push_back(std::move(s));
  }
  return slices;
}

}  // namespace binlake
