// sysbench oltp-style rows (id INT, k INT, c CHAR(120), pad CHAR(60)) for Parquet tests and
// benchmarks: c is ten groups of 11 random digits joined by '-', pad five groups, k uniform
// in 1..rows, as sysbench's oltp_common.lua generates them. Deterministic (fixed seed).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/schema.h"
#include "common/value.h"

namespace binlake::parquet::testing {

struct SysbenchRows {
  TableSchema schema;
  std::vector<int64_t> id, k;
  std::vector<std::string> c, pad;

  std::vector<Value> Row(size_t i) const {
    return {Value::Int(id[i]), Value::Int(k[i]), Value::String(c[i]), Value::String(pad[i])};
  }
};

inline std::string DigitGroups(std::mt19937_64& rng, int groups) {
  std::string s;
  for (int g = 0; g < groups; ++g) {
    if (g) s.push_back('-');
    for (int d = 0; d < 11; ++d) s.push_back(static_cast<char>('0' + rng() % 10));
  }
  return s;
}

inline SysbenchRows MakeSysbenchRows(size_t n) {
  SysbenchRows r;
  r.schema.schema = "sbtest";
  r.schema.table = "sbtest1";
  auto col = [](const char* name, SqlType t, uint32_t length) {
    Column c;
    c.name = name;
    c.type.type = t;
    c.type.length = length;
    c.nullable = false;
    return c;
  };
  r.schema.columns = {col("id", SqlType::kInt, 0), col("k", SqlType::kInt, 0),
                      col("c", SqlType::kChar, 120), col("pad", SqlType::kChar, 60)};
  std::mt19937_64 rng(20240601);
  for (size_t i = 0; i < n; ++i) {
    r.id.push_back(static_cast<int64_t>(i + 1));
    r.k.push_back(static_cast<int64_t>(rng() % n + 1));
    r.c.push_back(DigitGroups(rng, 10));
    r.pad.push_back(DigitGroups(rng, 5));
  }
  return r;
}

}  // namespace binlake::parquet::testing
