#include "fullload/parallel_load.h"

#include <regex>
#include <string>

namespace binlake {
namespace {

// A boundary value as an SQL literal: a number as it is, anything else quoted.
std::string Literal(MysqlConnection& conn, const std::string& value) {
  static const std::regex kNumber(R"(-?[0-9]+(\.[0-9]+)?)");
  if (std::regex_match(value, kNumber)) return value;
  return "'" + conn.Escape(value) + "'";
}

std::string Row(const std::vector<std::string>& literals) {
  std::string out = "(";
  for (size_t i = 0; i < literals.size(); ++i) out += (i ? ", " : "") + literals[i];
  return out + ")";
}

}  // namespace

Result<std::vector<Chunk>> ParallelLoadChunks(MysqlConnection& conn, const TableSchema& table,
                                              const ParallelLoad& load) {
  std::vector<Chunk> chunks;
  if (load.type == ParallelLoad::Type::kNone) {
    chunks.push_back(Chunk{0, ""});
    return chunks;
  }
  const std::string where = "table-mappings rule " + load.rule_id + ": parallel-load of " +
                            table.schema + "." + table.table + ": ";
  std::vector<std::string> columns;
  for (const std::string& c : load.columns) {
    if (table.FindColumn(c) < 0) return InvalidArgument(where + "no column '" + c + "'");
    columns.push_back(QuoteIdentifier(c));
  }
  std::vector<std::vector<std::string>> bounds;
  for (const auto& b : load.boundaries) {
    std::vector<std::string> literals;
    for (const std::string& v : b) literals.push_back(Literal(conn, v));
    bounds.push_back(std::move(literals));
  }
  if (bounds.size() > 1) {
    std::string ascending = "SELECT ";
    for (size_t i = 1; i < bounds.size(); ++i) {
      ascending += (i > 1 ? " AND " : "") + Row(bounds[i - 1]) + " < " + Row(bounds[i]);
    }
    ASSIGN_OR_RETURN(std::optional<std::string> ok, conn.QueryValue(ascending));
    if (!ok || *ok != "1") {
      return InvalidArgument(where + "the boundaries are not in ascending order");
    }
  }
  for (size_t i = 0; i <= bounds.size(); ++i) {
    const std::vector<std::string> lower = i == 0 ? std::vector<std::string>{} : bounds[i - 1];
    const std::vector<std::string> upper =
        i == bounds.size() ? std::vector<std::string>{} : bounds[i];
    chunks.push_back(Chunk{static_cast<int>(i), KeyRangePredicate(columns, lower, upper)});
  }
  return chunks;
}

}  // namespace binlake
