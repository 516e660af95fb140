#include "task/cdc_row_filter.h"

#include <mysql.h>

#include <charconv>
#include <cstdlib>
#include <optional>
#include <string_view>

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

bool IsDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "[+-]digits[.digits]" -> "-123.45" with no leading zeros in the integer part (but "0") and
// no trailing zeros in the fraction; "0" for any zero. nullopt if not a decimal number.
std::optional<std::string> NormalizeDecimal(std::string_view s) {
  s = TrimSpaces(s);
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  std::string_view whole = s, fraction;
  if (size_t dot = s.find('.'); dot != std::string_view::npos) {
    whole = s.substr(0, dot);
    fraction = s.substr(dot + 1);
  }
  if ((whole.empty() && fraction.empty()) || !IsDigits(whole) || !IsDigits(fraction)) {
    return std::nullopt;
  }
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

bool ParseUnsigned(std::string_view s, uint32_t* out) {
  if (s.empty() || !IsDigits(s)) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// ".ffffff" (1..6 digits) -> microseconds.
bool ParseFraction(std::string_view s, uint32_t* micros) {
  if (s.empty() || s.size() > 6 || !IsDigits(s)) return false;
  uint32_t v = 0;
  ParseUnsigned(s, &v);
  for (size_t i = s.size(); i < 6; ++i) v *= 10;
  *micros = v;
  return true;
}

// 'YYYY-MM-DD[( |T)HH:MM:SS[.ffffff]]'
bool ParseDateTime(std::string_view s, DateTimeParts* out) {
  s = TrimSpaces(s);
  uint32_t y, mo, d, h = 0, mi = 0, se = 0, us = 0;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !ParseUnsigned(s.substr(0, 4), &y) ||
      !ParseUnsigned(s.substr(5, 2), &mo) || !ParseUnsigned(s.substr(8, 2), &d)) {
    return false;
  }
  if (s.size() > 10) {
    std::string_view t = s.substr(11);
    if ((s[10] != ' ' && s[10] != 'T') || t.size() < 8 || t[2] != ':' || t[5] != ':' ||
        !ParseUnsigned(t.substr(0, 2), &h) || !ParseUnsigned(t.substr(3, 2), &mi) ||
        !ParseUnsigned(t.substr(6, 2), &se)) {
      return false;
    }
    if (t.size() > 8 && (t[8] != '.' || !ParseFraction(t.substr(9), &us))) return false;
  }
  if (mo > 12 || d > 31 || h > 23 || mi > 59 || se > 59) return false;
  *out = DateTimeParts{static_cast<uint16_t>(y),
                       static_cast<uint8_t>(mo),
                       static_cast<uint8_t>(d),
                       static_cast<uint8_t>(h),
                       static_cast<uint8_t>(mi),
                       static_cast<uint8_t>(se),
                       us};
  return true;
}

// '[-]H:MM:SS[.ffffff]' -> signed microseconds.
bool ParseTime(std::string_view s, int64_t* micros) {
  s = TrimSpaces(s);
  bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  size_t c1 = s.find(':');
  if (c1 == std::string_view::npos || s.size() < c1 + 6 || s[c1 + 3] != ':') return false;
  uint32_t h, m, sec, us = 0;
  if (!ParseUnsigned(s.substr(0, c1), &h) || !ParseUnsigned(s.substr(c1 + 1, 2), &m) ||
      !ParseUnsigned(s.substr(c1 + 4, 2), &sec) || m > 59 || sec > 59) {
    return false;
  }
  std::string_view rest = s.substr(c1 + 6);
  if (!rest.empty() && (rest.front() != '.' || !ParseFraction(rest.substr(1), &us))) return false;
  int64_t v = ((int64_t{h} * 60 + m) * 60 + sec) * 1'000'000 + us;
  *micros = negative ? -v : v;
  return true;
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
      if (!ParseDateTime(s, &lit.parts)) return std::nullopt;
      return lit;
    case Compare::kTime:
      if (!ParseTime(s, &lit.micros)) return std::nullopt;
      return lit;
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

// Three-way comparison of a non-NULL value with a literal of the column's class; nullopt when
// the value's kind does not fit the class (never for values the decoder makes for that type).
std::optional<int> CompareValue(const Value& v, const ColumnType& type, Compare compare,
                                const Literal& lit) {
  auto sign = [](auto a, auto b) { return a < b ? -1 : (b < a ? 1 : 0); };
  switch (compare) {
    case Compare::kNumeric: {
      std::string text;
      switch (v.kind()) {
        case Value::Kind::kInt:
          text = std::to_string(v.int_value());
          break;
        case Value::Kind::kUInt:
        case Value::Kind::kBit:
          text = std::to_string(v.uint_value());
          break;
        case Value::Kind::kDecimal: {
          auto d = NormalizeDecimal(v.text());
          if (!d) return std::nullopt;
          text = *d;
          break;
        }
        default:
          return std::nullopt;
      }
      return CompareDecimal(text, lit.text);
    }
    case Compare::kFloat:
      if (v.kind() == Value::Kind::kFloat) return sign(double{v.float_value()}, lit.number);
      if (v.kind() == Value::Kind::kDouble) return sign(v.double_value(), lit.number);
      return std::nullopt;
    case Compare::kDateTime:
      if (v.kind() != Value::Kind::kDate && v.kind() != Value::Kind::kDateTime &&
          v.kind() != Value::Kind::kTimestamp) {
        return std::nullopt;
      }
      return CompareParts(v.datetime(), lit.parts);
    case Compare::kTime:
      if (v.kind() != Value::Kind::kTime) return std::nullopt;
      return sign(TimeMicros(v.time()), lit.micros);
    case Compare::kText:
    case Compare::kTextCi:
    case Compare::kBytes: {
      if (!v.HasText() && v.kind() != Value::Kind::kEnumIndex &&
          v.kind() != Value::Kind::kSetBits) {
        return std::nullopt;
      }
      if (compare == Compare::kBytes) {
        int c = v.text().compare(lit.text);
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
      }
      int c = TextOf(v, type, compare == Compare::kTextCi).compare(lit.text);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
  }
  return std::nullopt;
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
    std::optional<int> a = CompareValue(v, f.type, f.compare, c.a);
    if (!a) return true;  // a value the filter cannot judge passes rather than vanishing
    bool holds = false;
    switch (c.op) {
      case FilterOperator::kLte:
        holds = *a <= 0;
        break;
      case FilterOperator::kGte:
        holds = *a >= 0;
        break;
      case FilterOperator::kEq:
        holds = *a == 0;
        break;
      case FilterOperator::kNotEq:
        holds = *a != 0;
        break;
      case FilterOperator::kBetween:
      case FilterOperator::kNotBetween: {
        std::optional<int> b = CompareValue(v, f.type, f.compare, c.b);
        bool between = *a >= 0 && b && *b <= 0;
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
