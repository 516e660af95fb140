#include "lake/table_merge.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace binlake {
namespace {

bool IsExactNumber(SqlType t) {
  switch (t) {
    case SqlType::kTinyInt:
    case SqlType::kSmallInt:
    case SqlType::kMediumInt:
    case SqlType::kInt:
    case SqlType::kBigInt:
    case SqlType::kDecimal:
    case SqlType::kYear:
    case SqlType::kBit:
      return true;
    default:
      return false;
  }
}

// Compares canonical decimal texts ("-12.340", "7", "0.5") exactly. Falls back to bytes for
// anything else.
int CompareDecimalText(std::string_view a, std::string_view b) {
  const bool neg_a = !a.empty() && a[0] == '-';
  const bool neg_b = !b.empty() && b[0] == '-';
  if (neg_a != neg_b) return neg_a ? -1 : 1;
  if (neg_a) {
    a.remove_prefix(1);
    b.remove_prefix(1);
  }
  auto split = [](std::string_view s) {
    size_t dot = s.find('.');
    std::string_view whole = s.substr(0, dot);
    std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
    while (whole.size() > 1 && whole[0] == '0') whole.remove_prefix(1);
    return std::make_pair(whole, frac);
  };
  auto [wa, fa] = split(a);
  auto [wb, fb] = split(b);
  int c = 0;
  if (wa.size() != wb.size()) {
    c = wa.size() < wb.size() ? -1 : 1;
  } else {
    c = wa.compare(wb);
    if (c == 0) {
      const size_t n = std::max(fa.size(), fb.size());
      for (size_t i = 0; i < n && c == 0; ++i) {
        const char da = i < fa.size() ? fa[i] : '0';
        const char db = i < fb.size() ? fb[i] : '0';
        c = da < db ? -1 : (da > db ? 1 : 0);
      }
    }
  }
  c = c < 0 ? -1 : (c > 0 ? 1 : 0);
  return neg_a ? -c : c;
}

}  // namespace

int CompareFieldText(const ColumnType& type, const std::string& a, const std::string& b) {
  if (IsExactNumber(type.type)) return CompareDecimalText(a, b);
  if (type.type == SqlType::kFloat || type.type == SqlType::kDouble) {
    const double x = std::strtod(a.c_str(), nullptr);
    const double y = std::strtod(b.c_str(), nullptr);
    if (x < y) return -1;
    if (x > y) return 1;
  }
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

TableMerge::TableMerge(TableSchema schema)
    : schema_(std::move(schema)), multiset_(schema_.primary_key.empty()) {
  if (multiset_) {
    for (size_t i = 0; i < schema_.columns.size(); ++i) key_.push_back(static_cast<int>(i));
  } else {
    key_ = schema_.primary_key;
  }
}

std::string TableMerge::KeyOf(const CsvRecord& row) const {
  std::string key;
  for (int c : key_) {
    const auto& field = row[static_cast<size_t>(c)];
    if (!field) {
      key += 'N';
      continue;
    }
    key += 'V';
    key += std::to_string(field->size());
    key += ':';
    key += *field;
  }
  return key;
}

Status TableMerge::Apply(char op, CsvRecord row) {
  if (row.size() != schema_.columns.size()) {
    return InvalidArgument("a row of " + std::to_string(row.size()) + " fields for a table of " +
                           std::to_string(schema_.columns.size()) + " columns");
  }
  if (op != 'I' && op != 'U' && op != 'D') {
    return InvalidArgument(std::string("unknown Op '") + op + "'");
  }
  std::string key = KeyOf(row);
  if (multiset_) {
    if (op == 'U') {
      return InvalidArgument(
          "an update ('U') of a table without a primary key does not say which row it "
          "replaces (written by a binlake before updates of such tables became 'D' + 'I')");
    }
    auto it = counted_.find(key);
    if (op == 'I') {
      if (it == counted_.end()) it = counted_.emplace(key, Counted{std::move(row), 0}).first;
      ++it->second.count;
      ++rows_;
    } else if (it == counted_.end()) {
      ++inconsistencies_;
    } else {
      --rows_;
      if (--it->second.count == 0) counted_.erase(it);
    }
    return Status::Ok();
  }
  auto it = by_key_.find(key);
  if (op == 'D') {
    if (it == by_key_.end()) {
      ++inconsistencies_;
    } else {
      by_key_.erase(it);
      --rows_;
    }
    return Status::Ok();
  }
  if (it == by_key_.end()) {
    if (op == 'U') ++inconsistencies_;
    by_key_.emplace(std::move(key), std::move(row));
    ++rows_;
  } else {
    if (op == 'I') ++inconsistencies_;
    it->second = std::move(row);
  }
  return Status::Ok();
}

std::vector<CsvRecord> TableMerge::TakeSortedRows() {
  std::vector<CsvRecord> out;
  out.reserve(rows_);
  for (auto& [key, row] : by_key_) out.push_back(std::move(row));
  for (auto& [key, counted] : counted_) {
    for (uint64_t i = 0; i < counted.count; ++i) out.push_back(counted.row);
  }
  by_key_.clear();
  counted_.clear();
  rows_ = 0;
  std::sort(out.begin(), out.end(), [this](const CsvRecord& a, const CsvRecord& b) {
    for (int c : key_) {
      const auto& fa = a[static_cast<size_t>(c)];
      const auto& fb = b[static_cast<size_t>(c)];
      if (!fa || !fb) {
        if (!fa && !fb) continue;
        return !fa;  // NULL first
      }
      const int cmp = CompareFieldText(schema_.columns[static_cast<size_t>(c)].type, *fa, *fb);
      if (cmp != 0) return cmp < 0;
    }
    return false;
  });
  return out;
}

}  // namespace binlake
