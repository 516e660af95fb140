#include "materialize/training_layout.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace binlake {
namespace {

bool IsNumeric(const ColumnType& type) {
  return type.IsInteger() || type.type == SqlType::kDecimal || type.type == SqlType::kFloat ||
         type.type == SqlType::kDouble || type.type == SqlType::kYear;
}

}  // namespace

std::string TrainingFileFormat(TrainingLayout::Format format) {
  return format == TrainingLayout::Format::kCsv ? "training-csv" : "training-recordio-protobuf";
}

const char* TrainingFileExtension(TrainingLayout::Format format) {
  return format == TrainingLayout::Format::kCsv ? "csv" : "recordio";
}

std::vector<std::string> TrainingColumns::Names(const TableSchema& table) const {
  std::vector<std::string> names = {table.columns[label].name};
  for (int f : features) names.push_back(table.columns[f].name);
  return names;
}

Result<TrainingColumns> ResolveTrainingColumns(const TableSchema& table,
                                               const TrainingLayout& layout) {
  const std::string where = "table " + table.schema + "." + table.table;
  auto find = [&](const std::string& name, const char* role) -> Result<int> {
    const int i = table.FindColumn(name);
    if (i < 0) {
      return InvalidArgument(where + " has no column '" + name + "' (the " + role + ")");
    }
    return i;
  };
  TrainingColumns columns;
  ASSIGN_OR_RETURN(columns.label, find(layout.label, "--label"));
  if (!layout.features.empty()) {
    std::set<int> seen = {columns.label};
    for (const std::string& name : layout.features) {
      ASSIGN_OR_RETURN(int i, find(name, "feature"));
      if (!seen.insert(i).second) {
        return InvalidArgument(where + ": column '" + name +
                               "' is named twice among the label and the features");
      }
      columns.features.push_back(i);
    }
  } else {
    std::set<int> dropped;
    for (const std::string& name : layout.drop) {
      ASSIGN_OR_RETURN(int i, find(name, "--drop column"));
      dropped.insert(i);
    }
    for (int i = 0; i < static_cast<int>(table.columns.size()); ++i) {
      if (i != columns.label && !dropped.count(i)) columns.features.push_back(i);
    }
  }
  if (columns.features.empty()) return InvalidArgument(where + ": no feature column is left");
  if (layout.format == TrainingLayout::Format::kRecordIoProtobuf) {
    std::vector<int> chosen = columns.features;
    chosen.insert(chosen.begin(), columns.label);
    for (int i : chosen) {
      const Column& c = table.columns[i];
      if (!IsNumeric(c.type)) {
        return InvalidArgument(where + ": column '" + c.name + "' is " +
                               std::string(SqlTypeName(c.type.type)) +
                               ": recordio-protobuf holds numbers only (leave it out with --drop "
                               "or --features, or use --training-format csv)");
      }
    }
    if (layout.null_as) {
      float v;
      const std::string& s = *layout.null_as;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || end != s.data() + s.size()) {
        return InvalidArgument("--null-as '" + s + "' is not a number (recordio-protobuf)");
      }
    }
  }
  return columns;
}

}  // namespace binlake
