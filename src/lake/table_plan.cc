#include "lake/table_plan.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>

#include "config/target_layout.h"
#include "lake/column_default.h"
#include "lake/ddl_statement.h"
#include "lake/schema_records.h"
#include "lake/table_lineage.h"

namespace binlake {

bool PlanFile::identity() const {
  if (columns.size() != data_columns) return false;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] != static_cast<int>(i)) return false;
  }
  return true;
}

namespace {

using binlog::AtOrAfter;
using binlog::BinlogPosition;

// A statement recorded for a table transformation rules apply to (DdlRecord::transformed) names
// the source's table and columns. TRUNCATE and DROP of that one table replay under the
// record's (target's) name. An ALTER that only adds, drops or modifies columns (no rename of a
// column or of the table) is taken by name: the table's columns become those CDC recorded next
// for the target (`*by_name`; a column keeps its identity where its target name stays, an added
// one is new, a missing one dropped). Any other statement would be misread over the target's
// columns (a removed or renamed column): kUnsupported.
Result<DdlStatement> UnderTargetName(Result<DdlStatement> parsed, const DdlRecord& r,
                                     bool* by_name) {
  if (!parsed.ok()) return parsed;
  if ((parsed->kind == DdlStatement::Kind::kTruncate ||
       parsed->kind == DdlStatement::Kind::kDrop) &&
      parsed->tables.size() == 1) {
    parsed->tables[0] = TableName{r.schema, r.table};
    return parsed;
  }
  if (parsed->kind == DdlStatement::Kind::kAlter && parsed->tables.size() == 1) {
    bool columns_only = !parsed->actions.empty();
    for (const AlterAction& a : parsed->actions) {
      const bool plain_change =
          a.kind == AlterAction::Kind::kChangeColumn && SameColumnName(a.def.name, a.column);
      columns_only &= a.kind == AlterAction::Kind::kAddColumn ||
                      a.kind == AlterAction::Kind::kDropColumn || plain_change;
    }
    if (columns_only) {
      parsed->tables[0] = TableName{r.schema, r.table};
      *by_name = true;
      return parsed;
    }
  }
  return Unsupported(
      "transformation rules rename or narrow this table, and replaying the source's DDL that "
      "renames columns or tables over the target's columns is not supported yet");
}

// The statement on one line, at most ~100 characters.
std::string Shorten(std::string_view statement) {
  std::string out;
  bool space = false;
  for (char c : statement) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (out.size() >= 100) return out + "...";
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// The table a data file belongs to, from its key ([BucketFolder/]<schema>/<table>/...).
std::optional<TableName> TableOfKey(std::string_view bucket_folder, std::string_view key) {
  const std::string prefix = BucketPrefix(bucket_folder);
  if (!key.starts_with(prefix)) return std::nullopt;
  key.remove_prefix(prefix.size());
  const size_t a = key.find('/');
  const size_t b = a == std::string_view::npos ? a : key.find('/', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  auto schema = DecodeNameSegment(key.substr(0, a));
  auto table = DecodeNameSegment(key.substr(a + 1, b - a - 1));
  if (!schema || !table) return std::nullopt;
  return TableName{*schema, *table};
}

// A CDC file of a commit in (from, upto].
struct FileRef {
  const CdcFile* file = nullptr;
  uint64_t checkpoint = 0;
  TableName table;
  BinlogPosition at;     // where its rows begin: CdcFile::first, else its batch's start
  BinlogPosition batch;  // its batch's end (the checkpoint's position)
  bool placed = true;    // false: written before CDC recorded `first`
  uint64_t max_rows = PlanFile::kAllRows;
};

// A DDL record in [snapshot, upto) with what it says.
struct Ddl {
  const DdlRecord* record = nullptr;
  Result<DdlStatement> parsed = Unsupported("");
  std::vector<TableName> names;  // every table it names (the recorded one if unreadable)
  bool by_name = false;          // a transformed table's ALTER: see UnderTargetName
};

struct Table {
  TableLineage lineage;
  bool live = true;
  Status error;                            // the first thing about it that cannot be interpreted
  const DdlRecord* unconfirmed = nullptr;  // changed its columns; no recorded version since
  const DdlRecord* last_change = nullptr;  // the last DDL that changed its columns
  bool by_name = false;  // a by-name ALTER (UnderTargetName) with no recorded version after it
  struct Step {
    PlanStep::Kind kind = PlanStep::Kind::kFile;
    std::string key{};
    bool cdc = false;
    uint64_t checkpoint = 0;
    std::vector<int> ids{};  // the column ids the file's data columns hold
    uint64_t max_rows = PlanFile::kAllRows;
  };
  std::vector<Step> steps;
};

class Planner {
 public:
  Planner(const Lake& lake, uint64_t from) : lake_(lake), from_(from) {}

  Result<std::vector<TablePlan>> Run(ObjectStore& store, uint64_t upto, const TableSelector& select,
                                     const PartialBatch* partial);

 private:
  using Key = std::pair<std::string, std::string>;
  static Key KeyOf(const TableName& n) { return {n.schema, n.table}; }
  Table* Live(const TableName& n) {
    auto it = live_.find(KeyOf(n));
    return it == live_.end() ? nullptr : it->second;
  }
  Table* Add(TableLineage lineage) {
    if (Table* old = Live(lineage.name)) old->live = false;
    tables_.push_back(std::make_unique<Table>());
    Table* t = tables_.back().get();
    live_[KeyOf(lineage.name)] = t;
    t->lineage = std::move(lineage);
    return t;
  }
  void Drop(const TableName& n) {
    if (Table* t = Live(n)) t->live = false;
    live_.erase(KeyOf(n));
  }
  void Rename(Table* t, const TableName& to) {
    live_.erase(KeyOf(t->lineage.name));
    Drop(to);
    t->lineage.name = to;
    live_[KeyOf(to)] = t;
  }
  void Fail(Table* t, const DdlRecord& r, std::string_view why) {
    if (t == nullptr || !t->error.ok()) return;
    t->error =
        Unsupported(t->lineage.name.Dotted() + ": cannot interpret \"" + Shorten(r.statement) +
                    "\" at " + r.at.ToString() + ": " + std::string(why));
  }
  bool InWindow(const BinlogPosition& at) const { return AtOrAfter(at, from_position_); }

  void OnDdl(const Ddl& d);
  void OnVersion(const VersionRecord& v);
  void OnFile(const FileRef& f);

  const Lake& lake_;
  const uint64_t from_;
  BinlogPosition from_position_;  // the point `from` names: steps at or after it are planned
  std::vector<Ddl> ddls_;
  std::vector<VersionRecord> versions_;         // recorded versions of the columns, in the window
  std::vector<std::unique_ptr<Table>> tables_;  // in order of creation (full load first)
  std::map<Key, Table*> live_;
  int next_id_ = 0;
};

void Planner::OnDdl(const Ddl& d) {
  const DdlRecord& r = *d.record;
  const TableName recorded{r.schema, r.table};
  if (!d.parsed.ok()) {
    Table* t = Live(recorded);
    // A CREATE that cannot be read makes a table that cannot be planned.
    if (r.kind == "CREATE" && t == nullptr) t = Add(TableLineage{recorded, "", {}, {}});
    Fail(t, r, d.parsed.status().message());
    return;
  }
  const DdlStatement& st = *d.parsed;
  switch (st.kind) {
    case DdlStatement::Kind::kCreate:
    case DdlStatement::Kind::kCreateLike: {
      const TableName& name = st.tables[0];
      if (Live(name) != nullptr && st.if_not_exists) return;  // nothing happened
      Result<TableLineage> made = Unsupported("the table it copies is not known");
      if (st.kind == DdlStatement::Kind::kCreate) {
        made = TableLineage::FromCreate(name, st, &next_id_);
      } else if (const Table* like = Live(st.like)) {
        made = like->lineage.Copy(name, &next_id_);
      }
      Table* t = Add(made.ok() ? std::move(made).value() : TableLineage{name, "", {}, {}});
      if (!made.ok()) Fail(t, r, made.status().message());
      t->unconfirmed = t->last_change = &r;
      // Created within an incremental plan's window: it starts empty.
      if (from_ > 0 && InWindow(r.at)) t->steps.push_back({PlanStep::Kind::kTruncate});
      return;
    }
    case DdlStatement::Kind::kDrop:
      for (const TableName& n : st.tables) Drop(n);
      return;
    case DdlStatement::Kind::kTruncate:
      if (Table* t = Live(st.tables[0]); t != nullptr && InWindow(r.at)) {
        t->steps.push_back({PlanStep::Kind::kTruncate});
      }
      return;
    case DdlStatement::Kind::kRename:
      for (const auto& [a, b] : st.renames) {
        if (Table* t = Live(a)) Rename(t, b);
      }
      return;
    case DdlStatement::Kind::kAlter: {
      Table* t = Live(st.tables[0]);
      if (t == nullptr) return;
      if (d.by_name) {
        // The columns CDC recorded for the target at the first row after the statement (rows
        // of files that begin before that record may follow the statement).
        t->unconfirmed = t->last_change = &r;
        const VersionRecord* next = nullptr;
        for (const VersionRecord& v : versions_) {
          if (TableName{v.schema, v.table} == t->lineage.name && AtOrAfter(v.at, r.at) &&
              (next == nullptr || AtOrAfter(next->at, v.at))) {
            next = &v;
          }
        }
        if (next != nullptr) {
          t->lineage.AdoptByName(next->columns, &next_id_);
        } else {
          t->by_name = true;  // not known yet
        }
        return;
      }
      Status s = t->lineage.Alter(st.actions, &next_id_);
      if (!s.ok()) {
        Fail(t, r, s.message());
        return;
      }
      for (const AlterAction& a : st.actions) {
        if (a.kind == AlterAction::Kind::kRenameTable) {
          Rename(t, a.new_table);
        } else if (a.kind != AlterAction::Kind::kAddPrimaryKey &&
                   a.kind != AlterAction::Kind::kDropPrimaryKey) {
          t->unconfirmed = t->last_change = &r;
        }
      }
      return;
    }
  }
}

void Planner::OnVersion(const VersionRecord& v) {
  Table* t = Live({v.schema, v.table});
  if (t == nullptr) return;
  if (t->lineage.Matches(v.columns)) {
    t->lineage.Confirm(v.columns);
    t->unconfirmed = nullptr;
    return;
  }
  std::string recorded;
  for (const Column& c : v.columns) recorded += (recorded.empty() ? "" : ", ") + c.name;
  if (t->unconfirmed != nullptr) {
    Fail(t, *t->unconfirmed,
         "the columns it leaves (" + t->lineage.Names() + ") are not those recorded at " +
             v.at.ToString() + " (" + recorded + ")");
  } else if (t->error.ok()) {
    t->error = Unsupported(t->lineage.name.Dotted() + ": its columns changed at " +
                           v.at.ToString() + " (" + t->lineage.Names() + " -> " + recorded +
                           ") with no DDL statement recorded before it: how they map is unknown");
  }
}

void Planner::OnFile(const FileRef& f) {
  Table* t = Live(f.table);
  if (t == nullptr) return;  // a table that is not planned (not in the full load, not created)
  if (!f.placed) {
    // Written before CDC recorded where a file's rows begin: fine unless a DDL on the table
    // falls in its batch (then the rows may be on either side of it).
    for (const Ddl& d : ddls_) {
      if (!AtOrAfter(d.record->at, f.at) || AtOrAfter(d.record->at, f.batch)) continue;
      if (std::find(d.names.begin(), d.names.end(), f.table) == d.names.end()) continue;
      Fail(t, *d.record,
           "checkpoint " + std::to_string(f.checkpoint) + "'s file " + f.file->key +
               " does not record where its rows begin (written by an older binlake), so its "
               "place around this statement of the same batch is unknown");
    }
  }
  t->steps.push_back(
      {PlanStep::Kind::kFile, f.file->key, true, f.checkpoint, t->lineage.Ids(), f.max_rows});
}

Result<std::vector<TablePlan>> Planner::Run(ObjectStore& store, uint64_t upto,
                                            const TableSelector& select,
                                            const PartialBatch* partial) {
  const auto& commits = lake_.history.commits;
  if (partial != nullptr && (partial->checkpoint != upto + 1 || upto >= commits.size() ||
                             partial->rows.size() != commits[upto].files.size())) {
    return InvalidArgument("a part of batch " + std::to_string(partial->checkpoint) +
                           " does not follow checkpoint " + std::to_string(upto) +
                           " in the target's history");
  }
  const uint64_t last = partial != nullptr ? upto + 1 : upto;  // the last batch read
  if (upto > commits.size() || from_ > upto) {
    return InvalidArgument("commits " + std::to_string(from_) + ".." + std::to_string(upto) +
                           " are not in the target's history (" + std::to_string(commits.size()) +
                           " checkpoints)");
  }
  const BinlogPosition& snapshot = lake_.load.snapshot;
  auto position_of = [&](uint64_t k) { return k == 0 ? snapshot : commits[k - 1].position; };
  from_position_ = position_of(from_);
  const BinlogPosition end = partial != nullptr ? partial->end : position_of(upto);
  auto in_range = [&](const BinlogPosition& at) {
    return AtOrAfter(at, snapshot) && PositionBefore(at, end);
  };

  for (const TableState& table : lake_.load.tables) {
    Table* t = Add(TableLineage::FromSchema(table.schema, &next_id_));
    if (from_ > 0) continue;
    for (const OutputFile& f : table.files) {
      t->steps.push_back({PlanStep::Kind::kFile, f.key, false, 0, t->lineage.Ids()});
    }
  }

  // The schema history: DDL statements, and the recorded versions of the tables they name or
  // whose columns were recorded more than once.
  ASSIGN_OR_RETURN(SchemaRecords records, ListSchemaRecords(store, lake_.bucket_folder));
  if (!records.ddls.empty()) {
    // DDL statements and files are ordered by binlog position, which means something only on
    // one server: a history that moved to another (a failover) cannot be ordered that way.
    std::string server = snapshot.server;
    for (uint64_t k = 1; k <= last; ++k) {
      const std::string& next = commits[k - 1].position.server;
      if (server.empty()) server = next;
      if (!next.empty() && next != server) {
        return Unsupported("checkpoint " + std::to_string(k) + " was taken on another server (" +
                           next + ", before: " + server +
                           ") and the target records DDL statements: binlog positions of two "
                           "servers do not order them, so the tables cannot be planned across "
                           "the failover");
      }
    }
  }
  std::set<std::string> folders;
  for (const DdlRecord& r : records.ddls) {
    if (!in_range(r.at)) continue;
    Ddl d;
    d.record = &r;
    d.parsed =
        ParseDdlStatement(r.statement, r.default_schema.empty() ? r.schema : r.default_schema);
    if (r.transformed) d.parsed = UnderTargetName(std::move(d.parsed), r, &d.by_name);
    d.names = d.parsed.ok() ? d.parsed->Names() : std::vector<TableName>{{r.schema, r.table}};
    for (const TableName& n : d.names) {
      folders.insert(SchemaHistoryFolder(lake_.bucket_folder, n.schema, n.table));
    }
    ddls_.push_back(std::move(d));
  }
  std::vector<VersionRecord>& versions = versions_;
  for (const auto& [folder, keys] : records.version_keys) {
    if (keys.size() < 2 && folders.count(folder) == 0) continue;  // first sight only
    ASSIGN_OR_RETURN(std::vector<VersionRecord> read, ReadVersionRecords(store, keys));
    for (VersionRecord& v : read) {
      if (in_range(v.at)) versions.push_back(std::move(v));
    }
  }

  std::vector<FileRef> files;
  for (uint64_t k = from_ + 1; k <= last; ++k) {
    const CdcCheckpoint& c = commits[k - 1];
    for (size_t i = 0; i < c.files.size(); ++i) {
      const CdcFile& f = c.files[i];
      const uint64_t max_rows = k > upto ? partial->rows[i] : PlanFile::kAllRows;
      if (max_rows == 0) continue;  // none of its rows taken
      if (f.table.empty()) {
        return Unsupported("checkpoint " + std::to_string(c.sequence) +
                           " holds PreserveTransactions files (CDC_TXN-*): not supported yet");
      }
      std::optional<TableName> table = TableOfKey(lake_.bucket_folder, f.key);
      if (!table || table->Dotted() != f.table) continue;
      FileRef ref{&f, c.sequence, *table, f.first, c.position, !f.first.empty(), max_rows};
      if (!ref.placed) ref.at = position_of(k - 1);
      files.push_back(std::move(ref));
    }
  }

  // Everything in binlog order; at one position a DDL before a version before a file.
  using Order = std::tuple<uint64_t, uint64_t, int, size_t>;
  std::vector<Order> events;
  auto add = [&](const BinlogPosition& at, int kind, size_t i) {
    events.emplace_back(binlog::BinlogFileNumber(at.file), at.position, kind, i);
  };
  for (size_t i = 0; i < ddls_.size(); ++i) add(ddls_[i].record->at, 0, i);
  for (size_t i = 0; i < versions.size(); ++i) add(versions[i].at, 1, i);
  for (size_t i = 0; i < files.size(); ++i) add(files[i].at, 2, i);
  std::stable_sort(events.begin(), events.end());
  for (const auto& [file, pos, kind, i] : events) {
    if (kind == 0) OnDdl(ddls_[i]);
    if (kind == 1) OnVersion(versions[i]);
    if (kind == 2) OnFile(files[i]);
  }

  std::vector<TablePlan> plans;
  for (const auto& t : tables_) {
    if (!t->live) continue;
    const TableName& name = t->lineage.name;
    if (select && !select(name.schema, name.table)) continue;
    RETURN_IF_ERROR(t->error);
    if (t->by_name) {
      const DdlRecord& r = *t->last_change;
      return Unsupported(name.Dotted() + ": cannot interpret \"" + Shorten(r.statement) + "\" at " +
                         r.at.ToString() +
                         " over the columns transformation rules give the table: no row recorded "
                         "them since");
    }
    if (const LineageColumn* c = t->lineage.UnknownType()) {
      const DdlRecord& r = *t->last_change;
      return Unsupported(name.Dotted() + ": cannot interpret \"" + Shorten(r.statement) + "\" at " +
                         r.at.ToString() + ": the type of column " + c->name +
                         " is not one binlake reads, and no row recorded the column since");
    }
    TablePlan plan;
    plan.schema = t->lineage.Schema();
    plan.loaded_as = t->lineage.loaded_as;
    const std::vector<int> ids = t->lineage.Ids();
    plan.absent.resize(ids.size());
    std::vector<bool> absent_known(ids.size(), false);
    for (const Table::Step& s : t->steps) {
      PlanStep step;
      step.kind = s.kind;
      if (s.kind == PlanStep::Kind::kFile) {
        step.file.key = s.key;
        step.file.cdc = s.cdc;
        step.file.checkpoint = s.checkpoint;
        step.file.max_rows = s.max_rows;
        step.file.data_columns = s.ids.size();
        for (size_t c = 0; c < ids.size(); ++c) {
          auto at = std::find(s.ids.begin(), s.ids.end(), ids[c]);
          step.file.columns.push_back(at == s.ids.end() ? -1
                                                        : static_cast<int>(at - s.ids.begin()));
          if (at != s.ids.end() || absent_known[c]) continue;
          // A file from before the column was added: its rows read the column's default.
          absent_known[c] = true;
          const LineageColumn& column = t->lineage.columns[c];
          if (!column.added) continue;
          Result<std::optional<std::string>> value =
              AddedColumnValue(column.added_type ? *column.added_type : plan.schema.columns[c].type,
                               column.added_nullable, column.added_default, lake_.csv.render);
          if (!value.ok()) {
            return Unsupported(name.Dotted() + ": column " + column.name +
                               " was added with a default binlake cannot give the rows already "
                               "there (" +
                               value.status().message() + ")");
          }
          plan.absent[c] = std::move(value).value();
        }
      }
      plan.steps.push_back(std::move(step));
    }
    plans.push_back(std::move(plan));
  }
  return plans;
}

}  // namespace

Result<std::vector<TablePlan>> PlanTables(ObjectStore& store, const Lake& lake, uint64_t from,
                                          uint64_t upto, const TableSelector& select,
                                          const PartialBatch* partial) {
  return Planner(lake, from).Run(store, upto, select, partial);
}

}  // namespace binlake
