// ParseDdlTarget: which table a DDL statement from a binlog QUERY event changes, for schema
// tracking and DDL statistics. Recognizes CREATE/ALTER/DROP/TRUNCATE/RENAME TABLE (first table
// named), with optional `schema.` qualifiers, backticks, IF [NOT] EXISTS, TEMPORARY (ignored:
// temporary tables are not replicated) and leading comments. BEGIN/COMMIT and DML are not DDL.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace binlake {

struct DdlTarget {
  std::string kind;  // "CREATE", "ALTER", "DROP", "TRUNCATE", "RENAME"
  std::string schema;
  std::string table;
};

// `default_schema` is the QUERY event's current database.
std::optional<DdlTarget> ParseDdlTarget(std::string_view statement,
                                        std::string_view default_schema);

}  // namespace binlake
