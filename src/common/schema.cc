#include "common/schema.h"

namespace binlake {

std::string_view SqlTypeName(SqlType type) {
  switch (type) {
    case SqlType::kTinyInt:
      return "tinyint";
    case SqlType::kSmallInt:
      return "smallint";
    case SqlType::kMediumInt:
      return "mediumint";
    case SqlType::kInt:
      return "int";
    case SqlType::kBigInt:
      return "bigint";
    case SqlType::kDecimal:
      return "decimal";
    case SqlType::kFloat:
      return "float";
    case SqlType::kDouble:
      return "double";
    case SqlType::kBit:
      return "bit";
    case SqlType::kYear:
      return "year";
    case SqlType::kDate:
      return "date";
    case SqlType::kTime:
      return "time";
    case SqlType::kDateTime:
      return "datetime";
    case SqlType::kTimestamp:
      return "timestamp";
    case SqlType::kChar:
      return "char";
    case SqlType::kVarChar:
      return "varchar";
    case SqlType::kText:
      return "text";
    case SqlType::kBinary:
      return "binary";
    case SqlType::kVarBinary:
      return "varbinary";
    case SqlType::kBlob:
      return "blob";
    case SqlType::kEnum:
      return "enum";
    case SqlType::kSet:
      return "set";
    case SqlType::kJson:
      return "json";
    case SqlType::kGeometry:
      return "geometry";
    case SqlType::kVector:
      return "vector";
    case SqlType::kNull:
      return "null";
  }
  return "unknown";
}

bool SameColumns(const TableSchema& a, const TableSchema& b) {
  if (a.columns.size() != b.columns.size()) return false;
  for (size_t i = 0; i < a.columns.size(); ++i) {
    const Column& x = a.columns[i];
    const Column& y = b.columns[i];
    if (x.name != y.name || x.type.type != y.type.type ||
        x.type.is_unsigned != y.type.is_unsigned || x.type.precision != y.type.precision ||
        x.type.scale != y.type.scale || x.type.fsp != y.type.fsp ||
        x.type.length != y.type.length || x.type.collation_id != y.type.collation_id ||
        x.type.elements != y.type.elements) {
      return false;
    }
  }
  return true;
}

}  // namespace binlake
