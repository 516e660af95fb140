#include "transform/cdc_row_filter.h"

#include <mysql.h>

#include <cstdlib>
#include <optional>
#include <string_view>

#include "common/decimal_text.h"
#include "source/text_value.h"

namespace binlake {
namespace {

using Literal = CdcRowFilter::Literal;
using Compare = CdcRowFilter::Compare;

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::string_view TrimTrailingSpaces(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// "[+-]digits[.digits]" -> "-123.45" with no leading zeros in the integer part (but "0") and
// no trailing zeros in the fraction; "0" for any zero. nullopt if not a decimal number.
std::optional<std::string> NormalizeDecimal(std::string_view s) {
  std::optional<DecimalTextParts> parts = SplitDecimalText(TrimSpaces(s));
  if (!parts) return std::nullopt;
  const bool negative = parts->negative;
  std::string_view whole = parts->whole, fraction = parts->fraction;
  while (!whole.empty() && whole.front() == '0') whole.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  if (whole.empty() && fraction.empty()) return std::string("0");
  std::string out = negative ? "-" : "";
  out += whole.empty() ? "0" : std::string(whole);
  if (!fraction.empty()) out += "." + std::string(fraction);
  return out;
}

// Three-way comparison of two NormalizeDecimal results.
int CompareDecimal(std::string_view a, std::string_view b) {
  const bool na = !a.empty() && a.front() == '-', nb = !b.empty() && b.front() == '-';
  if (na != nb) return na ? -1 : 1;
  if (na) {
    a.remove_prefix(1);
    b.remove_prefix(1);
  }
  auto split = [](std::string_view s) {
    size_t dot = s.find('.');
    return dot == std::string_view::npos
               ? std::pair<std::string_view, std::string_view>{s, {}}
               : std::pair<std::string_view, std::string_view>{s.substr(0, dot), s.substr(dot + 1)};
  };
  auto [wa, fa] = split(a);
  auto [wb, fb] = split(b);
  int c = wa.size() != wb.size() ? (wa.size() < wb.size() ? -1 : 1) : wa.compare(wb);
  if (c == 0) c = fa.compare(fb);  // no trailing zeros: plain string order is numeric order
  c = c < 0 ? -1 : (c > 0 ? 1 : 0);
  return na ? -c : c;
}

// A literal 'YYYY-MM-DD[ HH:MM:SS[.ffffff]]' (source/text_value.h) with fields in range.
bool ParseDateTimeLiteral(std::string_view s, DateTimeParts* out) {
  return ParseDateTimeText(TrimSpaces(s), out) && out->month <= 12 && out->day <= 31 &&
         out->hour <= 23 && out->minute <= 59 && out->second <= 59;
}

// A literal '[-]H:MM:SS[.ffffff]' (source/text_value.h) with fields in range.
bool ParseTimeLiteral(std::string_view s, TimeParts* out) {
  return ParseTimeText(TrimSpaces(s), out) && out->minute <= 59 && out->second <= 59;
}

int64_t TimeMicros(const TimeParts& t) {
  int64_t v = ((int64_t{t.hours} * 60 + t.minute) * 60 + t.second) * 1'000'000 + t.micros;
  return t.negative ? -v : v;
}

int CompareParts(const DateTimeParts& a, const DateTimeParts& b) {
  auto key = [](const DateTimeParts& p) {
    return std::tuple(p.year, p.month, p.day, p.hour, p.minute, p.second, p.micros);
  };
  return key(a) < key(b) ? -1 : (key(b) < key(a) ? 1 : 0);
}

std::string FoldAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// True for collations that compare letters case-sensitively: binary, *_bin, *_cs.
bool CaseSensitiveCollation(uint16_t id) {
  if (id == kBinaryCollationId) return true;
  const MARIADB_CHARSET_INFO* cs = id ? mariadb_get_charset_by_nr(id) : nullptr;
  if (!cs || !cs->name) return false;  // unknown: the servers' defaults are case-insensitive
  std::string_view name = cs->name;
  return name.ends_with("_bin") || name.ends_with("_cs");
}

Compare CompareClassOf(const ColumnType& t) {
  if (t.IsInteger() || t.type == SqlType::kDecimal || t.type == SqlType::kYear ||
      t.type == SqlType::kBit) {
    return Compare::kNumeric;
  }
  switch (t.type) {
    case SqlType::kFloat:
    case SqlType::kDouble:
      return Compare::kFloat;
    case SqlType::kDate:
    case SqlType::kDateTime:
    case SqlType::kTimestamp:
      return Compare::kDateTime;
    case SqlType::kTime:
      return Compare::kTime;
    case SqlType::kChar:
    case SqlType::kVarChar:
    case SqlType::kText:
    case SqlType::kEnum:
    case SqlType::kSet:
      return CaseSensitiveCollation(t.collation_id) ? Compare::kText : Compare::kTextCi;
    default:
      return Compare::kBytes;
  }
}

std::optional<Literal> ParseLiteral(std::string_view s, Compare compare) {
  Literal lit;
  switch (compare) {
    case Compare::kNumeric: {
      auto d = NormalizeDecimal(s);
      if (!d) return std::nullopt;
      lit.text = *d;
      return lit;
    }
    case Compare::kFloat: {
      std::string copy(TrimSpaces(s));
      char* end = nullptr;
      lit.number = std::strtod(copy.c_str(), &end);
      if (copy.empty() || end != copy.c_str() + copy.size()) return std::nullopt;
      return lit;
    }
    case Compare::kDateTime:
      if (!ParseDateTimeLiteral(s, &lit.parts)) return std::nullopt;
      return lit;
    case Compare::kTime: {
      TimeParts t;
      if (!ParseTimeLiteral(s, &t)) return std::nullopt;
      lit.micros = TimeMicros(t);
      return lit;
    }
    case Compare::kText:
      lit.text = TrimTrailingSpaces(s);
      return lit;
    case Compare::kTextCi:
      lit.text = FoldAscii(TrimTrailingSpaces(s));
      return lit;
    case Compare::kBytes:
      lit.text = s;
      return lit;
  }
  return std::nullopt;
}

// The value as the text its column compares by (ENUM/SET labels, folded when case-insensitive).
std::string TextOf(const Value& v, const ColumnType& type, bool fold) {
  std::string text;
  if (v.kind() == Value::Kind::kEnumIndex) {
    uint64_t i = v.uint_value();
    if (i >= 1 && i <= type.elements.size()) text = type.elements[i - 1];
  } else if (v.kind() == Value::Kind::kSetBits) {
    for (size_t i = 0; i < type.elements.size() && i < 64; ++i) {
      if (v.uint_value() >> i & 1) text += (text.empty() ? "" : ",") + type.elements[i];
    }
  } else {
    text = v.text();
  }
  text.resize(TrimTrailingSpaces(text).size());
  return fold ? FoldAscii(text) : text;
}

// A non-NULL value in the form of a literal of its column's class, so that one conversion
// serves every condition of a filter; nullopt when the value's kind does not fit the class
// (never for values the decoder makes for that type).
std::optional<Literal> ValueAsLiteral(const Value& v, const ColumnType& type, Compare compare) {
  Literal out;
  switch (compare) {
    case Compare::kNumeric: {
      std::optional<std::string> d;
      switch (v.kind()) {
        case Value::Kind::kInt:
          d = std::to_string(v.int_value());
          break;
        case Value::Kind::kUInt:
        case Value::Kind::kBit:
          d = std::to_string(v.uint_value());
          break;
        case Value::Kind::kDecimal:
          d = NormalizeDecimal(v.text());
          break;
        default:
          break;
      }
      if (!d) return std::nullopt;
      out.text = std::move(*d);
      return out;
    }
    case Compare::kFloat:
      if (v.kind() == Value::Kind::kFloat)
        out.number = v.float_value();
      else if (v.kind() == Value::Kind::kDouble)
        out.number = v.double_value();
      else
        return std::nullopt;
      return out;
    case Compare::kDateTime:
      if (v.kind() != Value::Kind::kDate && v.kind() != Value::Kind::kDateTime &&
          v.kind() != Value::Kind::kTimestamp) {
        return std::nullopt;
      }
      out.parts = v.datetime();
      return out;
    case Compare::kTime:
      if (v.kind() != Value::Kind::kTime) return std::nullopt;
      out.micros = TimeMicros(v.time());
      return out;
    case Compare::kText:
    case Compare::kTextCi:
    case Compare::kBytes:
      if (!v.HasText() && v.kind() != Value::Kind::kEnumIndex &&
          v.kind() != Value::Kind::kSetBits) {
        return std::nullopt;
      }
      out.text = compare == Compare::kBytes ? std::string(v.text())
                                            : TextOf(v, type, compare == Compare::kTextCi);
      return out;
  }
  return std::nullopt;
}

// Three-way comparison of two literals of one class.
int CompareLiterals(const Literal& a, const Literal& b, Compare compare) {
  auto sign = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  switch (compare) {
    case Compare::kNumeric:
      return CompareDecimal(a.text, b.text);
    case Compare::kFloat:
      return sign(a.number, b.number);
    case Compare::kDateTime:
      return CompareParts(a.parts, b.parts);
    case Compare::kTime:
      return sign(a.micros, b.micros);
    default: {
      int c = a.text.compare(b.text);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
  }
}

}  // namespace

Result<CdcRowFilter> CdcRowFilter::Compile(const std::vector<const SelectionRule*>& rules,
                                           const TableSchema& schema) {
  CdcRowFilter out;
  const std::string table = schema.schema + "." + schema.table;
  for (const SelectionRule* rule : rules) {
    if (rule->filters.empty()) return CdcRowFilter();  // this rule selects every row
    Rule compiled;
    for (const SourceFilter& f : rule->filters) {
      if (f.conditions.empty()) continue;
      int col = schema.FindColumn(f.column_name);
      for (size_t i = 0; col < 0 && i < schema.columns.size(); ++i) {
        // MySQL column names are case-insensitive, as in the full load's SQL predicate.
        if (FoldAscii(schema.columns[i].name) == FoldAscii(f.column_name))
          col = static_cast<int>(i);
      }
      if (col < 0) {
        return InvalidArgument("table-mappings rule " + rule->rule_id + " filters " + table +
                               " on column '" + f.column_name + "', which the binlog's columns (" +
                               std::to_string(schema.columns.size()) +
                               ") do not name: the table changed, or the server does not write "
                               "column names (binlog_row_metadata=FULL)");
      }
      Filter filter;
      filter.column = static_cast<size_t>(col);
      filter.type = schema.columns[col].type;
      filter.compare = CompareClassOf(filter.type);
      for (const FilterCondition& c : f.conditions) {
        Condition cond;
        cond.op = c.op;
        auto parse = [&](const std::string& text, Literal* lit) -> Status {
          std::optional<Literal> parsed = ParseLiteral(text, filter.compare);
          if (!parsed) {
            return InvalidArgument("table-mappings rule " + rule->rule_id + ": filter value '" +
                                   text + "' is not a valid " +
                                   std::string(SqlTypeName(filter.type.type)) + " for " + table +
                                   "." + f.column_name);
          }
          *lit = std::move(*parsed);
          return Status::Ok();
        };
        switch (c.op) {
          case FilterOperator::kBetween:
          case FilterOperator::kNotBetween:
            RETURN_IF_ERROR(parse(c.start_value, &cond.a));
            RETURN_IF_ERROR(parse(c.end_value, &cond.b));
            break;
          case FilterOperator::kNull:
          case FilterOperator::kNotNull:
            break;
          default:
            RETURN_IF_ERROR(parse(c.value, &cond.a));
        }
        filter.any.push_back(std::move(cond));
      }
      compiled.all.push_back(std::move(filter));
    }
    if (compiled.all.empty()) return CdcRowFilter();  // only empty filters: every row
    out.rules_.push_back(std::move(compiled));
  }
  return out;
}

bool CdcRowFilter::FilterPasses(const Filter& f, std::span<const Value> values,
                                std::span<const uint8_t> present) const {
  if (f.column >= values.size()) return true;
  if (!present.empty() && (f.column >= present.size() || !present[f.column])) return true;
  const Value& v = values[f.column];
  std::optional<Literal> value;  // converted at the first comparison, for all of them
  for (const Condition& c : f.any) {
    if (c.op == FilterOperator::kNull) {
      if (v.is_null()) return true;
      continue;
    }
    if (c.op == FilterOperator::kNotNull) {
      if (!v.is_null()) return true;
      continue;
    }
    if (v.is_null()) continue;  // a comparison with NULL is never true
    if (!value) {
      value = ValueAsLiteral(v, f.type, f.compare);
      if (!value) return true;  // a value the filter cannot judge passes rather than vanishing
    }
    const int a = CompareLiterals(*value, c.a, f.compare);
    bool holds = false;
    switch (c.op) {
      case FilterOperator::kLte:
        holds = a <= 0;
        break;
      case FilterOperator::kGte:
        holds = a >= 0;
        break;
      case FilterOperator::kEq:
        holds = a == 0;
        break;
      case FilterOperator::kNotEq:
        holds = a != 0;
        break;
      case FilterOperator::kBetween:
      case FilterOperator::kNotBetween: {
        bool between = a >= 0 && CompareLiterals(*value, c.b, f.compare) <= 0;
        holds = c.op == FilterOperator::kBetween ? between : !between;
        break;
      }
      default:
        break;
    }
    if (holds) return true;
  }
  return false;
}

bool CdcRowFilter::Passes(std::span<const Value> values, std::span<const uint8_t> present) const {
  if (rules_.empty()) return true;
  for (const Rule& rule : rules_) {
    bool all = true;
    for (const Filter& f : rule.all) {
      if (!FilterPasses(f, values, present)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

}  // namespace binlake
