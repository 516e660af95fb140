#include "lake/table_plan.h"

#include "cdc/schema_history.h"
#include "config/target_layout.h"

namespace binlake {

bool PlanFile::identity() const {
  if (columns.size() != data_columns) return false;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] != static_cast<int>(i)) return false;
  }
  return true;
}

namespace {

PlanFile IdentityFile(std::string key, bool cdc, uint64_t checkpoint, size_t columns) {
  PlanFile f;
  f.key = std::move(key);
  f.cdc = cdc;
  f.checkpoint = checkpoint;
  f.data_columns = columns;
  for (size_t i = 0; i < columns; ++i) f.columns.push_back(static_cast<int>(i));
  return f;
}

}  // namespace

Result<std::vector<TablePlan>> PlanTables(ObjectStore& store, const Lake& lake, uint64_t from,
                                          uint64_t upto, const TableSelector& select) {
  std::vector<TablePlan> plans;
  for (const TableState& table : lake.load.tables) {
    const TableSchema& schema = table.schema;
    if (select && !select(schema.schema, schema.table)) continue;
    const std::string name = schema.schema + "." + schema.table;
    // Columns that changed during CDC: more than one recorded version.
    ASSIGN_OR_RETURN(
        std::vector<ObjectInfo> versions,
        store.List(SchemaHistoryFolder(lake.bucket_folder, schema.schema, schema.table)));
    int recorded = 0;
    for (const ObjectInfo& o : versions) {
      if (!IsDdlRecord(o.key)) ++recorded;
    }
    if (recorded > 1) {
      return Unsupported(name + ": its columns changed during CDC (" + std::to_string(recorded) +
                         " versions in the schema history): not supported yet");
    }
    TablePlan plan;
    plan.schema = schema;
    plan.loaded_as = name;
    const size_t columns = schema.columns.size();
    if (from == 0) {
      for (const OutputFile& f : table.files) {
        plan.steps.push_back({PlanStep::Kind::kFile, IdentityFile(f.key, false, 0, columns)});
      }
    }
    const std::string folder = TableFolder(lake.bucket_folder, schema.schema, schema.table);
    for (const CdcCheckpoint& c : lake.history.commits) {
      if (c.sequence <= from) continue;
      if (c.sequence > upto) break;
      for (const CdcFile& f : c.files) {
        if (f.table.empty()) {
          return Unsupported("checkpoint " + std::to_string(c.sequence) +
                             " holds PreserveTransactions files (CDC_TXN-*): not supported yet");
        }
        if (f.table != name || f.key.compare(0, folder.size(), folder) != 0) continue;
        plan.steps.push_back(
            {PlanStep::Kind::kFile, IdentityFile(f.key, true, c.sequence, columns)});
      }
    }
    plans.push_back(std::move(plan));
  }
  return plans;
}

}  // namespace binlake
