#include "source/chunk_planner.h"

#include <charconv>

#include "common/render_text.h"
#include "source/text_value.h"

namespace binlake {
namespace {

// (c1 > v1) OR (c1 = v1 AND c2 > v2) ... with the last comparison `last_op`.
std::string Lexicographic(const std::vector<std::string>& cols,
                          const std::vector<std::string>& vals, const std::string& strict_op,
                          const std::string& last_op) {
  std::string out = "(";
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i) out += " OR ";
    out += "(";
    for (size_t j = 0; j < i; ++j) out += cols[j] + " = " + vals[j] + " AND ";
    out += cols[i] + " " + (i + 1 == cols.size() ? last_op : strict_op) + " " + vals[i];
    out += ")";
  }
  return out + ")";
}

bool IsNumeric(const ColumnType& t) {
  return t.IsInteger() || t.type == SqlType::kDecimal || t.type == SqlType::kFloat ||
         t.type == SqlType::kDouble || t.type == SqlType::kYear;
}

std::string Literal(MysqlConnection& conn, const ColumnType& t, std::string_view raw) {
  if (IsNumeric(t)) return std::string(raw);
  if (t.IsBinary() || t.collation_id == kBinaryCollationId || t.type == SqlType::kBit) {
    std::string hex = "X'";
    AppendHex(raw, &hex);
    return hex + "'";
  }
  return "'" + conn.Escape(raw) + "'";
}

}  // namespace

std::string KeyRangePredicate(const std::vector<std::string>& key_columns,
                              const std::vector<std::string>& lower,
                              const std::vector<std::string>& upper) {
  std::string out;
  if (!lower.empty()) out = Lexicographic(key_columns, lower, ">", ">=");
  if (!upper.empty()) {
    if (!out.empty()) out += " AND ";
    out += Lexicographic(key_columns, upper, "<", "<");
  }
  return out;
}

std::string ChunkQuery(const TableSchema& table, const Chunk& chunk) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (i) sql += ", ";
    sql += SnapshotSelectExpression(table.columns[i]);
  }
  sql += " FROM " + QuoteIdentifier(table.schema) + "." + QuoteIdentifier(table.table);
  if (!chunk.where.empty()) sql += " WHERE " + chunk.where;
  return sql;
}

Result<std::vector<Chunk>> PlanChunks(MysqlConnection& conn, const TableSchema& table,
                                      uint64_t estimated_rows, uint64_t rows_per_chunk) {
  std::vector<Chunk> chunks;
  if (table.primary_key.empty() || rows_per_chunk == 0 || estimated_rows <= rows_per_chunk) {
    chunks.push_back(Chunk{0, ""});
    return chunks;
  }
  std::vector<std::string> key_cols;
  for (int c : table.primary_key) key_cols.push_back(QuoteIdentifier(table.columns[c].name));
  std::string from = " FROM " + QuoteIdentifier(table.schema) + "." + QuoteIdentifier(table.table);

  const ColumnType& first = table.columns[table.primary_key[0]].type;
  if (table.primary_key.size() == 1 && first.IsInteger()) {
    ASSIGN_OR_RETURN(auto rows, conn.QueryRows("SELECT MIN(" + key_cols[0] + "), MAX(" +
                                               key_cols[0] + ")" + from));
    if (rows.empty() || !rows[0][0] || !rows[0][1]) {
      chunks.push_back(Chunk{0, ""});
      return chunks;
    }
    // __int128 holds the whole signed and unsigned BIGINT range.
    auto parse = [](const std::string& s) {
      __int128 v = 0;
      bool neg = !s.empty() && s[0] == '-';
      for (size_t i = neg ? 1 : 0; i < s.size(); ++i) v = v * 10 + (s[i] - '0');
      return neg ? -v : v;
    };
    auto print = [](__int128 v) {
      if (v == 0) return std::string("0");
      bool neg = v < 0;
      std::string s;
      while (v != 0) {
        int d = static_cast<int>(v % 10);
        s.insert(s.begin(), static_cast<char>('0' + (d < 0 ? -d : d)));
        v /= 10;
      }
      return neg ? "-" + s : s;
    };
    __int128 lo = parse(*rows[0][0]);
    __int128 hi = parse(*rows[0][1]);
    __int128 n = static_cast<__int128>((estimated_rows + rows_per_chunk - 1) / rows_per_chunk);
    __int128 width = (hi - lo + 1 + n - 1) / n;
    if (width < 1) width = 1;
    int index = 0;
    for (__int128 start = lo; start <= hi; start += width, ++index) {
      std::vector<std::string> lower, upper;
      if (index > 0) lower = {print(start)};
      if (start + width <= hi) upper = {print(start + width)};
      chunks.push_back(Chunk{index, KeyRangePredicate(key_cols, lower, upper)});
    }
    return chunks;
  }

  // Keyset boundaries: every rows_per_chunk-th key in key order.
  std::string key_list;
  for (size_t i = 0; i < key_cols.size(); ++i) key_list += (i ? ", " : "") + key_cols[i];
  ASSIGN_OR_RETURN(auto stream, conn.Stream("SELECT " + key_list + from + " ORDER BY " + key_list));
  std::vector<std::vector<std::string>> boundaries;
  uint64_t n = 0;
  while (stream->Next()) {
    if (++n % rows_per_chunk != 0) continue;
    std::vector<std::string> b;
    for (size_t i = 0; i < key_cols.size(); ++i) {
      b.push_back(Literal(conn, table.columns[table.primary_key[i]].type, stream->field(i)));
    }
    boundaries.push_back(std::move(b));
  }
  RETURN_IF_ERROR(stream->status());
  stream.reset();
  for (size_t i = 0; i <= boundaries.size(); ++i) {
    std::vector<std::string> lower = i > 0 ? boundaries[i - 1] : std::vector<std::string>{};
    std::vector<std::string> upper =
        i < boundaries.size() ? boundaries[i] : std::vector<std::string>{};
    chunks.push_back(Chunk{static_cast<int>(i), KeyRangePredicate(key_cols, lower, upper)});
  }
  return chunks;
}

}  // namespace binlake
