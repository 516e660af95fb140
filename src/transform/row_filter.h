// Turns the source filters of DMS selection rules (transform/table_mappings.h) into a SQL
// predicate for the snapshot query: AND across the filters of one rule, OR across the
// conditions of one filter (DMS's definition), OR across several rules selecting the table.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "transform/table_mappings.h"

namespace binlake {

// `quote_literal` turns a value into a SQL string literal (with the connection's escaping).
// Returns "" when no rule has filters.
std::string RowFilterPredicate(const std::vector<const SelectionRule*>& rules,
                               const std::function<std::string(std::string_view)>& quote_literal);

}  // namespace binlake
