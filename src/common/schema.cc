#include "common/schema.h"

namespace binlake {

std::string_view SqlTypeName(SqlType type) {
  switch (type) {
    case SqlType::kTinyInt: return "tinyint";
    case SqlType::kSmallInt: return "smallint";
    case SqlType::kMediumInt: return "mediumint";
    case SqlType::kInt: return "int";
    case SqlType::kBigInt: return "bigint";
    case SqlType::kDecimal: return "decimal";
    case SqlType::kFloat: return "float";
    case SqlType::kDouble: return "double";
    case SqlType::kBit: return "bit";
    case SqlType::kYear: return "year";
    case SqlType::kDate: return "date";
    case SqlType::kTime: return "time";
    case SqlType::kDateTime: return "datetime";
    case SqlType::kTimestamp: return "timestamp";
    case SqlType::kChar: return "char";
    case SqlType::kVarChar: return "varchar";
    case SqlType::kText: return "text";
    case SqlType::kBinary: return "binary";
    case SqlType::kVarBinary: return "varbinary";
    case SqlType::kBlob: return "blob";
    case SqlType::kEnum: return "enum";
    case SqlType::kSet: return "set";
    case SqlType::kJson: return "json";
    case SqlType::kGeometry: return "geometry";
    case SqlType::kVector: return "vector";
    case SqlType::kNull: return "null";
  }
  return "unknown";
}

}  // namespace binlake
