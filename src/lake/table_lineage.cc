#include "lake/table_lineage.h"

namespace binlake {
namespace {

void RenameInKey(std::vector<std::string>* key, std::string_view from, const std::string& to) {
  for (std::string& k : *key) {
    if (SameColumnName(k, from)) k = to;
  }
}

}  // namespace

TableLineage TableLineage::FromSchema(const TableSchema& schema, int* next_id) {
  TableLineage l;
  l.name = {schema.schema, schema.table};
  l.loaded_as = schema.schema + "." + schema.table;
  for (const Column& c : schema.columns) {
    LineageColumn column;
    column.name = c.name;
    column.type = c.type;
    column.nullable = c.nullable;
    column.id = (*next_id)++;
    l.columns.push_back(std::move(column));
  }
  for (int k : schema.primary_key) {
    if (k >= 0 && static_cast<size_t>(k) < schema.columns.size()) {
      l.key.push_back(schema.columns[static_cast<size_t>(k)].name);
    }
  }
  return l;
}

Result<TableLineage> TableLineage::FromCreate(const TableName& name, const DdlStatement& create,
                                              int* next_id) {
  TableLineage l;
  l.name = name;
  for (const ColumnDef& d : create.columns) {
    if (l.Find(d.name) >= 0) return Unsupported("column " + d.name + " is defined twice");
    LineageColumn column;
    column.name = d.name;
    column.type = d.type;
    column.nullable = d.nullable;
    column.id = (*next_id)++;
    column.from_statement = true;
    l.columns.push_back(std::move(column));
  }
  for (const std::string& k : create.primary_key) {
    const int i = l.Find(k);
    if (i < 0) return Unsupported("its primary key names a column it does not have: " + k);
    l.key.push_back(l.columns[static_cast<size_t>(i)].name);
  }
  return l;
}

TableLineage TableLineage::Copy(const TableName& new_name, int* next_id) const {
  TableLineage l = *this;
  l.name = new_name;
  l.loaded_as.clear();
  for (LineageColumn& c : l.columns) c.id = (*next_id)++;
  return l;
}

void TableLineage::AdoptByName(const std::vector<Column>& recorded, int* next_id) {
  std::vector<LineageColumn> adopted;
  for (const Column& c : recorded) {
    LineageColumn col;
    const int i = Find(c.name);
    if (i >= 0) col = columns[static_cast<size_t>(i)];  // its id and how it was added
    col.id = i >= 0 ? columns[static_cast<size_t>(i)].id : (*next_id)++;
    col.from_statement = false;
    col.name = c.name;
    col.type = c.type;
    col.nullable = c.nullable;
    adopted.push_back(std::move(col));
  }
  columns = std::move(adopted);
  std::erase_if(key, [&](const std::string& k) { return Find(k) < 0; });
}

int TableLineage::Find(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (SameColumnName(columns[i].name, column)) return static_cast<int>(i);
  }
  return -1;
}

Status TableLineage::Alter(const std::vector<AlterAction>& actions, int* next_id) {
  TableLineage next = *this;
  int id = *next_id;
  auto missing = [](const std::string& c) { return Unsupported("there is no column " + c); };
  // Where a column goes: FIRST, AFTER c, or `keep` (an index; columns.size() appends).
  auto place = [&](const ColumnPlace& p, size_t keep) -> Result<size_t> {
    if (p.kind == ColumnPlace::Kind::kFirst) return size_t{0};
    if (p.kind == ColumnPlace::Kind::kKeep) return keep;
    const int after = next.Find(p.after);
    if (after < 0) return missing(p.after);
    return static_cast<size_t>(after) + 1;
  };
  for (const AlterAction& a : actions) {
    auto& cols = next.columns;
    switch (a.kind) {
      case AlterAction::Kind::kAddColumn: {
        if (next.Find(a.def.name) >= 0) {
          if (a.if_exists) break;  // ADD IF NOT EXISTS
          return Unsupported("column " + a.def.name + " is already there");
        }
        ASSIGN_OR_RETURN(size_t at, place(a.place, cols.size()));
        LineageColumn column;
        column.name = a.def.name;
        column.type = a.def.type;
        column.nullable = a.def.nullable;
        column.id = id++;
        column.from_statement = true;
        column.added = true;
        column.added_default = a.def.default_value;
        column.added_type = a.def.type;
        column.added_nullable = a.def.nullable;
        cols.insert(cols.begin() + static_cast<std::ptrdiff_t>(at), std::move(column));
        if (a.def.primary_key) next.key = {a.def.name};
        break;
      }
      case AlterAction::Kind::kDropColumn: {
        const int i = next.Find(a.column);
        if (i < 0) {
          if (a.if_exists) break;
          return missing(a.column);
        }
        std::erase_if(next.key, [&](const std::string& k) { return SameColumnName(k, a.column); });
        cols.erase(cols.begin() + i);
        break;
      }
      case AlterAction::Kind::kRenameColumn: {
        const int i = next.Find(a.column);
        if (i < 0) return missing(a.column);
        const int clash = next.Find(a.new_name);
        if (clash >= 0 && clash != i)
          return Unsupported("column " + a.new_name + " is already there");
        RenameInKey(&next.key, a.column, a.new_name);
        cols[static_cast<size_t>(i)].name = a.new_name;
        break;
      }
      case AlterAction::Kind::kChangeColumn: {
        const int i = next.Find(a.column);
        if (i < 0) {
          if (a.if_exists) break;
          return missing(a.column);
        }
        const int clash = next.Find(a.def.name);
        if (clash >= 0 && clash != i)
          return Unsupported("column " + a.def.name + " is already there");
        LineageColumn c = cols[static_cast<size_t>(i)];
        c.name = a.def.name;
        c.type = a.def.type;
        c.nullable = a.def.nullable;
        c.from_statement = true;
        RenameInKey(&next.key, a.column, a.def.name);
        cols.erase(cols.begin() + i);
        ASSIGN_OR_RETURN(size_t at, place(a.place, static_cast<size_t>(i)));
        cols.insert(cols.begin() + static_cast<std::ptrdiff_t>(at), std::move(c));
        if (a.def.primary_key) next.key = {a.def.name};
        break;
      }
      case AlterAction::Kind::kAddPrimaryKey: {
        std::vector<std::string> key;
        for (const std::string& k : a.key) {
          const int i = next.Find(k);
          if (i < 0) return missing(k);
          key.push_back(cols[static_cast<size_t>(i)].name);
        }
        next.key = std::move(key);
        break;
      }
      case AlterAction::Kind::kDropPrimaryKey:
        next.key.clear();
        break;
      case AlterAction::Kind::kRenameTable:
        break;
    }
  }
  *this = std::move(next);
  *next_id = id;
  return Status::Ok();
}

bool TableLineage::Matches(const std::vector<Column>& recorded) const {
  if (recorded.size() != columns.size()) return false;
  bool unnamed = true;
  for (const Column& c : recorded) unnamed = unnamed && c.name.starts_with("@");
  if (unnamed) return true;
  for (size_t i = 0; i < recorded.size(); ++i) {
    if (!SameColumnName(recorded[i].name, columns[i].name)) return false;
  }
  return true;
}

void TableLineage::Confirm(const std::vector<Column>& recorded) {
  for (size_t i = 0; i < recorded.size() && i < columns.size(); ++i) {
    LineageColumn& c = columns[i];
    if (!recorded[i].name.starts_with("@") && recorded[i].name != c.name) {
      RenameInKey(&key, c.name, recorded[i].name);
      c.name = recorded[i].name;
    }
    if (c.from_statement || !c.type) {
      c.type = recorded[i].type;
      c.from_statement = false;
    }
  }
}

std::vector<int> TableLineage::Ids() const {
  std::vector<int> ids;
  for (const LineageColumn& c : columns) ids.push_back(c.id);
  return ids;
}

std::string TableLineage::Names() const {
  std::string out;
  for (const LineageColumn& c : columns) out += (out.empty() ? "" : ", ") + c.name;
  return out;
}

TableSchema TableLineage::Schema() const {
  TableSchema s;
  s.schema = name.schema;
  s.table = name.table;
  for (const LineageColumn& c : columns) {
    Column col;
    col.name = c.name;
    if (c.type) col.type = *c.type;
    col.nullable = c.nullable;
    s.columns.push_back(std::move(col));
  }
  for (const std::string& k : key) {
    const int i = Find(k);
    if (i >= 0) s.primary_key.push_back(i);
  }
  return s;
}

const LineageColumn* TableLineage::UnknownType() const {
  for (const LineageColumn& c : columns) {
    if (!c.type) return &c;
  }
  return nullptr;
}

}  // namespace binlake
