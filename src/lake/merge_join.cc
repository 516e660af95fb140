#include "lake/merge_join.h"

#include <vector>

namespace binlake {

Status ChangeQueue::Start() {
  ASSIGN_OR_RETURN(valid_, cursor_->Next());
  return Status::Ok();
}

Status ChangeQueue::Pop() {
  ASSIGN_OR_RETURN(valid_, cursor_->Next());
  return Status::Ok();
}

namespace {

// One key's state: its row (primary key) or its copies (multiset).
struct KeyState {
  std::string row;
  uint64_t count = 0;
};

Status Apply(const std::vector<Change>& changes, bool multiset, KeyState* state,
             MergeStats* stats) {
  for (const Change& c : changes) {
    switch (c.op) {
      case 'I':
        if (!multiset && state->count > 0) ++stats->inconsistencies;
        state->row.assign(c.row);
        state->count = multiset ? state->count + 1 : 1;
        break;
      case 'U':
        if (multiset) {
          return InvalidArgument(
              "an update ('U') of a table without a primary key does not say which row it "
              "replaces (written by a binlake before updates of such tables became 'D' + 'I')");
        }
        if (state->count == 0) ++stats->inconsistencies;
        state->row.assign(c.row);
        state->count = 1;
        break;
      case 'D':
        if (state->count == 0) {
          ++stats->inconsistencies;
        } else {
          --state->count;
        }
        break;
      default:
        return InvalidArgument(std::string("unknown Op '") + c.op + "'");
    }
  }
  return Status::Ok();
}

Status Emit(std::string_view key, const KeyState& state, RowSink* sink, MergeStats* stats) {
  for (uint64_t i = 0; i < state.count; ++i) {
    RETURN_IF_ERROR(sink->Row(key, state.row));
    ++stats->rows;
  }
  return Status::Ok();
}

Status Unordered(SortedRows* base, MergeStats* stats) {
  stats->base_unordered = true;
  return PreconditionFailed(base->where() +
                            ": rows not in key order (or two under one primary key)");
}

}  // namespace

Status MergeJoin(SortedRows* base, ChangeQueue* changes, bool bounded, std::string_view upper,
                 bool multiset, RowSink* sink, MergeStats* stats) {
  auto change_ready = [&] { return !changes->empty() && (!bounded || changes->key() < upper); };
  bool have_base = false;
  if (base) {
    ASSIGN_OR_RETURN(have_base, base->Next());
  }
  std::string previous;  // the last base key, to check the order
  bool first = true;
  KeyState state;
  std::string key;
  while (have_base || change_ready()) {
    int order;  // base key vs change key
    if (!have_base) {
      order = 1;
    } else if (!change_ready()) {
      order = -1;
    } else {
      order = base->key().compare(changes->key());
    }
    if (order < 0 && !multiset) {
      // The common case: a base row no change touches, passed on as is.
      if (!first && base->key() <= std::string_view(previous)) {
        return Unordered(base, stats);
      }
      previous.assign(base->key());
      first = false;
      RETURN_IF_ERROR(sink->RowOf(*base));
      ++stats->rows;
      ASSIGN_OR_RETURN(have_base, base->Next());
      continue;
    }
    // The key's base rows (every equal one), then its changes.
    key.assign(order <= 0 ? base->key() : changes->key());
    state.count = 0;
    while (have_base && base->key() == std::string_view(key)) {
      if (!first && base->key() < std::string_view(previous)) {
        return Unordered(base, stats);
      }
      if (!multiset && state.count > 0) ++stats->inconsistencies;
      previous.assign(base->key());
      first = false;
      state.row.assign(base->row());
      state.count = multiset ? state.count + 1 : 1;
      ASSIGN_OR_RETURN(have_base, base->Next());
    }
    if (have_base && base->key() < std::string_view(key)) {
      return Unordered(base, stats);
    }
    if (change_ready() && changes->key() == std::string_view(key)) {
      RETURN_IF_ERROR(Apply(changes->changes(), multiset, &state, stats));
      RETURN_IF_ERROR(changes->Pop());
    }
    RETURN_IF_ERROR(Emit(key, state, sink, stats));
  }
  return Status::Ok();
}

}  // namespace binlake
