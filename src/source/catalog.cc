#include "source/catalog.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <utility>

namespace binlake {
namespace {

uint64_t ToU64(const std::optional<std::string>& s) {
  if (!s) return 0;
  uint64_t v = 0;
  std::from_chars(s->data(), s->data() + s->size(), v);
  return v;
}

const std::map<std::string_view, SqlType>& TypeNames() {
  static const auto* kMap = new std::map<std::string_view, SqlType>{
      {"tinyint", SqlType::kTinyInt},
      {"smallint", SqlType::kSmallInt},
      {"mediumint", SqlType::kMediumInt},
      {"int", SqlType::kInt},
      {"integer", SqlType::kInt},
      {"bigint", SqlType::kBigInt},
      {"decimal", SqlType::kDecimal},
      {"numeric", SqlType::kDecimal},
      {"float", SqlType::kFloat},
      {"double", SqlType::kDouble},
      {"real", SqlType::kDouble},
      {"bit", SqlType::kBit},
      {"year", SqlType::kYear},
      {"date", SqlType::kDate},
      {"time", SqlType::kTime},
      {"datetime", SqlType::kDateTime},
      {"timestamp", SqlType::kTimestamp},
      {"char", SqlType::kChar},
      {"varchar", SqlType::kVarChar},
      {"tinytext", SqlType::kText},
      {"text", SqlType::kText},
      {"mediumtext", SqlType::kText},
      {"longtext", SqlType::kText},
      {"binary", SqlType::kBinary},
      {"varbinary", SqlType::kVarBinary},
      {"tinyblob", SqlType::kBlob},
      {"blob", SqlType::kBlob},
      {"mediumblob", SqlType::kBlob},
      {"longblob", SqlType::kBlob},
      {"enum", SqlType::kEnum},
      {"set", SqlType::kSet},
      {"json", SqlType::kJson},
      {"geometry", SqlType::kGeometry},
      {"point", SqlType::kGeometry},
      {"linestring", SqlType::kGeometry},
      {"polygon", SqlType::kGeometry},
      {"multipoint", SqlType::kGeometry},
      {"multilinestring", SqlType::kGeometry},
      {"multipolygon", SqlType::kGeometry},
      {"geometrycollection", SqlType::kGeometry},
      {"geomcollection", SqlType::kGeometry},
      {"vector", SqlType::kVector},
      // MariaDB's own types that travel as text in the full load.
      {"uuid", SqlType::kChar},
      {"inet6", SqlType::kChar},
      {"inet4", SqlType::kChar},
  };
  return *kMap;
}

}  // namespace

bool IsSystemSchema(std::string_view schema) {
  return schema == "mysql" || schema == "information_schema" || schema == "performance_schema" ||
         schema == "sys";
}

Result<std::vector<std::string>> ParseEnumLabels(std::string_view column_type) {
  size_t open = column_type.find('(');
  if (open == std::string_view::npos)
    return InvalidArgument("no labels in " + std::string(column_type));
  std::vector<std::string> labels;
  size_t i = open + 1;
  while (i < column_type.size()) {
    if (column_type[i] == ')') break;
    if (column_type[i] == ',') {
      ++i;
      continue;
    }
    if (column_type[i] != '\'') {
      return InvalidArgument("cannot parse labels of " + std::string(column_type));
    }
    ++i;
    std::string label;
    bool closed = false;
    while (i < column_type.size()) {
      char c = column_type[i];
      if (c == '\'' && i + 1 < column_type.size() && column_type[i + 1] == '\'') {
        label += '\'';
        i += 2;
      } else if (c == '\\' && i + 1 < column_type.size()) {
        label += column_type[i + 1];
        i += 2;
      } else if (c == '\'') {
        ++i;
        closed = true;
        break;
      } else {
        label += c;
        ++i;
      }
    }
    if (!closed) return InvalidArgument("unterminated label in " + std::string(column_type));
    labels.push_back(std::move(label));
  }
  return labels;
}

Result<ColumnType> ColumnTypeFromInformationSchema(
    std::string_view data_type, std::string_view column_type, uint64_t numeric_precision,
    uint64_t numeric_scale, uint64_t datetime_precision, uint64_t character_maximum_length,
    uint16_t collation_id, bool is_json) {
  auto it = TypeNames().find(data_type);
  if (it == TypeNames().end()) {
    return Unsupported("column type '" + std::string(column_type) + "' is not supported");
  }
  ColumnType t;
  t.type = is_json ? SqlType::kJson : it->second;
  t.is_unsigned = column_type.find("unsigned") != std::string_view::npos;
  t.collation_id = collation_id;
  switch (t.type) {
    case SqlType::kDecimal:
      t.precision = static_cast<uint8_t>(numeric_precision);
      t.scale = static_cast<uint8_t>(numeric_scale);
      break;
    case SqlType::kBit:
      t.length = static_cast<uint32_t>(numeric_precision);
      break;
    case SqlType::kTime:
    case SqlType::kDateTime:
    case SqlType::kTimestamp:
      t.fsp = static_cast<uint8_t>(std::min<uint64_t>(datetime_precision, 6));
      break;
    case SqlType::kEnum:
    case SqlType::kSet: {
      ASSIGN_OR_RETURN(t.elements, ParseEnumLabels(column_type));
      break;
    }
    case SqlType::kVector:
      // CHARACTER_MAXIMUM_LENGTH is in bytes for VECTOR(n): 4 bytes per dimension.
      t.length = static_cast<uint32_t>(character_maximum_length / 4);
      break;
    default:
      t.length = static_cast<uint32_t>(std::min<uint64_t>(character_maximum_length, UINT32_MAX));
      break;
  }
  if (t.type == SqlType::kBinary || t.type == SqlType::kVarBinary || t.type == SqlType::kBlob) {
    t.collation_id = kBinaryCollationId;
  }
  return t;
}

Result<std::vector<SourceTable>> ReadCatalog(MysqlConnection& conn) {
  static constexpr std::string_view kSystemFilter =
      "NOT IN ('mysql','information_schema','performance_schema','sys')";
  std::string tables_sql =
      "SELECT TABLE_SCHEMA, TABLE_NAME, IFNULL(TABLE_ROWS,0), IFNULL(DATA_LENGTH,0), "
      "IFNULL(ENGINE,'') FROM information_schema.TABLES WHERE TABLE_TYPE='BASE TABLE' AND "
      "TABLE_SCHEMA " +
      std::string(kSystemFilter) + " ORDER BY TABLE_SCHEMA, TABLE_NAME";
  ASSIGN_OR_RETURN(auto table_rows, conn.QueryRows(tables_sql));
  std::vector<SourceTable> tables;
  std::map<std::pair<std::string, std::string>, size_t> index;
  for (auto& r : table_rows) {
    SourceTable t;
    t.schema.schema = r[0].value_or("");
    t.schema.table = r[1].value_or("");
    t.estimated_rows = ToU64(r[2]);
    t.data_bytes = ToU64(r[3]);
    t.engine = r[4].value_or("");
    index[{t.schema.schema, t.schema.table}] = tables.size();
    tables.push_back(std::move(t));
  }

  // MariaDB's JSON is LONGTEXT with a CHECK (json_valid(`col`)) constraint.
  std::set<std::tuple<std::string, std::string, std::string>> json_columns;
  if (conn.is_mariadb()) {
    auto checks = conn.QueryRows(
        "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CHECK_CLAUSE FROM "
        "information_schema.CHECK_CONSTRAINTS WHERE CHECK_CLAUSE LIKE 'json_valid(%'");
    if (checks.ok()) {
      for (auto& r : *checks) {
        std::string clause = r[2].value_or("");
        size_t a = clause.find('`');
        size_t b = clause.rfind('`');
        if (a != std::string::npos && b > a && clause.size() == b + 2) {
          json_columns.insert(
              {r[0].value_or(""), r[1].value_or(""), clause.substr(a + 1, b - a - 1)});
        }
      }
    }
  }

  std::string columns_sql =
      "SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, LOWER(c.DATA_TYPE), c.COLUMN_TYPE, "
      "c.IS_NULLABLE, IFNULL(c.NUMERIC_PRECISION,0), IFNULL(c.NUMERIC_SCALE,0), "
      "IFNULL(c.DATETIME_PRECISION,0), IFNULL(c.CHARACTER_MAXIMUM_LENGTH,0), IFNULL(co.ID,0) "
      "FROM information_schema.COLUMNS c LEFT JOIN information_schema.COLLATIONS co "
      "ON co.COLLATION_NAME = c.COLLATION_NAME WHERE c.TABLE_SCHEMA " +
      std::string(kSystemFilter) + " ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION";
  ASSIGN_OR_RETURN(auto column_rows, conn.QueryRows(columns_sql));
  for (auto& r : column_rows) {
    auto it = index.find({r[0].value_or(""), r[1].value_or("")});
    if (it == index.end()) continue;  // a view's columns
    SourceTable& t = tables[it->second];
    Column col;
    col.name = r[2].value_or("");
    bool is_json = json_columns.count({t.schema.schema, t.schema.table, col.name}) > 0;
    auto type = ColumnTypeFromInformationSchema(r[3].value_or(""), r[4].value_or(""), ToU64(r[6]),
                                                ToU64(r[7]), ToU64(r[8]), ToU64(r[9]),
                                                static_cast<uint16_t>(ToU64(r[10])), is_json);
    if (!type.ok()) {
      return type.status().WithContext(t.schema.schema + "." + t.schema.table + "." + col.name);
    }
    col.type = std::move(type).value();
    col.nullable = r[5].value_or("YES") == "YES";
    t.schema.columns.push_back(std::move(col));
  }

  ASSIGN_OR_RETURN(auto pk_rows,
                   conn.QueryRows("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM "
                                  "information_schema.STATISTICS WHERE INDEX_NAME='PRIMARY' AND "
                                  "TABLE_SCHEMA " +
                                  std::string(kSystemFilter) +
                                  " ORDER BY TABLE_SCHEMA, TABLE_NAME, SEQ_IN_INDEX"));
  for (auto& r : pk_rows) {
    auto it = index.find({r[0].value_or(""), r[1].value_or("")});
    if (it == index.end()) continue;
    SourceTable& t = tables[it->second];
    int col = t.schema.FindColumn(r[2].value_or(""));
    if (col >= 0) t.schema.primary_key.push_back(col);
  }
  return tables;
}

}  // namespace binlake
